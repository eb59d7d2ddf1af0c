using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Bert.Graphs.Quantization;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Per-channel maxima max|X_k| of the inputs of a model's quantizable MatMuls (those with a constant 2-D weight), measured by
/// running the float model on calibration texts: the data <see cref="MatMulSmoothing"/> migrates into the weights.
/// </summary>
public sealed class MatMulInputRanges
{
    /// <summary>Creates ranges from known maxima.</summary>
    /// <param name="maxima">Per input tensor name, max|x| of each channel (the tensor's last dimension).</param>
    /// <param name="texts">How many texts were measured.</param>
    /// <param name="tokens">How many tokens (rows of each tensor) were measured.</param>
    public MatMulInputRanges(IReadOnlyDictionary<string, float[]> maxima, int texts, long tokens)
    {
        ArgumentNullException.ThrowIfNull(maxima);
        Maxima = maxima;
        Texts = texts;
        Tokens = tokens;
    }

    /// <summary>Per input tensor name, max|x| of each channel.</summary>
    public IReadOnlyDictionary<string, float[]> Maxima { get; }

    /// <summary>How many texts were measured.</summary>
    public int Texts { get; }

    /// <summary>How many tokens were measured.</summary>
    public long Tokens { get; }

    /// <summary>
    /// Data-free calibration: <see cref="Measure"/> on <paramref name="sequences"/> word sequences drawn at random (seeded, so the
    /// result is the same on every run) from the model's own vocabulary, 8 to 40 whole words each. No text of the application is
    /// needed; BERT's outlier channels show on such input as they do on real sentences (docs/experiments.md compares the two).
    /// </summary>
    /// <param name="model">The model as it will be quantized (after any activation rewrite).</param>
    /// <param name="sequences">How many sequences; default 64.</param>
    /// <param name="seed">The seed of the draw; default 1.</param>
    /// <param name="intraOpThreads">Threads per run; 0 (default) lets ONNX Runtime choose.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequences"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The vocabulary has no word (a token of letters).</exception>
    public static MatMulInputRanges MeasureOnVocabulary(BertModel model, int sequences = 64, int seed = 1, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        return Measure(model, VocabularyText.Draw(model.Vocabulary, sequences, seed), intraOpThreads);
    }

    /// <summary>
    /// Runs <paramref name="model"/> in float32 on each text alone (no padding), with the inputs of its quantizable MatMuls
    /// added as graph outputs, and keeps each channel's largest magnitude. A model without such MatMuls gives empty ranges
    /// without running.
    /// </summary>
    /// <param name="model">The model as it will be quantized (after any activation rewrite).</param>
    /// <param name="texts">Calibration texts, such as a few hundred sentences of the kind the model will embed.</param>
    /// <param name="intraOpThreads">Threads per run; 0 (default) lets ONNX Runtime choose.</param>
    /// <exception cref="ArgumentException">No texts were given.</exception>
    public static MatMulInputRanges Measure(BertModel model, IEnumerable<string> texts, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        var list = texts.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one text.", nameof(texts));
        }

        var proto = OnnxModels.Parse(model.OnnxBytes, nameof(model));
        var graphInputs = new HashSet<string>(proto.Graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        var tensors = MatMulSiteFinder.Find(new GraphIndex(proto.Graph))
            .Select(c => c.Site.Input).Where(t => !graphInputs.Contains(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (tensors.Length == 0)
        {
            return new MatMulInputRanges(new Dictionary<string, float[]>(StringComparer.Ordinal), list.Count, 0);
        }

        var existing = new HashSet<string>(proto.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        foreach (string tensor in tensors.Where(t => !existing.Contains(t)))
        {
            proto.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = TensorValues.Float } },
            });
        }

        var maxima = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var tokenizer = new BertTextTokenizer(model);
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads };
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(proto), options);
        using var runOptions = new RunOptions();
        long tokens = 0;
        foreach (string text in list)
        {
            var encoding = tokenizer.Encode(text);
            int n = encoding.InputIds.Length;
            tokens += n;
            var names = new List<string> { model.InputIdsName };
            var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(encoding.InputIds, [1, n]) };
            if (model.AttentionMaskName is { } mask)
            {
                names.Add(mask);
                values.Add(OrtValue.CreateTensorValueFromMemory(encoding.AttentionMask, [1, n]));
            }

            if (model.TokenTypeIdsName is { } types)
            {
                names.Add(types);
                values.Add(OrtValue.CreateTensorValueFromMemory(encoding.TokenTypeIds, [1, n]));
            }

            try
            {
                using var outputs = session.Run(runOptions, names, values, tensors);
                for (int t = 0; t < tensors.Length; t++)
                {
                    var shape = outputs[t].GetTensorTypeAndShape().Shape;
                    int channels = (int)shape[^1];
                    var data = outputs[t].GetTensorDataAsSpan<float>();
                    if (!maxima.TryGetValue(tensors[t], out var max))
                    {
                        maxima[tensors[t]] = max = new float[channels];
                    }

                    for (int i = 0; i < data.Length; i++)
                    {
                        int k = i % channels;
                        max[k] = Math.Max(max[k], Math.Abs(data[i]));
                    }
                }
            }
            finally
            {
                values.ForEach(v => v.Dispose());
            }
        }

        return new MatMulInputRanges(maxima, list.Count, tokens);
    }
}
