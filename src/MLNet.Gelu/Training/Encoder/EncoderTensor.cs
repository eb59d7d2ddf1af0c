namespace MLNet.Gelu.Encoder;

/// <summary>One named parameter array of an encoder (row-major <c>Rows × Columns</c>) and its gradient.</summary>
/// <remarks>Weights of dense layers are stored out × in, as <see cref="DenseLayer"/> takes them.</remarks>
internal sealed class EncoderTensor
{
    public EncoderTensor(string name, int rows, int columns, EncoderTensorKind kind)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        Kind = kind;
        Values = new float[(long)rows * columns];
        Gradient = new float[Values.Length];
    }

    /// <summary>The parameter's name, after Hugging Face BERT's (<c>encoder.layer.0.attention.self.query.weight</c>).</summary>
    public string Name { get; }

    public int Rows { get; }

    public int Columns { get; }

    public EncoderTensorKind Kind { get; }

    /// <summary>Whether AdamW's decoupled weight decay applies: matrices and embeddings, not biases or LayerNorm parameters.</summary>
    public bool Decayed => Kind == EncoderTensorKind.Matrix;

    public float[] Values { get; }

    public float[] Gradient { get; }

    public override string ToString() => $"{Name} [{Rows}, {Columns}]";
}
