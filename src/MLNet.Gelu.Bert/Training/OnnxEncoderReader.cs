using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Graphs.Model;
using MLNet.Gelu.Bert.Graphs.Quantization;
using MLNet.Gelu.Encoder;
using MLNet.Gelu.Gemm;
using Onnx;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// Reads a pretrained BERT encoder (a Hugging Face BERT exported to ONNX, as MiniLM is) into the training engine's
/// <see cref="EncoderWeights"/>. Embeddings, biases and LayerNorm parameters are initializers named as in Hugging Face
/// (<c>encoder.layer.0.attention.self.query.bias</c>); the matrices are often anonymous initializers (<c>927</c>) stored
/// in × out: each is named through the graph, after the bias its MatMul's output is added to, and transposed to out × in.
/// The shape comes from the tables; the head count from the attention-score scale <c>1/√d</c>, the LayerNorm ε from the
/// constant added under its square root, the activation from <see cref="ActivationGraphInspector"/>, the LayerNorm
/// placement from a final LayerNorm (<c>encoder.final_layer_norm.weight</c>: pre-LN, as <see cref="EncoderOnnxExporter"/>
/// writes it). The classifier head is left to the caller unless it asks for the model's own.
/// </summary>
internal static class OnnxEncoderReader
{
    /// <param name="onnx">The model bytes.</param>
    /// <param name="classes">Logits of the classifier head (left at zero).</param>
    /// <param name="pooling">The pooling the classifier uses.</param>
    /// <param name="hiddenDropout">Dropout on embeddings, block outputs and the pooled vector while training.</param>
    /// <param name="attentionDropout">Dropout on attention probabilities while training.</param>
    /// <param name="activation">An activation to put in place of the model's (swapped before fine-tuning); null keeps the model's.</param>
    /// <param name="withHead">Also read the classifier head (<c>classifier.weight</c>, <c>classifier.bias</c>) from the model,
    /// which must then have one of <paramref name="classes"/> logits; otherwise the head is left at zero.</param>
    public static EncoderWeights Read(
        byte[] onnx, int classes, EncoderPooling pooling, float hiddenDropout, float attentionDropout, Activation? activation = null, bool withHead = false)
    {
        var model = OnnxModels.Parse(onnx, nameof(onnx));
        var index = new GraphIndex(model.Graph);
        var tensors = NamedTensors(index);
        var word = Require(tensors, "embeddings.word_embeddings.weight");
        var position = Require(tensors, "embeddings.position_embeddings.weight");
        var type = Require(tensors, "embeddings.token_type_embeddings.weight");
        int hidden = word.Columns;
        int layers = 0;
        while (tensors.ContainsKey($"encoder.layer.{layers}.attention.self.query.bias"))
        {
            layers++;
        }

        if (layers == 0)
        {
            throw new InvalidDataException("The ONNX model has no tensor named encoder.layer.0.attention.self.query.bias: it is not a Hugging Face BERT export.");
        }

        int headSize = HeadSize(index);
        if (headSize < 1 || hidden % headSize != 0)
        {
            throw new InvalidDataException($"The attention scale gives a head size of {headSize}, which does not divide the hidden width {hidden}.");
        }

        var configuration = new EncoderConfiguration(
            word.Rows, position.Rows, type.Rows, hidden, layers, hidden / headSize, Require(tensors, "encoder.layer.0.intermediate.dense.bias").Columns,
            activation ?? ActivationOf(model),
            tensors.ContainsKey("encoder.final_layer_norm.weight") ? EncoderNormPlacement.PreLayerNorm : EncoderNormPlacement.PostLayerNorm,
            pooling, classes, LayerNormEpsilon(index), hiddenDropout, attentionDropout);
        var weights = new EncoderWeights(configuration);
        foreach (var tensor in weights.All.Where(t => withHead || !t.Name.StartsWith("classifier.", StringComparison.Ordinal)))
        {
            var source = Require(tensors, tensor.Name);
            if (source.Values.Length != tensor.Values.Length)
            {
                throw new InvalidDataException($"ONNX tensor {tensor.Name} has {source.Values.Length} values; the encoder expects {tensor.Rows} × {tensor.Columns}.");
            }

            source.Values.CopyTo(tensor.Values, 0);
        }

        return weights;
    }

    /// <summary>The model's float initializers that carry Hugging Face names, plus the MatMul weights named after their biases (out × in).</summary>
    private static Dictionary<string, Matrix> NamedTensors(GraphIndex index)
    {
        var named = new Dictionary<string, Matrix>(StringComparer.Ordinal);
        foreach (var initializer in index.Graph.Initializer)
        {
            if (initializer.Name.Contains('.', StringComparison.Ordinal) && FloatTensors.TryRead(initializer, out var values))
            {
                int columns = initializer.Dims.Count == 0 ? 1 : (int)initializer.Dims[^1];
                named[initializer.Name] = new Matrix(values.Length / Math.Max(columns, 1), columns, values);
            }
        }

        foreach (var candidate in MatMulSiteFinder.Find(index))
        {
            if (candidate.Weights is null)
            {
                continue;
            }

            foreach (var add in index.Consumers(candidate.Site.Output).Where(n => n.OpType == "Add" && n.Input.Count == 2))
            {
                string bias = add.Input[0] == candidate.Site.Output ? add.Input[1] : add.Input[0];
                if (bias.EndsWith(".bias", StringComparison.Ordinal) && named.ContainsKey(bias))
                {
                    int rows = candidate.Site.InputChannels, columns = candidate.Site.OutputChannels;
                    named[bias[..^"bias".Length] + "weight"] = new Matrix(columns, rows, MatrixTranspose.Of(candidate.Weights, rows, columns));
                }
            }
        }

        return named;
    }

    /// <summary>d from the constant that scales the attention scores: <c>Div(Q·Kᵀ, √d)</c> or <c>Mul(Q·Kᵀ, 1/√d)</c>.</summary>
    private static int HeadSize(GraphIndex index)
    {
        foreach (var node in index.Graph.Node.Where(n => n.OpType is "Div" or "Mul" && n.Input.Count == 2))
        {
            var producer = index.Producer(node.Input[0]);
            if (producer?.OpType == "MatMul" && !index.TryGetConstant(producer.Input[1], out _) && index.TryGetScalar(node.Input[1], out double c, out _) && c > 0)
            {
                return (int)Math.Round(node.OpType == "Div" ? c * c : 1 / (c * c));
            }
        }

        throw new InvalidDataException("No attention-score scale (a Div or Mul of Q·Kᵀ by a constant) was found in the ONNX graph.");
    }

    /// <summary>ε of the decomposed LayerNorm: the constant added to the variance before <c>Sqrt</c> (or a LayerNormalization's attribute); 1e‑12 when neither is found.</summary>
    private static float LayerNormEpsilon(GraphIndex index)
    {
        foreach (var node in index.Graph.Node)
        {
            if (node.OpType == "LayerNormalization" && NodeFactory.Find(node, "epsilon") is { } attribute)
            {
                return attribute.F;
            }

            if (node.OpType == "Sqrt" && index.Producer(node.Input[0]) is { OpType: "Add" } add
                && (index.TryGetScalar(add.Input[1], out double eps, out _) || index.TryGetScalar(add.Input[0], out eps, out _)))
            {
                return (float)eps;
            }
        }

        return 1e-12f;
    }

    private static Activation ActivationOf(ModelProto model)
    {
        var kinds = ActivationGraphInspector.Find(model).CountByKind().Keys.ToArray();
        if (kinds.Length == 0)
        {
            // ReLU and ELU are single operators, which the inspector does not report as GELU-like sites.
            kinds = model.Graph.Node.Where(n => GraphIndex.IsDefaultDomain(n.Domain) && n.OpType is "Relu" or "Elu")
                .Select(n => n.OpType == "Relu" ? Activation.Relu : Activation.Elu).Distinct().ToArray();
        }

        if (kinds.Length != 1)
        {
            throw new InvalidDataException($"Expected one kind of activation in the ONNX model's feed-forward blocks, found {kinds.Length}: {string.Join(", ", kinds)}.");
        }

        return kinds[0];
    }

    private static Matrix Require(Dictionary<string, Matrix> tensors, string name)
        => tensors.TryGetValue(name, out var m) ? m : throw new InvalidDataException($"The ONNX model has no tensor {name} (nor a MatMul weight whose output is added to a bias of that name).");

    private sealed record Matrix(int Rows, int Columns, float[] Values);
}
