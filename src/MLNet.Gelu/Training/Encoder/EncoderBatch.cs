namespace MLNet.Gelu.Encoder;

/// <summary>
/// A mini-batch of token sequences padded to one length: <see cref="Count"/> sequences × <see cref="Length"/> positions,
/// row-major (<c>row = sequence·Length + position</c>). Positions at or past a sequence's length are padding: no token
/// attends to them and pooling skips them. Labels are optional (absent for inference).
/// </summary>
internal sealed class EncoderBatch
{
    public EncoderBatch(int count, int length, int[] tokenIds, int[]? typeIds, int[] lengths, int[]? labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(lengths);
        int rows = count * length;
        if (tokenIds.Length < rows || (typeIds is not null && typeIds.Length < rows) || lengths.Length < count || (labels is not null && labels.Length < count))
        {
            throw new ArgumentException($"A batch of {count} sequences of length {length} needs {rows} token ids (and type ids), {count} lengths (and labels).");
        }

        for (int b = 0; b < count; b++)
        {
            if (lengths[b] < 1 || lengths[b] > length)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[b], $"Sequence {b} has length {lengths[b]}; lengths must be in [1, {length}].");
            }
        }

        Count = count;
        Length = length;
        TokenIds = tokenIds;
        TypeIds = typeIds ?? new int[rows];
        Lengths = lengths;
        Labels = labels;
    }

    public int Count { get; }

    public int Length { get; }

    public int Rows => Count * Length;

    public int[] TokenIds { get; }

    public int[] TypeIds { get; }

    public int[] Lengths { get; }

    public int[]? Labels { get; }

    /// <summary>Throws when an id, type id or label lies outside the encoder's tables or classes, or the length exceeds its positions.</summary>
    public void Validate(EncoderConfiguration configuration)
    {
        if (Length > configuration.MaxPositions)
        {
            throw new ArgumentOutOfRangeException(nameof(Length), Length, $"Batch length {Length} exceeds the encoder's {configuration.MaxPositions} positions.");
        }

        for (int row = 0; row < Rows; row++)
        {
            if ((uint)TokenIds[row] >= (uint)configuration.VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(TokenIds), TokenIds[row], $"Token id at row {row} is outside the vocabulary of {configuration.VocabularySize}.");
            }

            if ((uint)TypeIds[row] >= (uint)configuration.TypeVocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(TypeIds), TypeIds[row], $"Token type id at row {row} is outside the {configuration.TypeVocabularySize} types.");
            }
        }

        for (int b = 0; Labels is not null && b < Count; b++)
        {
            if ((uint)Labels[b] >= (uint)configuration.Classes)
            {
                throw new ArgumentOutOfRangeException(nameof(Labels), Labels[b], $"Label of sequence {b} is outside the {configuration.Classes} classes.");
            }
        }
    }
}
