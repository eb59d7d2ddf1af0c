namespace MLNet.Gelu.Bert;

public sealed partial class BertModel
{
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const string LastHiddenState = "last_hidden_state";

    /// <summary>Reads the inputs and outputs, and the tensors kept in external files; bad bytes fail naming the model.</summary>
    private static (OnnxSignature Signature, IReadOnlyList<OnnxExternalTensor> External) ReadSignature(string name, byte[] onnx)
    {
        if (onnx.Length == 0)
        {
            throw new BertModelException(name, BertModelProblem.ModelEmpty, "the ONNX model holds 0 bytes. Download or copy it again.");
        }

        OnnxSignature? signature;
        IReadOnlyList<OnnxExternalTensor> external;
        try
        {
            signature = OnnxSignature.Read(onnx);
            external = OnnxExternalData.Find(onnx);
        }
        catch (ProtoFormatException e) when (e.Truncated)
        {
            throw new BertModelException(name, BertModelProblem.ModelTruncated,
                $"the ONNX model is truncated ({onnx.Length} bytes; {e.Message}). Download or copy it again.", e);
        }
        catch (ProtoFormatException e)
        {
            throw new BertModelException(name, BertModelProblem.ModelNotOnnx,
                $"this is not an ONNX model ({e.Message}). Pass the model's .onnx file.", e);
        }

        if (signature is null || (signature.Inputs.Count == 0 && signature.Outputs.Count == 0))
        {
            throw new BertModelException(name, BertModelProblem.ModelNotOnnx,
                $"this is not an ONNX model: its {onnx.Length} bytes hold no graph with inputs and outputs. Pass the model's .onnx file.");
        }

        if (!signature.HasOpsetImport)
        {
            // Exporters write opset_import after the graph: a file cut right after the graph parses but cannot load.
            throw new BertModelException(name, BertModelProblem.ModelTruncated,
                $"the ONNX model declares no operator set (opset_import), which every ONNX model has; its {onnx.Length} bytes end too early. Download or copy it again.");
        }

        return (signature, external);
    }

    private static (string Ids, string? Mask, string? Types) FindInputs(string name, OnnxSignature signature)
    {
        string? ids = null, mask = null, types = null;
        foreach (var input in signature.Inputs)
        {
            var n = input.Name.ToLowerInvariant();
            ref var slot = ref ids;
            if (n.Contains("mask", StringComparison.Ordinal))
            {
                slot = ref mask;
            }
            else if (n.Contains("type", StringComparison.Ordinal) || n.Contains("segment", StringComparison.Ordinal))
            {
                slot = ref types;
            }
            else if (!n.Contains("ids", StringComparison.Ordinal))
            {
                throw new BertModelException(name, BertModelProblem.ModelInputUnsupported,
                    $"the model has an input {input} that is none of {InputIds}, {AttentionMask}, {TokenTypeIds}; this library cannot feed it. Inputs: {string.Join(", ", signature.Inputs)}.");
            }

            if (input.ElementType != OnnxTensorInfo.Int64)
            {
                throw new BertModelException(name, BertModelProblem.ModelInputUnsupported,
                    $"the model's input {input} is not int64; only int64 token inputs are supported. Re-export the model with int64 inputs.");
            }

            if (slot is not null)
            {
                throw new BertModelException(name, BertModelProblem.ModelInputUnsupported,
                    $"the model has two inputs for one role ({slot} and {input.Name}). Inputs: {string.Join(", ", signature.Inputs)}.");
            }

            slot = input.Name;
        }

        if (ids is null)
        {
            throw new BertModelException(name, BertModelProblem.ModelInputMissing,
                $"the model has no token-ids input ({InputIds}, int64 [batch, sequence]); its inputs are: {Describe(signature.Inputs)}. Is this a BERT encoder?");
        }

        return (ids, mask, types);
    }

    private static OnnxTensorInfo FindOutput(string name, OnnxSignature signature, string? requested)
    {
        OnnxTensorInfo? output;
        if (requested is not null)
        {
            output = signature.Outputs.FirstOrDefault(o => o.Name == requested)
                ?? throw new BertModelException(name, BertModelProblem.ModelOutputMissing,
                    $"the model has no output '{requested}' (BertModelSettings.OutputName); its outputs are: {Describe(signature.Outputs)}.");
        }
        else
        {
            output = signature.Outputs.FirstOrDefault(o => o.Name == LastHiddenState) ?? signature.Outputs.FirstOrDefault();
            if (output is null)
            {
                throw new BertModelException(name, BertModelProblem.ModelOutputMissing, "the model has no outputs.");
            }
        }

        if (output.ElementType != OnnxTensorInfo.Float || output.Dimensions.Length is 1 or > 3)
        {
            throw new BertModelException(name, BertModelProblem.ModelOutputMissing,
                $"the output {output} cannot be pooled: it must be float [batch, sequence, hidden] or [batch, hidden]. " +
                $"Outputs: {Describe(signature.Outputs)}; choose one with BertModelSettings.OutputName.");
        }

        return output;
    }

    private static string Describe(IReadOnlyList<OnnxTensorInfo> tensors) =>
        tensors.Count == 0 ? "(none)" : string.Join(", ", tensors);
}
