using Microsoft.ML;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// The BERT classifier's batching cursor: a <see cref="WindowCursor"/> (windows of
/// <see cref="BertClassifierTransformer.WindowTokens"/> tokens or <see cref="BertClassifierTransformer.WindowRows"/> rows)
/// that tokenizes each row, sorts the window by length, cuts it into batches under <see cref="BertClassifierTransformer.Batching"/>
/// (<see cref="BertBatchCuts"/>: the cheapest cuts under the token budget), runs each batch, padded to its own longest row,
/// through this cursor's own encoder network, and serves the logits in input order.
/// </summary>
/// <remarks>Memory: the window's token ids (two ints per token), the logits of its rows, and one network sized for the
/// largest batch the cursor has run (at most the token budget's positions, or one row of the token limit). The encoder's
/// per-row arithmetic does not depend on the other rows of a batch (padding is masked, products accumulate in a fixed
/// order), so the logits equal the row-by-row path's bit for bit.</remarks>
internal sealed class BertClassifierCursor : WindowCursor
{
    private readonly BertClassifierTransformer _owner;
    private readonly ClassifierScoreMapper _mapper;
    private readonly Func<(string Text, string? Second)> _read;
    private readonly int _classes;
    private readonly int _padId;
    private int[] _starts;
    private int[] _lengths;
    private float[] _logits;
    private int[] _ids = new int[1024];
    private int[] _types = new int[1024];
    private int _used;
    private long[] _order = [];
    private int[] _ends = [];
    private int[] _batchIds = [];
    private int[] _batchTypes = [];
    private int[] _batchLengths = [];
    private EncoderNetwork? _network;

    internal BertClassifierCursor(BertClassifierTransformer owner, ClassifierScoreMapper mapper, DataViewRowCursor input, bool[] active, int text, int second)
        : base(mapper, input, active, owner.WindowRows, owner.WindowTokens, CancellationToken.None)
    {
        _owner = owner;
        _mapper = mapper;
        _read = TextValues.Reader(input, text, second);
        _classes = mapper.ClassCount;
        _padId = owner.PadRow;
        _starts = new int[Capacity];
        _lengths = new int[Capacity];
        _logits = new float[Capacity * _classes];
    }

    protected override void BeginWindow() => _used = 0;

    protected override int ReadRow(int index)
    {
        var (text, second) = _read();
        var (ids, types) = _owner.Encode(text, second);
        if (_used + ids.Length > _ids.Length)
        {
            int size = Math.Max(2 * _ids.Length, _used + ids.Length);
            Array.Resize(ref _ids, size);
            Array.Resize(ref _types, size);
        }

        ids.CopyTo(_ids, _used);
        if (types is null)
        {
            _types.AsSpan(_used, ids.Length).Clear();
        }
        else
        {
            types.CopyTo(_types, _used);
        }

        _starts[index] = _used;
        _lengths[index] = ids.Length;
        _used += ids.Length;
        return ids.Length;
    }

    protected override void ComputeWindow(int count)
    {
        if (_order.Length < count)
        {
            _order = new long[Capacity];
            _ends = new int[Capacity];
        }

        var order = _order.AsSpan(0, count);
        BertBatchCuts.SortByLength(order, i => _lengths[i]);
        int batches = BertBatchCuts.Cut(_owner.Batching, order, _ends);
        int maxBatch = 0, maxLength = 0, maxRows = 0;
        for (int b = 0, start = 0; b < batches; start = _ends[b++])
        {
            int n = _ends[b] - start, length = (int)(order[_ends[b] - 1] >> 32);
            maxBatch = Math.Max(maxBatch, n);
            maxLength = Math.Max(maxLength, length);
            maxRows = Math.Max(maxRows, n * length);
        }

        var network = Network(maxBatch, maxLength, maxRows);
        var unused = new RandomSource(0);
        for (int b = 0, start = 0; b < batches; start = _ends[b++])
        {
            var batch = order[start.._ends[b]];
            network.Forward(Pad(batch), training: false, ref unused);
            var logits = network.Logits;
            for (int r = 0; r < batch.Length; r++)
            {
                logits.Slice(r * _classes, _classes).CopyTo(_logits.AsSpan((int)batch[r] * _classes, _classes));
            }
        }
    }

    protected override void GrowRows(int capacity)
    {
        Array.Resize(ref _starts, capacity);
        Array.Resize(ref _lengths, capacity);
        Array.Resize(ref _logits, capacity * _classes);
    }

    protected override Delegate AddedGetter(int added)
    {
        var z = new float[_classes];
        return _mapper.CreateGetter(added, z, () => _logits.AsSpan(Current * _classes, _classes).CopyTo(z));
    }

    /// <summary>The rows of <paramref name="batch"/> (length-sorted window slots) padded to the longest.</summary>
    private EncoderBatch Pad(ReadOnlySpan<long> batch)
    {
        int count = batch.Length, length = (int)(batch[^1] >> 32), rows = count * length;
        if (_batchIds.Length < rows)
        {
            _batchIds = new int[rows];
            _batchTypes = new int[rows];
        }

        if (_batchLengths.Length < count)
        {
            _batchLengths = new int[count];
        }

        _batchIds.AsSpan(0, rows).Fill(_padId);
        _batchTypes.AsSpan(0, rows).Clear();
        for (int r = 0; r < count; r++)
        {
            int slot = (int)batch[r], n = _lengths[slot];
            _ids.AsSpan(_starts[slot], n).CopyTo(_batchIds.AsSpan(r * length));
            _types.AsSpan(_starts[slot], n).CopyTo(_batchTypes.AsSpan(r * length));
            _batchLengths[r] = n;
        }

        return new EncoderBatch(count, length, _batchIds, _batchTypes, _batchLengths, null);
    }

    /// <summary>This cursor's network, replaced by a larger one when a window needs more than it holds.</summary>
    private EncoderNetwork Network(int maxBatch, int maxLength, int maxRows)
    {
        if (_network is { } held && held.MaxBatch >= maxBatch && held.MaxLength >= maxLength && held.MaxRows >= maxRows)
        {
            return held;
        }

        if (_network is { } old)
        {
            maxBatch = Math.Max(maxBatch, old.MaxBatch);
            maxLength = Math.Max(maxLength, old.MaxLength);
            maxRows = Math.Max(maxRows, old.MaxRows);
        }

        _network = new EncoderNetwork(_owner.Weights, maxBatch, maxLength, _owner.Threads, maxRows, inference: true);
        return _network;
    }
}
