using System.Buffers;

namespace MLNet.Gelu.Bert;

/// <summary>
/// Scores a window of tokenized rows with few, dense model runs: sorts the model inputs by length, cuts batches under a
/// token budget, pads each batch only to its own longest row, runs it once, pools and (optionally) normalizes each
/// row, averages chunks of one row, and writes the vectors back in the original row order. Thread-safe; every buffer
/// is pooled, so scoring allocates nothing per row.
/// </summary>
internal sealed class BertBatcher
{
    private readonly BertSession _session;
    private readonly BertModelSettings _settings;
    private readonly long _padId;

    /// <summary>Creates a batcher over a session.</summary>
    /// <param name="session">The session that runs the model.</param>
    /// <param name="options">Token budget and batch size; <see langword="null"/> for the defaults.</param>
    public BertBatcher(BertSession session, BertBatchingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        Options = options ?? new BertBatchingOptions();
        Options.Validate();
        _session = session;
        _settings = session.Model.Settings;
        _padId = session.Model.Vocabulary.PadId;
    }

    /// <summary>The batching options.</summary>
    public BertBatchingOptions Options { get; }

    /// <summary>The length of each output vector.</summary>
    public int Dimension => _session.Dimension;

    /// <summary>
    /// Embeds every row of <paramref name="rows"/> into <paramref name="destination"/>: row <c>i</c> goes to
    /// <c>destination[i * Dimension .. (i + 1) * Dimension]</c>.
    /// </summary>
    /// <param name="rows">The tokenized rows.</param>
    /// <param name="destination">At least <c>rows.RowCount × Dimension</c> floats.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>What the model was given: sequences, batches, tokens and padded positions.</returns>
    /// <exception cref="ObjectDisposedException">The session was disposed before this call, or before one of its batches entered ONNX Runtime.</exception>
    public BertRunShape Score(BertTokenizedRows rows, Span<float> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _session.ThrowIfDisposed();
        var dimension = Dimension;
        if (destination.Length < rows.RowCount * dimension)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; {rows.RowCount} rows × {dimension} are needed.", nameof(destination));
        }

        var sequences = rows.SequenceCount;
        if (sequences == 0)
        {
            return default;
        }

        // With one sequence per row the vectors go straight to the destination; chunks are pooled first, then averaged.
        var chunked = sequences != rows.RowCount;
        var pooled = chunked ? ArrayPool<float>.Shared.Rent(sequences * dimension) : null;
        var order = ArrayPool<long>.Shared.Rent(sequences);
        try
        {
            BertBatchCuts.SortByLength(order.AsSpan(0, sequences), rows.Length);
            var target = chunked ? pooled.AsSpan(0, sequences * dimension) : destination;
            var shape = RunBatches(rows, order.AsSpan(0, sequences), target, cancellationToken);
            if (chunked)
            {
                AverageChunks(rows, pooled!, destination);
            }

            return shape;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(order);
            if (pooled is not null)
            {
                ArrayPool<float>.Shared.Return(pooled);
            }
        }
    }

    private BertRunShape RunBatches(BertTokenizedRows rows, ReadOnlySpan<long> order, Span<float> pooled, CancellationToken cancellationToken)
    {
        var dimension = Dimension;
        var ends = ArrayPool<int>.Shared.Rent(order.Length);
        var batches = Cut(order, ends);
        var capacity = 0;
        long positions = 0, tokens = 0;
        for (int b = 0, start = 0; b < batches; start = ends[b++])
        {
            var size = (ends[b] - start) * (int)(order[ends[b] - 1] >> 32);
            capacity = Math.Max(capacity, size);
            positions += size;
        }

        foreach (var sequence in order)
        {
            tokens += (int)(sequence >> 32);
        }

        var ids = ArrayPool<long>.Shared.Rent(capacity);
        var mask = ArrayPool<long>.Shared.Rent(capacity);
        var types = ArrayPool<long>.Shared.Rent(capacity);
        var output = ArrayPool<float>.Shared.Rent(_session.OutputLength(capacity, 1));
        try
        {
            var start = 0;
            for (var b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunBatch(rows, order[start..ends[b]], ids, mask, types, output, pooled, dimension);
                start = ends[b];
            }

            return new BertRunShape(order.Length, batches, tokens, positions);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(ends);
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<long>.Shared.Return(types);
            ArrayPool<float>.Shared.Return(output);
        }
    }

    /// <summary>Cuts length-sorted sequences into batches under <see cref="Options"/> (<see cref="BertBatchCuts.Cut"/>).</summary>
    internal int Cut(ReadOnlySpan<long> order, int[] ends) => BertBatchCuts.Cut(Options, order, ends);

    private void RunBatch(BertTokenizedRows rows, ReadOnlySpan<long> batch, long[] ids, long[] mask, long[] types, float[] output, Span<float> pooled, int dimension)
    {
        var length = (int)(batch[^1] >> 32);
        var count = batch.Length * length;
        ids.AsSpan(0, count).Fill(_padId);
        mask.AsSpan(0, count).Clear();
        types.AsSpan(0, count).Clear();
        for (var r = 0; r < batch.Length; r++)
        {
            var sequence = (int)batch[r];
            var tokens = rows.InputIds(sequence);
            var offset = r * length;
            tokens.CopyTo(ids.AsSpan(offset));
            mask.AsSpan(offset, tokens.Length).Fill(1);
            types.AsSpan(offset + rows.TypeStart(sequence), tokens.Length - rows.TypeStart(sequence)).Fill(1);
        }

        _session.Run(ids, mask, types, batch.Length, length, output);
        var perRow = _session.Model.OutputRank == 3 ? length * dimension : dimension;
        for (var r = 0; r < batch.Length; r++)
        {
            var sequence = (int)batch[r];
            var rowOutput = output.AsSpan(r * perRow, perRow);
            var vector = pooled.Slice(sequence * dimension, dimension);
            if (_session.Model.OutputRank == 3)
            {
                Pooling.Pool(_settings.Pooling, rowOutput, rows.Length(sequence), dimension, vector);
            }
            else
            {
                rowOutput.CopyTo(vector);
            }

            if (_settings.Normalize)
            {
                Pooling.Normalize(vector);
            }
        }
    }

    private void AverageChunks(BertTokenizedRows rows, float[] pooled, Span<float> destination)
    {
        var dimension = Dimension;
        var sequence = 0;
        for (var row = 0; row < rows.RowCount; row++)
        {
            var target = destination.Slice(row * dimension, dimension);
            var chunks = rows.SequencesOf(row);
            pooled.AsSpan(sequence * dimension, dimension).CopyTo(target);
            for (var c = 1; c < chunks; c++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(target, pooled.AsSpan((sequence + c) * dimension, dimension), target);
            }

            System.Numerics.Tensors.TensorPrimitives.Multiply(target, 1f / chunks, target);
            if (_settings.Normalize)
            {
                Pooling.Normalize(target);
            }

            sequence += chunks;
        }
    }
}
