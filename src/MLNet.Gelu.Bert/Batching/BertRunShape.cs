namespace MLNet.Gelu.Bert;

/// <summary>
/// What one <see cref="BertBatcher.Score"/> call gave the model: its sequences (model inputs), the batches it cut them
/// into, the tokens those sequences hold and the positions the batches held once each was padded to its longest row.
/// </summary>
/// <param name="Sequences">Model inputs (rows, or the windows of chunked rows).</param>
/// <param name="Batches">ONNX Runtime runs.</param>
/// <param name="Tokens">Tokens of the sequences (<c>[CLS]</c> and <c>[SEP]</c> included), padding excluded.</param>
/// <param name="Positions">Positions of the padded batches: the sum over batches of rows × the batch's longest row.</param>
internal readonly record struct BertRunShape(int Sequences, int Batches, long Tokens, long Positions)
{
    /// <summary>Padded positions over all positions, <c>(Positions − Tokens) / Positions</c>; 0 for an empty run.</summary>
    public double PaddingFraction => Positions == 0 ? 0 : (double)(Positions - Tokens) / Positions;
}
