namespace MLNet.Gelu.Bert;

/// <summary>What is wrong with a model or vocabulary file, as reported by <see cref="BertModelException"/>.</summary>
public enum BertModelProblem
{
    /// <summary>The ONNX file holds no bytes.</summary>
    ModelEmpty,

    /// <summary>The ONNX file ends in the middle of a field: an interrupted download or copy.</summary>
    ModelTruncated,

    /// <summary>The bytes are not an ONNX model (not protobuf, or no graph).</summary>
    ModelNotOnnx,

    /// <summary>The model has no input for token ids (<c>input_ids</c>).</summary>
    ModelInputMissing,

    /// <summary>The model has an input this library cannot feed (not int64, or not one of ids, mask, token types).</summary>
    ModelInputUnsupported,

    /// <summary>The model has no output that can be pooled (float, rank 2 or 3), or not the one the settings name.</summary>
    ModelOutputMissing,

    /// <summary>The model's signature is fine but ONNX Runtime refuses the graph (unknown operator, bad opset, invalid node).</summary>
    ModelRejectedByRuntime,

    /// <summary>The vocabulary holds no tokens.</summary>
    VocabularyEmpty,

    /// <summary>The vocabulary lacks one of the special tokens <c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[UNK]</c>.</summary>
    VocabularySpecialTokenMissing,

    /// <summary>The package that carries an embedded model (such as <c>MLNet.Gelu.Bert.MiniLM</c>) is not in the app.</summary>
    ModelPackageMissing,

    /// <summary>
    /// A tensor names an external data file outside the model's folder: an absolute path, a <c>..</c> segment, or a symbolic
    /// link that leads out. Refused before ONNX Runtime reads anything.
    /// </summary>
    ModelExternalDataOutsideFolder,

    /// <summary>
    /// A tensor keeps its data in an external file that cannot be read: the file is missing, the tensor names none, or the
    /// model was loaded from a stream or resource and so has no folder to read it from.
    /// </summary>
    ModelExternalDataUnavailable,
}
