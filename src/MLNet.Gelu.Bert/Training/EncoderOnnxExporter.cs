using Google.Protobuf;
using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Gemm;
using Onnx;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// Writes an engine encoder (<see cref="EncoderWeights"/>) as an ONNX model in the shape Hugging Face BERT exports have, so
/// that ONNX Runtime, <see cref="OnnxEncoderReader"/> and the activation inspector and rewriter all take it: opset 13, standard
/// operators only. Inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> (int64 [batch, sequence]); outputs
/// <c>last_hidden_state</c> [batch, sequence, hidden] and, optionally, <c>logits</c> [batch, classes] of the classifier head
/// on the pooled vector (CLS or the mean over the attention mask).
/// </summary>
/// <remarks>
/// Parameters keep their Hugging Face names; dense weights are stored in × out beside the MatMul whose output is added to
/// the named bias (the reader finds them that way). LayerNorm is decomposed as PyTorch writes it below opset 17
/// (<c>ReduceMean</c>, <c>Sub</c>, <c>Pow</c>, <c>ReduceMean</c>, <c>Add ε</c>, <c>Sqrt</c>, <c>Div</c>, <c>Mul γ</c>,
/// <c>Add β</c>), which ONNX Runtime fuses back into one LayerNormalization. Padding keys get <c>(1 − mask)·−10000</c> added
/// to their attention scores before the softmax, as BERT exports do. The activation is written by the rewriter's
/// standard-operator emitter (exact GELU as the erf form).
/// </remarks>
internal static class EncoderOnnxExporter
{
    public const string LastHiddenState = "last_hidden_state";
    public const string Logits = "logits";
    private const long Opset = 13;
    private const long IrVersion = 7;
    private const int Int64 = TensorValues.Int64;
    private const int Float = TensorValues.Float;

    /// <summary>The model's bytes.</summary>
    /// <param name="weights">The encoder (its classifier head is written when <paramref name="withLogits"/> is set).</param>
    /// <param name="withLogits">Also output the classifier head's logits.</param>
    /// <param name="rows">For an encoder whose token table has rows only for some word pieces: the mapping, so that the model
    /// takes WordPiece ids (its table is written with one row per vocabulary id); null when the rows are the ids.</param>
    public static byte[] Export(EncoderWeights weights, bool withLogits, WordPieceRows? rows = null) => Build(weights, withLogits, rows).ToByteArray();

    internal static ModelProto Build(EncoderWeights weights, bool withLogits, WordPieceRows? rows = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var c = weights.Configuration;
        var g = new OnnxGraphWriter("encoder");
        string ids = g.Input("input_ids", Int64, "batch", "sequence");
        string mask = g.Input("attention_mask", Int64, "batch", "sequence");
        string types = g.Input("token_type_ids", Int64, "batch", "sequence");

        string x = Embeddings(g, weights, rows, ids, types);
        string maskFloat = g.Node("Cast", "attention_mask/Cast", [mask], NodeFactory.Int("to", Float));
        string scoreMask = ScoreMask(g, maskFloat);
        bool pre = c.NormPlacement == EncoderNormPlacement.PreLayerNorm;
        for (int l = 0; l < c.Layers; l++)
        {
            x = Layer(g, weights.Layers[l], c, $"encoder/layer.{l}", x, scoreMask, pre);
        }

        if (pre)
        {
            x = LayerNorm(g, "encoder/final_layer_norm", x, weights.FinalNormScale!, weights.FinalNormBias!, c.LayerNormEpsilon);
        }

        g.Output(LastHiddenState, x, Float, "batch", "sequence", c.Hidden);
        if (withLogits)
        {
            string pooled = Pool(g, c.Pooling, x, maskFloat);
            g.Output(Logits, Dense(g, "classifier", pooled, weights.Classifier, weights.ClassifierBias), Float, "batch", c.Classes);
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "MLNet.Gelu",
            ProducerVersion = typeof(EncoderOnnxExporter).Assembly.GetName().Version?.ToString() ?? string.Empty,
            Graph = g.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        return model;
    }

    /// <summary>LayerNorm(word[ids] + position[0..sequence) + type[types]).</summary>
    private static string Embeddings(OnnxGraphWriter g, EncoderWeights w, WordPieceRows? rows, string ids, string types)
    {
        var words = w.WordEmbeddings;
        string table = rows is null ? Table(g, words) : g.Floats(words.Name, rows.Expand(words), rows.VocabularySize, words.Columns);
        string word = g.Node("Gather", "embeddings/word_embeddings/Gather", [table, ids]);
        string shape = g.Node("Shape", "embeddings/Shape", [ids]);
        string length = g.Node(
            "Slice", "embeddings/sequence_length", [shape, g.Int64s("embeddings/one", 1), g.Int64s("embeddings/two", 2), g.Int64s("embeddings/axis0", 0)]);
        string positions = g.Node(
            "Slice", "embeddings/position_embeddings/Slice", [Table(g, w.PositionEmbeddings), g.Int64s("embeddings/zero", 0), length, g.Int64s("embeddings/axis0", 0)]);
        string type = g.Node("Gather", "embeddings/token_type_embeddings/Gather", [Table(g, w.TypeEmbeddings), types]);
        string sum = g.Node("Add", "embeddings/Add", [word, positions]);
        sum = g.Node("Add", "embeddings/Add_type", [sum, type]);
        return LayerNorm(g, "embeddings/LayerNorm", sum, w.EmbeddingNormScale, w.EmbeddingNormBias, w.Configuration.LayerNormEpsilon);
    }

    /// <summary><c>(1 − mask)·−10000</c> as [batch, 1, 1, sequence], added to every head's scores.</summary>
    private static string ScoreMask(OnnxGraphWriter g, string maskFloat)
    {
        string expanded = g.Node("Unsqueeze", "attention_mask/Unsqueeze", [maskFloat, g.Int64s("attention_mask/axes", 1, 2)]);
        string inverted = g.Node("Sub", "attention_mask/Sub", [g.Scalar("attention_mask/one", 1), expanded]);
        return g.Node("Mul", "attention_mask/Mul", [inverted, g.Scalar("attention_mask/minus_10000", -10000)]);
    }

    private static string Layer(OnnxGraphWriter g, EncoderLayerWeights w, EncoderConfiguration c, string prefix, string x, string scoreMask, bool pre)
    {
        float eps = c.LayerNormEpsilon;
        string attentionInput = pre ? LayerNorm(g, $"{prefix}/attention/LayerNorm", x, w.AttentionNormScale, w.AttentionNormBias, eps) : x;
        string attended = Attention(g, w, c, $"{prefix}/attention", attentionInput, scoreMask);
        string middle = g.Node("Add", $"{prefix}/attention/residual", [attended, x]);
        if (!pre)
        {
            middle = LayerNorm(g, $"{prefix}/attention/output/LayerNorm", middle, w.AttentionNormScale, w.AttentionNormBias, eps);
        }

        string ffnInput = pre ? LayerNorm(g, $"{prefix}/output/LayerNorm", middle, w.OutputNormScale, w.OutputNormBias, eps) : middle;
        string intermediate = Dense(g, $"{prefix}/intermediate/dense", ffnInput, w.Intermediate, w.IntermediateBias);
        string activated = g.Activation(c.Activation, $"{prefix}/intermediate/act", intermediate);
        string fed = Dense(g, $"{prefix}/output/dense", activated, w.Output, w.OutputBias);
        string output = g.Node("Add", $"{prefix}/output/residual", [fed, middle]);
        return pre ? output : LayerNorm(g, $"{prefix}/output/LayerNorm", output, w.OutputNormScale, w.OutputNormBias, eps);
    }

    /// <summary>Multi-head self-attention: <c>softmax(Q·Kᵀ/√d + mask)·V</c> per head, then the output projection.</summary>
    private static string Attention(OnnxGraphWriter g, EncoderLayerWeights w, EncoderConfiguration c, string prefix, string x, string scoreMask)
    {
        string headShape = g.Int64s($"{prefix}/head_shape", 0, 0, c.Heads, c.HeadSize);
        string Heads(string name, EncoderTensor weight, EncoderTensor bias, params long[] perm)
        {
            string projected = Dense(g, $"{prefix}/self/{name}", x, weight, bias);
            string split = g.Node("Reshape", $"{prefix}/self/{name}/Reshape", [projected, headShape]);
            return g.Node("Transpose", $"{prefix}/self/{name}/Transpose", [split], NodeFactory.Ints("perm", perm));
        }

        string q = Heads("query", w.Query, w.QueryBias, 0, 2, 1, 3);
        string k = Heads("key", w.Key, w.KeyBias, 0, 2, 3, 1);
        string v = Heads("value", w.Value, w.ValueBias, 0, 2, 1, 3);
        string scores = g.Node("MatMul", $"{prefix}/self/scores", [q, k]);
        scores = g.Node("Div", $"{prefix}/self/scale", [scores, g.Scalar($"{prefix}/self/sqrt_head_size", Math.Sqrt(c.HeadSize))]);
        scores = g.Node("Add", $"{prefix}/self/mask", [scores, scoreMask]);
        string probabilities = g.Node("Softmax", $"{prefix}/self/Softmax", [scores], NodeFactory.Int("axis", -1));
        string context = g.Node("MatMul", $"{prefix}/self/context", [probabilities, v]);
        context = g.Node("Transpose", $"{prefix}/self/context/Transpose", [context], NodeFactory.Ints("perm", 0, 2, 1, 3));
        context = g.Node("Reshape", $"{prefix}/self/context/Reshape", [context, g.Int64s($"{prefix}/merged_shape", 0, 0, c.Hidden)]);
        return Dense(g, $"{prefix}/output/dense", context, w.AttentionOutput, w.AttentionOutputBias);
    }

    /// <summary><c>Add(MatMul(x, Wᵀ), b)</c> with W stored in × out, named after the engine's parameter.</summary>
    private static string Dense(OnnxGraphWriter g, string prefix, string x, EncoderTensor weight, EncoderTensor bias)
    {
        string matrix = g.Floats(weight.Name, MatrixTranspose.Of(weight.Values, weight.Rows, weight.Columns), weight.Columns, weight.Rows);
        string product = g.Node("MatMul", $"{prefix}/MatMul", [x, matrix]);
        return g.Node("Add", $"{prefix}/Add", [product, g.Floats(bias.Name, bias.Values, bias.Columns)]);
    }

    private static string LayerNorm(OnnxGraphWriter g, string prefix, string x, EncoderTensor scale, EncoderTensor shift, float epsilon)
    {
        var lastAxis = NodeFactory.Ints("axes", -1);
        string mean = g.Node("ReduceMean", $"{prefix}/ReduceMean", [x], lastAxis);
        string centred = g.Node("Sub", $"{prefix}/Sub", [x, mean]);
        string squared = g.Node("Pow", $"{prefix}/Pow", [centred, g.Scalar($"{prefix}/two", 2)]);
        string variance = g.Node("ReduceMean", $"{prefix}/ReduceMean_variance", [squared], lastAxis);
        string shifted = g.Node("Add", $"{prefix}/Add_epsilon", [variance, g.Scalar($"{prefix}/epsilon", epsilon)]);
        string deviation = g.Node("Sqrt", $"{prefix}/Sqrt", [shifted]);
        string normalized = g.Node("Div", $"{prefix}/Div", [centred, deviation]);
        string scaled = g.Node("Mul", $"{prefix}/Mul", [normalized, g.Floats(scale.Name, scale.Values, scale.Columns)]);
        return g.Node("Add", $"{prefix}/Add", [scaled, g.Floats(shift.Name, shift.Values, shift.Columns)]);
    }

    /// <summary>The first token's vector, or the mean of the token vectors where the mask is 1.</summary>
    private static string Pool(OnnxGraphWriter g, EncoderPooling pooling, string tokens, string maskFloat)
    {
        if (pooling == EncoderPooling.Cls)
        {
            string index = g.Int64s("pooler/first", 0);
            string gathered = g.Node("Gather", "pooler/Gather", [tokens, index], NodeFactory.Int("axis", 1));
            return g.Node("Squeeze", "pooler/Squeeze", [gathered, g.Int64s("pooler/axis1", 1)]);
        }

        string weightsPerToken = g.Node("Unsqueeze", "pooler/Unsqueeze", [maskFloat, g.Int64s("pooler/axis2", 2)]);
        string masked = g.Node("Mul", "pooler/Mul", [tokens, weightsPerToken]);
        string sequenceAxis = g.Int64s("pooler/axis1", 1);
        string sum = g.Node("ReduceSum", "pooler/ReduceSum", [masked, sequenceAxis], NodeFactory.Int("keepdims", 0));
        string count = g.Node("ReduceSum", "pooler/ReduceSum_mask", [weightsPerToken, sequenceAxis], NodeFactory.Int("keepdims", 0));
        return g.Node("Div", "pooler/Div", [sum, count]);
    }

    /// <summary>An embedding table, rows × hidden, under its Hugging Face name.</summary>
    private static string Table(OnnxGraphWriter g, EncoderTensor table) => g.Floats(table.Name, table.Values, table.Rows, table.Columns);
}
