namespace MLNet.Gelu.Encoder;

/// <summary>One training sequence: its token ids (with <c>[CLS]</c> and <c>[SEP]</c> where the model expects them), token
/// type ids (null: all 0) and class label.</summary>
internal sealed record EncoderExample(int[] TokenIds, int[]? TypeIds, int Label);
