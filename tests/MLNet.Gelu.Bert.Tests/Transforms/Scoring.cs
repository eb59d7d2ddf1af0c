using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Transforms;

/// <summary>Shared options, row classes and one transformer (small window, truncated-token column) for the transform tests.</summary>
internal static class Scoring
{
    public static MLContext Ml { get; } = new(seed: 1);

    /// <summary>MiniLM on two threads without spinning (several sessions share the cores).</summary>
    public static BertScoringOptions Options { get; } = new()
    {
        Model = MiniLm.Model,
        IntraOpThreads = 2,
        SessionConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
    };

    private static readonly Lazy<BertScoringTransformer> LazySmallWindow = new(() =>
        Ml.Transforms.ScoreBert("Embedding", "Text", Options with { WindowSize = 5, TokenBudget = 256, TruncatedTokensColumnName = "Dropped" })
            .Fit(Texts("x")));

    /// <summary>Window of 5 rows, token budget 256, <c>Dropped</c> column: reads "Text", writes "Embedding".</summary>
    public static BertScoringTransformer SmallWindow => LazySmallWindow.Value;

    public static IDataView Texts(params string?[] texts) => Ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));

    /// <summary>Reads the Embedding (and Dropped when present) columns in row order.</summary>
    public static (float[][] Embeddings, int[] Dropped) Read(IDataView scored)
    {
        var embeddings = new List<float[]>();
        var dropped = new List<int>();
        var columns = scored.Schema.Where(c => c.Name is "Embedding" or "Dropped").ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var embedding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Embedding"]);
        var count = scored.Schema.GetColumnOrNull("Dropped") is { } d ? cursor.GetGetter<int>(d) : null;
        VBuffer<float> value = default;
        int n = 0;
        while (cursor.MoveNext())
        {
            embedding(ref value);
            embeddings.Add(value.DenseValues().ToArray());
            if (count is not null)
            {
                count(ref n);
                dropped.Add(n);
            }
        }

        return ([.. embeddings], [.. dropped]);
    }

    public sealed class TextRow
    {
        public string? Text { get; set; }
    }

    public sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }
}
