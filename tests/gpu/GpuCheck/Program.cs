using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu;
using MLNet.Gelu.Bert;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Datasets;
using MLNet.Gelu.GpuCheck;

// The GPU check: correctness of the CUDA execution provider against CPU, and throughput of the library against a raw
// ONNX Runtime CUDA loop with the same batching. Prints one summary; exit code 1 when a check fails.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int deviceId = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
var failures = new List<string>();
var summary = new List<string>();
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {what}");
    summary.Add($"{(ok ? "PASS" : "FAIL")} {what}");
    if (!ok)
    {
        failures.Add(what);
    }
}

Console.WriteLine($"providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
var texts = UciSentiment.Load().Select(s => s.Text).ToArray();
var model = BertModel.AllMiniLmL6V2();
var cpuOptions = new BertEmbedderOptions { IntraOpThreads = Environment.ProcessorCount };
BertEmbedderOptions Cuda(int budget) => new()
{
    ExecutionProvider = BertExecutionProvider.Cuda,
    DeviceId = deviceId,
    TokenBudget = budget,
    MaxBatchSize = 1024,
};

// 1. CUDA gives the CPU embeddings. The CUDA session comes first, so a host without CUDA fails at once.
BertEmbedder gpuFirst;
try
{
    gpuFirst = new BertEmbedder(model, Cuda(8192));
}
catch (ExecutionProviderUnavailableException e)
{
    Console.WriteLine($"FAIL the CUDA execution provider could not be created: {e.Message}");
    Console.WriteLine("gpu: 1 failed");
    return 1;
}

float[][] reference;
using (var cpu = new BertEmbedder(model, cpuOptions))
{
    reference = cpu.Embed(texts);
}

using (var gpu = gpuFirst)
{
    Check(gpu.ExecutionProvider == BertExecutionProvider.Cuda, "session runs on the CUDA execution provider");
    var embedded = gpu.Embed(texts);
    double worst = texts.Select((_, i) => Cosine(reference[i], embedded[i])).Min();
    Check(worst >= 0.9999, $"CUDA vs CPU embeddings on {texts.Length} UCI sentences: min cosine {worst:F6} (>= 0.9999)");
    double worstAlone = Enumerable.Range(0, 64).Select(i => Cosine(embedded[i], gpu.Embed(texts[i]))).Min();
    Check(worstAlone >= 0.99999, $"CUDA batched vs alone (64 rows): min cosine {worstAlone:F7} (>= 0.99999)");
}

// 2. Throughput: the library against the raw loop, same token budgets.
var assembly = System.Reflection.Assembly.Load("MLNet.Gelu.Bert.MiniLM");
using (var raw = new RawCudaLoop(model.OnnxModel.ToArray(), assembly.GetManifestResourceStream("MLNet.Gelu.Bert.MiniLM.vocab.txt")!, deviceId))
{
    foreach (int budget in new[] { 1024, 8192, 32768 })
    {
        using var gpu = new BertEmbedder(model, Cuda(budget));
        double ours = Throughput(() => gpu.Embed(texts));
        double theirs = Throughput(() => raw.Embed(texts, budget));
        summary.Add($"budget {budget,6}: BertEmbedder {ours,8:F0} sentences/s, raw ORT CUDA loop {theirs,8:F0} sentences/s, ratio {ours / theirs:F2}");
        Console.WriteLine(summary[^1]);
    }
}

// 3. Activation variants on the GPU: distance from the exact model and speed.
foreach (var activation in new[] { Activation.Gelu, Activation.GeluTanh, Activation.GeluSigmoid, Activation.Relu })
{
    var rewritten = ActivationGraphRewriter.Rewrite(model.OnnxModel.ToArray(), activation);
    var variant = BertModel.FromStreams(new MemoryStream(rewritten.ToByteArray()), assembly.GetManifestResourceStream("MLNet.Gelu.Bert.MiniLM.vocab.txt")!, model.Settings, $"MiniLM-{activation}");
    using var gpu = new BertEmbedder(variant, Cuda(8192));
    float[][] embedded = [];
    double speed = Throughput(() => embedded = gpu.Embed(texts));
    double mean = texts.Select((_, i) => Cosine(reference[i], embedded[i])).Average();
    summary.Add($"variant {activation,-11}: {speed,8:F0} sentences/s, mean cosine to exact CPU {mean:F6}");
    Console.WriteLine(summary[^1]);
}

Console.WriteLine();
Console.WriteLine("== GPU check summary ==");
summary.ForEach(Console.WriteLine);
Console.WriteLine($"gpu: {failures.Count} failed");
return failures.Count == 0 ? 0 : 1;

double Throughput(Action run)
{
    run(); // warm-up: CUDA kernels, cuDNN autotuning
    var clock = Stopwatch.StartNew();
    int rounds = 0;
    while (rounds < 3 || clock.Elapsed.TotalSeconds < 5)
    {
        run();
        rounds++;
    }

    return rounds * texts.Length / clock.Elapsed.TotalSeconds;
}

static double Cosine(float[] a, float[] b)
{
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.Length; i++)
    {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }

    return dot / Math.Sqrt(na * nb);
}
