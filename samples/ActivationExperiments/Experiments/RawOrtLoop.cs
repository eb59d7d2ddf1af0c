using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace ActivationExperiments.Experiments;

/// <summary>
/// The speed reference of the int8 experiment: all-MiniLM-L6-v2 in float32 through FastBertTokenizer and an ONNX Runtime
/// session used directly (no library code), with the library's batching rule written out here: sort by token count, grow a
/// batch while rows × longest length stays within 1,024 tokens and 256 rows, pad to the batch's longest row, mean-pool over
/// the mask, L2-normalize. The same loop as the benchmarks' baseline (docs/benchmarks.md), so "× the raw loop" means the same.
/// </summary>
internal sealed class RawOrtLoop : IDisposable
{
    private const int Hidden = 384, MaxTokens = 256, TokenBudget = 1024, MaxRows = 256;

    private readonly FastBertTokenizer.BertTokenizer _tokenizer = new();
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();

    public RawOrtLoop(byte[] onnx, string vocabulary, int threads)
    {
        using (var reader = new StringReader(vocabulary))
        {
            _tokenizer.LoadVocabulary(reader, convertInputToLowercase: true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", System.Text.NormalizationForm.FormD);
        }

        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        _session = new InferenceSession(onnx, _options);
    }

    /// <summary>Embeds <paramref name="texts"/> (tokenization included), returning vectors in input order.</summary>
    public float[][] Embed(IReadOnlyList<string?> texts)
    {
        var ids = new long[MaxTokens];
        var mask = new long[MaxTokens];
        var tokens = texts.Select(t => ids[.._tokenizer.Encode(t ?? string.Empty, ids, mask)]).ToArray();
        int[] order = [.. Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length)];
        var result = new float[texts.Count][];
        for (int start = 0; start < order.Length;)
        {
            int end = start + 1;
            while (end < order.Length && end - start < MaxRows && (end - start + 1) * tokens[order[end]].Length <= TokenBudget)
            {
                end++;
            }

            Run(tokens, order.AsSpan(start, end - start), tokens[order[end - 1]].Length, result);
            start = end;
        }

        return result;
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }

    private void Run(long[][] tokens, ReadOnlySpan<int> rows, int length, float[][] result)
    {
        int count = rows.Length * length;
        var ids = new long[count];
        var mask = new long[count];
        var types = new long[count];
        float[] hidden = ArrayPool<float>.Shared.Rent(count * Hidden);
        try
        {
            for (int r = 0; r < rows.Length; r++)
            {
                tokens[rows[r]].CopyTo(ids.AsSpan(r * length));
                mask.AsSpan(r * length, tokens[rows[r]].Length).Fill(1);
            }

            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows.Length, length]);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [rows.Length, length]);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, [rows.Length, length]);
            using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, hidden.AsMemory(0, count * Hidden), [rows.Length, length, Hidden]);
            _session.Run(_run, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"], [output]);
            for (int r = 0; r < rows.Length; r++)
            {
                var vector = new float[Hidden];
                int n = tokens[rows[r]].Length;
                for (int t = 0; t < n; t++)
                {
                    TensorPrimitives.Add(vector, hidden.AsSpan((r * length + t) * Hidden, Hidden), vector);
                }

                TensorPrimitives.Divide(vector, Math.Max(TensorPrimitives.Norm(vector), float.Epsilon), vector);
                result[rows[r]] = vector;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(hidden);
        }
    }
}
