using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Packages;

/// <summary>
/// Apps outside the repository built from freshly packed packages, one per row of the README's package table: what
/// they resolve is what ships. They restore into a packages folder of their own (<see cref="ConsumerApp.PackagesFolder"/>).
/// </summary>
[Collection(nameof(LocalFeedCollection))]
public sealed partial class PackageConsumerTests(LocalFeed feed)
{
    [Fact]
    public void The_readme_snippets_run_in_a_cpu_app_and_print_the_sentence_transformers_similarities()
    {
        using var app = ConsumerApp.Create("Cpu", feed);
        app.Write("Program.cs", ReadmeProgram.Build(File.ReadAllText(Repository.PathOf("README.md")), "cpu"));

        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Describe());

        // sbert.net's example for all-MiniLM-L6-v2, to the four decimals it prints.
        AssertSimilarity(run.Output, 0, 1, 0.6660);
        AssertSimilarity(run.Output, 0, 2, 0.1046);
        AssertSimilarity(run.Output, 1, 2, 0.1411);
        Assert.Contains("Vector<Single, 384>", run.Output);
        AssertSingleNativeRuntime(app, "microsoft.ml.onnxruntime", "1.31.1");
    }

    [Fact]
    public void An_app_without_the_model_package_or_a_native_runtime_is_told_what_to_add()
    {
        using var app = ConsumerApp.Create("NoRuntime", feed);
        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.Empty(Directory.EnumerateFiles(app.Folder, "*onnxruntime*.so", SearchOption.AllDirectories));
        Assert.DoesNotContain(Directory.EnumerateFiles(app.Folder, "*onnxruntime*.dll", SearchOption.AllDirectories),
            f => !Path.GetFileName(f).StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));

        var (onnx, vocabulary) = ExtractMiniLm(app.Root);
        var run = app.Run(onnx, vocabulary);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Contains("model: BertModelException ModelPackageMissing: MLNet.Gelu.Bert.MiniLM:", run.Output);
        Assert.Contains("'dotnet add package MLNet.Gelu.Bert.MiniLM'", run.Output);
        Assert.Contains("session: OnnxRuntimeNotFoundException:", run.Output);
        Assert.Contains("'dotnet add package Microsoft.ML.OnnxRuntime'", run.Output);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", run.Output);
        // The message must be true of this app: it depends on no native runtime.
        var list = app.Dotnet("list", "package", "--include-transitive");
        Assert.DoesNotMatch(NativeRuntimeLine(), list.Output);
    }

    [Fact]
    public void A_gpu_app_gets_the_cuda_build_of_onnx_runtime_and_no_cpu_package()
    {
        using var app = ConsumerApp.Create("Gpu", feed);
        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        string publish = Path.Combine(app.Root, "publish");
        var published = app.Publish(publish);
        Assert.True(published.ExitCode == 0, published.Describe());

        string gpuBuild = Path.Combine(ConsumerApp.PackagesFolder, "microsoft.ml.onnxruntime.gpu.linux", "1.31.0", "runtimes", "linux-x64", "native", "libonnxruntime.so");
        var copies = Directory.EnumerateFiles(app.OutputFolder, "libonnxruntime.so", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(publish, "libonnxruntime.so", SearchOption.AllDirectories))
            .Where(f => !f.Contains("linux-arm64", StringComparison.Ordinal)).ToList();
        Assert.True(copies.Count >= 2, $"Expected libonnxruntime.so in bin/ and publish/, found: {string.Join(", ", copies)}");
        foreach (string copy in copies)
        {
            Assert.True(Hash(copy) == Hash(gpuBuild), $"{copy} is not the CUDA build of ONNX Runtime ({gpuBuild}).");
        }

        var list = app.Dotnet("list", "package", "--include-transitive");
        Assert.True(list.ExitCode == 0, list.Describe());
        Assert.DoesNotMatch(CpuRuntimeLine(), list.Output);

        var run = app.Run();
        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Matches(@"providers: .*CUDAExecutionProvider", run.Output);
        // No GPU here: asking for CUDA fails clearly (the CUDA libraries are missing, although the build lists CUDA); on a GPU host it runs.
        Assert.Matches(@"cuda: (session created, 384 dimensions|ExecutionProviderUnavailableException: .*Failed to load)", run.Output);
        // The same missing libraries with FallbackToCpu: the CPU, and a log line that says why.
        Assert.Matches(@"(?m)fallback: (Cuda, 384 dimensions; log: \r?$|Cpu, 384 dimensions; log: .*not available \(OnnxRuntimeException: .*Failed to load.*falling back to the CPU)", run.Output);
    }

    [Fact]
    public void A_cluster_app_from_the_packages_hosts_a_silo_and_embeds_through_it()
    {
        using var app = ConsumerApp.Create("Cluster", feed);
        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Describe());

        var run = app.Run();

        Assert.True(run.ExitCode == 0, run.Describe());
        // sbert.net's similarity of these two sentences for all-MiniLM-L6-v2 (as the CPU app above prints it).
        Assert.Contains("cluster: 2 embeddings of 384, similarity 0.6660", run.Output);
        Assert.Contains("bulk: 40 rows", run.Output);
    }

    private static void AssertSimilarity(string output, int i, int j, double expected)
    {
        var match = Regex.Match(output, $@"similarity {i} {j}: (?<value>-?\d+\.\d+)");
        Assert.True(match.Success, $"No similarity {i} {j} in the output:{Environment.NewLine}{output}");
        double actual = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(actual - expected) <= 1e-4, $"similarity {i} {j}: expected {expected}, printed {actual}.");
    }

    /// <summary>The app's graph holds exactly the one native runtime it chose, and bin/ has its library.</summary>
    private static void AssertSingleNativeRuntime(ConsumerApp app, string package, string version)
    {
        string expected = Path.Combine(ConsumerApp.PackagesFolder, package, version, "runtimes", "linux-x64", "native", "libonnxruntime.so");
        var copies = Directory.EnumerateFiles(app.OutputFolder, "libonnxruntime.so", SearchOption.AllDirectories)
            .Where(f => f.Contains("linux-x64", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        Assert.All(copies, copy => Assert.Equal(Hash(expected), Hash(copy)));
        Assert.DoesNotMatch(GpuRuntimeLine(), app.Dotnet("list", "package", "--include-transitive").Output);
    }

    /// <summary>The model and vocabulary, read from the packed MLNet.Gelu.Bert.MiniLM package as any tool could.</summary>
    private (string Onnx, string Vocabulary) ExtractMiniLm(string folder)
    {
        string package = Path.Combine(feed.Folder, $"MLNet.Gelu.Bert.MiniLM.{feed.Version}.nupkg");
        string assemblyPath = Path.Combine(folder, "MLNet.Gelu.Bert.MiniLM.dll");
        using (var zip = ZipFile.OpenRead(package))
        {
            zip.GetEntry("lib/net10.0/MLNet.Gelu.Bert.MiniLM.dll")!.ExtractToFile(assemblyPath);
        }

        var context = new System.Runtime.Loader.AssemblyLoadContext("minilm-resources", isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromAssemblyPath(assemblyPath);
            string onnx = Path.Combine(folder, "model.onnx"), vocabulary = Path.Combine(folder, "vocab.txt");
            foreach (var (resource, file) in new[] { ("MLNet.Gelu.Bert.MiniLM.model.onnx", onnx), ("MLNet.Gelu.Bert.MiniLM.vocab.txt", vocabulary) })
            {
                using var input = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"{package} lacks {resource}.");
                using var output = File.Create(file);
                input.CopyTo(output);
            }

            return (onnx, vocabulary);
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    [GeneratedRegex(@"> Microsoft\.ML\.OnnxRuntime(\.Gpu[\w.]*)?\s", RegexOptions.Multiline)]
    private static partial Regex NativeRuntimeLine();

    [GeneratedRegex(@"> Microsoft\.ML\.OnnxRuntime\s", RegexOptions.Multiline)]
    private static partial Regex CpuRuntimeLine();

    [GeneratedRegex(@"> Microsoft\.ML\.OnnxRuntime\.Gpu[\w.]*\s", RegexOptions.Multiline)]
    private static partial Regex GpuRuntimeLine();
}
