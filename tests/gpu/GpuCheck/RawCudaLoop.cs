using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.GpuCheck;

/// <summary>
/// The peer: a hand-written ONNX Runtime loop on the CUDA provider with the same length-sorted dynamic batching,
/// sharing no code with the library (FastBertTokenizer and InferenceSession called directly, mean pooling + L2).
/// </summary>
internal sealed class RawCudaLoop : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer = new();

    public RawCudaLoop(byte[] model, Stream vocabulary, int deviceId)
    {
        using (var reader = new StreamReader(vocabulary))
        {
            _tokenizer.LoadVocabulary(reader, true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", System.Text.NormalizationForm.FormD);
        }

        using var options = SessionOptions.MakeSessionOptionWithCudaProvider(deviceId);
        _session = new InferenceSession(model, options);
    }

    public float[][] Embed(IReadOnlyList<string> texts, int tokenBudget)
    {
        var ids = texts.Select(t =>
        {
            var buffer = new long[256];
            int n = _tokenizer.Encode(t, buffer, new long[256]);
            return buffer[..n];
        }).ToArray();
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ToArray();
        var results = new float[ids.Length][];
        int start = 0;
        while (start < order.Length)
        {
            int end = start + 1;
            while (end < order.Length && (end - start + 1) * ids[order[end]].Length <= tokenBudget)
            {
                end++;
            }

            int batch = end - start, length = ids[order[end - 1]].Length;
            var input = new long[batch * length];
            var mask = new long[batch * length];
            for (int b = 0; b < batch; b++)
            {
                var row = ids[order[start + b]];
                row.CopyTo(input, b * length);
                Array.Fill(mask, 1L, b * length, row.Length);
            }

            using var idsValue = OrtValue.CreateTensorValueFromMemory(input, [batch, length]);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [batch, length]);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[batch * length], [batch, length]);
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"]);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            int dimension = hidden.Length / (batch * length);
            for (int b = 0; b < batch; b++)
            {
                int n = ids[order[start + b]].Length;
                var sum = new double[dimension];
                for (int t = 0; t < n; t++)
                {
                    for (int d = 0; d < dimension; d++)
                    {
                        sum[d] += hidden[((b * length) + t) * dimension + d];
                    }
                }

                double norm = Math.Sqrt(sum.Sum(x => x * x));
                results[order[start + b]] = sum.Select(x => (float)(x / norm)).ToArray();
            }

            start = end;
        }

        return results;
    }

    public void Dispose() => _session.Dispose();
}
