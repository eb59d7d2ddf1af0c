using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// The way to run a BERT in ML.NET today: a CustomMapping that tokenizes each text to fixed 128-token int64 vectors
/// (ApplyOnnxModel needs known shapes), ApplyOnnxModel (one InferenceSession.Run per row), and a CustomMapping that
/// mean-pools the token vectors over the mask and L2-normalizes them.
/// </summary>
internal static class MlNetOnnxPipeline
{
    public const int Tokens = 128;

    /// <summary>Fits the three-step pipeline on <paramref name="texts"/>' schema; the ONNX session uses 2 intra-op threads.</summary>
    public static ITransformer Fit(MLContext mlContext, IDataView texts, int intraOpThreads)
    {
        var tokenizer = MiniLmFiles.NewTokenizer();
        var tokens = mlContext.Transforms.CustomMapping<TextRow, TokenRow>(
            (input, output) =>
            {
                // One tokenizer for the mapping; the lock keeps it safe should ML.NET run several cursors at once.
                output.InputIds = new long[Tokens];
                output.AttentionMask = new long[Tokens];
                output.TokenTypeIds = new long[Tokens];
                lock (tokenizer)
                {
                    tokenizer.Encode(input.Text ?? string.Empty, output.InputIds, output.AttentionMask, output.TokenTypeIds, padTo: Tokens);
                }
            },
            contractName: null);

        var onnx = mlContext.Transforms.ApplyOnnxModel(new OnnxOptions
        {
            ModelFile = MiniLmFiles.OnnxPath,
            InputColumns = ["input_ids", "attention_mask", "token_type_ids"],
            OutputColumns = ["last_hidden_state"],
            ShapeDictionary = new Dictionary<string, int[]>
            {
                ["input_ids"] = [1, Tokens],
                ["attention_mask"] = [1, Tokens],
                ["token_type_ids"] = [1, Tokens],
            },
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        });

        var pool = mlContext.Transforms.CustomMapping<HiddenRow, EmbeddingRow>(
            (input, output) =>
            {
                int used = (int)input.AttentionMask.Sum();
                output.Embedding = RawMiniLm.MeanPoolNormalize(input.LastHiddenState.AsSpan(0, used * MiniLmFiles.Hidden));
            },
            contractName: null);

        return tokens.Append(onnx).Append(pool).Fit(texts);
    }

    /// <summary>Reads the embedding column through a cursor; returns a checksum over every row.</summary>
    public static float Drain(IDataView scored)
    {
        var column = scored.Schema["Embedding"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> vector = default;
        float sum = 0;
        for (int row = 0; cursor.MoveNext(); row++)
        {
            getter(ref vector);
            var values = vector.GetValues();
            sum += values[row % values.Length];
        }

        return sum;
    }

    public sealed class TextRow
    {
        public string? Text { get; set; }
    }

    public sealed class TokenRow
    {
        [ColumnName("input_ids"), VectorType(Tokens)]
        public long[] InputIds { get; set; } = [];

        [ColumnName("attention_mask"), VectorType(Tokens)]
        public long[] AttentionMask { get; set; } = [];

        [ColumnName("token_type_ids"), VectorType(Tokens)]
        public long[] TokenTypeIds { get; set; } = [];
    }

    public sealed class HiddenRow
    {
        [ColumnName("last_hidden_state")]
        public float[] LastHiddenState { get; set; } = [];

        [ColumnName("attention_mask"), VectorType(Tokens)]
        public long[] AttentionMask { get; set; } = [];
    }

    public sealed class EmbeddingRow
    {
        [VectorType(MiniLmFiles.Hidden)]
        public float[] Embedding { get; set; } = [];
    }
}
