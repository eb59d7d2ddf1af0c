using System.Buffers;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Benchmarks.Bert;

/// <summary>
/// The hand-written baseline: FastBertTokenizer and an ONNX Runtime <see cref="InferenceSession"/> used directly, with
/// mean pooling over the attention mask and L2 normalization written out here. Independent of the library's code.
/// </summary>
internal sealed class RawMiniLm : IDisposable
{
    private readonly FastBertTokenizer.BertTokenizer _tokenizer = MiniLmFiles.NewTokenizer();
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _outputName;
    private readonly long _padId;

    public RawMiniLm(int intraOpThreads)
    {
        _options = SessionOptionsFor(intraOpThreads);
        _session = new InferenceSession(MiniLmFiles.Onnx, _options);
        _outputName = _session.OutputMetadata.First(o => o.Value.Dimensions.Length == 3).Key;
        Span<long> ids = stackalloc long[4];
        Span<long> mask = stackalloc long[4];
        _tokenizer.Encode(string.Empty, ids, mask, padTo: 4);
        _padId = ids[^1];
    }

    /// <summary>ORT options every peer uses: the given intra-op threads, one inter-op thread, no spinning.</summary>
    public static SessionOptions SessionOptionsFor(int intraOpThreads)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        return options;
    }

    /// <summary>Tokenizes every text (at most 256 tokens, <c>[CLS]</c> and <c>[SEP]</c> included).</summary>
    public long[][] Tokenize(IReadOnlyList<string> texts)
    {
        var result = new long[texts.Count][];
        long[] ids = new long[MiniLmFiles.MaxTokens];
        long[] mask = new long[MiniLmFiles.MaxTokens];
        for (int i = 0; i < texts.Count; i++)
        {
            int n = _tokenizer.Encode(texts[i], ids, mask);
            result[i] = ids[..n];
        }

        return result;
    }

    /// <summary>
    /// Length-sorted dynamic batching: sort by token count, grow each batch while (rows + 1) × next length stays within
    /// <paramref name="tokenBudget"/> and rows stay within <paramref name="maxBatch"/>, pad to the batch's longest row.
    /// </summary>
    public float[][] EmbedSorted(IReadOnlyList<string> texts, int tokenBudget, int maxBatch)
    {
        long[][] tokens = Tokenize(texts);
        int[] order = Enumerable.Range(0, tokens.Length).ToArray();
        Array.Sort(tokens.Select(t => t.Length).ToArray(), order);
        var result = new float[texts.Count][];
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && end - start < maxBatch && (end - start + 1) * tokens[order[end]].Length <= tokenBudget)
            {
                end++;
            }

            RunBatch(tokens, order.AsSpan(start, end - start), tokens[order[end - 1]].Length, result);
            start = end;
        }

        return result;
    }

    /// <summary>Batches of <paramref name="batchSize"/> in corpus order, each padded (and truncated) to <paramref name="padTo"/> tokens.</summary>
    public float[][] EmbedFixed(IReadOnlyList<string> texts, int batchSize, int padTo)
    {
        var result = new float[texts.Count][];
        var tokens = new long[texts.Count][];
        long[] ids = new long[padTo];
        long[] mask = new long[padTo];
        int[] order = Enumerable.Range(0, texts.Count).ToArray();
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, texts.Count - start);
            for (int i = start; i < start + count; i++)
            {
                tokens[i] = ids[.._tokenizer.Encode(texts[i], ids, mask)];
            }

            RunBatch(tokens, order.AsSpan(start, count), padTo, result);
        }

        return result;
    }

    /// <summary>Each text alone (batch 1, no padding).</summary>
    public float[][] EmbedOneByOne(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        var tokens = new long[1][];
        long[] ids = new long[MiniLmFiles.MaxTokens];
        long[] mask = new long[MiniLmFiles.MaxTokens];
        int[] only = [0];
        var single = new float[1][];
        for (int i = 0; i < texts.Count; i++)
        {
            tokens[0] = ids[.._tokenizer.Encode(texts[i], ids, mask)];
            RunBatch(tokens, only, tokens[0].Length, single);
            result[i] = single[0];
        }

        return result;
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }

    private void RunBatch(long[][] tokens, ReadOnlySpan<int> rows, int length, float[][] result)
    {
        int count = rows.Length * length;
        long[] ids = ArrayPool<long>.Shared.Rent(count);
        long[] mask = ArrayPool<long>.Shared.Rent(count);
        long[] types = ArrayPool<long>.Shared.Rent(count);
        float[] hidden = ArrayPool<float>.Shared.Rent(count * MiniLmFiles.Hidden);
        try
        {
            ids.AsSpan(0, count).Fill(_padId);
            mask.AsSpan(0, count).Clear();
            types.AsSpan(0, count).Clear();
            for (int r = 0; r < rows.Length; r++)
            {
                long[] row = tokens[rows[r]];
                int n = Math.Min(row.Length, length);
                row.AsSpan(0, n).CopyTo(ids.AsSpan(r * length));
                mask.AsSpan(r * length, n).Fill(1);
            }

            long[] shape = [rows.Length, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, count), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, count), shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, count), shape);
            using var output = OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, hidden.AsMemory(0, count * MiniLmFiles.Hidden), [rows.Length, length, MiniLmFiles.Hidden]);
            _session.Run(_runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [_outputName], [output]);

            for (int r = 0; r < rows.Length; r++)
            {
                int n = Math.Min(tokens[rows[r]].Length, length);
                result[rows[r]] = MeanPoolNormalize(hidden.AsSpan(r * length * MiniLmFiles.Hidden, n * MiniLmFiles.Hidden));
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(types);
            ArrayPool<float>.Shared.Return(hidden);
        }
    }

    /// <summary>Mean of the token vectors, then L2-normalized (sentence-transformers' all-MiniLM-L6-v2 head).</summary>
    public static float[] MeanPoolNormalize(ReadOnlySpan<float> tokenVectors)
    {
        int tokens = tokenVectors.Length / MiniLmFiles.Hidden;
        var vector = new float[MiniLmFiles.Hidden];
        for (int t = 0; t < tokens; t++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(vector, tokenVectors.Slice(t * MiniLmFiles.Hidden, MiniLmFiles.Hidden), vector);
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm > 0 ? norm : 1f, vector);
        return vector;
    }
}
