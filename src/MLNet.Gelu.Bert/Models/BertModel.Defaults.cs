using System.Reflection;

namespace MLNet.Gelu.Bert;

public sealed partial class BertModel
{
    /// <summary>The NuGet package (and assembly) that carries all-MiniLM-L6-v2.</summary>
    internal const string MiniLmPackage = "MLNet.Gelu.Bert.MiniLM";

    private static readonly WeakReference<BertModel?> CachedMiniLm = new(null);
    private static readonly Lock CacheLock = new();

    /// <summary>
    /// The settings sentence-transformers uses for all-MiniLM-L6-v2: lower-cased, at most 256 tokens, mean pooling over
    /// the attention mask, L2-normalized.
    /// </summary>
    public static BertModelSettings AllMiniLmL6V2Settings { get; } = new()
    {
        LowerCase = true,
        MaxTokens = 256,
        Pooling = BertPooling.Mean,
        Normalize = true,
    };

    /// <summary>
    /// The default model, sentence-transformers/all-MiniLM-L6-v2 (384 dimensions, Apache-2.0), read from the
    /// <c>MLNet.Gelu.Bert.MiniLM</c> package, which the app references (or the <c>MLNet.Gelu.Bert.Cpu</c> package, which
    /// brings it). The instance is shared while anyone holds it (the model is 91 MB).
    /// </summary>
    /// <exception cref="BertModelException">The app does not carry the <c>MLNet.Gelu.Bert.MiniLM</c> package
    /// (<see cref="BertModelProblem.ModelPackageMissing"/>); the message says what to add.</exception>
    public static BertModel AllMiniLmL6V2()
    {
        lock (CacheLock)
        {
            if (CachedMiniLm.TryGetTarget(out var model) && model is not null)
            {
                return model;
            }

            model = FromAssemblyResources(
                LoadModelPackage(MiniLmPackage),
                MiniLmPackage + ".model.onnx",
                MiniLmPackage + ".vocab.txt",
                AllMiniLmL6V2Settings);
            CachedMiniLm.SetTarget(model);
            return model;
        }
    }

    private static Assembly LoadModelPackage(string package)
    {
        try
        {
            return Assembly.Load(new AssemblyName(package));
        }
        catch (FileNotFoundException e)
        {
            throw new BertModelException(
                package,
                BertModelProblem.ModelPackageMissing,
                $"the embedded default model is not in this app. Add the package that carries it: 'dotnet add package {package}' " +
                $"(or a ProjectReference to {package}.csproj), or the newcomer package 'MLNet.Gelu.Bert.Cpu', which brings the library, " +
                "the model and the CPU ONNX Runtime. Or load a model of your own with BertModel.FromFiles.",
                e);
        }
    }
}
