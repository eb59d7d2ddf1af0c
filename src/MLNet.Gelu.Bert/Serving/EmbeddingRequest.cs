using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace MLNet.Gelu.Bert;

/// <summary>
/// One <see cref="BertEmbeddingGenerator.GenerateAsync"/> call inside the coalescer: its texts, where the scoring loop
/// has got to, its vectors, and the task its caller awaits. Its list node sits in the coalescer's waiting list (not yet
/// admitted), its queue (texts left to take), or nowhere (every text taken, or finished). Fields other than the vectors
/// change only under the coalescer's lock; the vectors and <see cref="Written"/> only on the scoring loop. Whoever ends
/// the request first (success, failure, cancellation) claims it (<see cref="TryClaim"/>), reports it, then completes
/// <see cref="Completion"/>: so a caller that sees the outcome finds it already logged and measured.
/// </summary>
internal sealed class EmbeddingRequest
{
    private int _claimed;

    public EmbeddingRequest(string?[] texts, int dimension)
    {
        Texts = texts;
        Vectors = new float[texts.Length * dimension];
        Node = new LinkedListNode<EmbeddingRequest>(this);
    }

    /// <summary>The texts, as the caller gave them (<see langword="null"/> is embedded as the empty text).</summary>
    public string?[] Texts { get; }

    /// <summary>Text <c>i</c>'s vector is at <c>[i × dimension, (i + 1) × dimension)</c>.</summary>
    public float[] Vectors { get; }

    /// <summary>The request's place in the coalescer's waiting list or queue.</summary>
    public LinkedListNode<EmbeddingRequest> Node { get; }

    /// <summary>What the caller awaits; continuations never run on the scoring loop.</summary>
    public TaskCompletionSource<GeneratedEmbeddings<Embedding<float>>> Completion { get; } =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The first text not yet taken into a scoring round.</summary>
    public int Next { get; set; }

    /// <summary>Texts not yet taken into a scoring round.</summary>
    public int Remaining => Texts.Length - Next;

    /// <summary>Texts whose vectors are written.</summary>
    public int Written { get; set; }

    /// <summary>Tokens the model read for the written texts.</summary>
    public long Tokens { get; set; }

    /// <summary>When the caller made the request (<see cref="TimeProvider.GetTimestamp"/>), for its duration.</summary>
    public long ReceivedAt { get; init; }

    /// <summary>The span the caller was in, which the spans of its model runs link to; default when nobody traces.</summary>
    public ActivityContext Caller { get; init; }

    /// <summary>When the request entered the queue (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long QueuedAt { get; set; }

    /// <summary>The caller's cancellation, released when the request finishes.</summary>
    public CancellationTokenRegistration Cancellation { get; set; }

    /// <summary>Ended (or being ended): claimed by a success, a failure or a cancellation.</summary>
    public bool IsFinished => Volatile.Read(ref _claimed) != 0;

    /// <summary>Claims the right to end the request; <see langword="false"/> when another outcome claimed it first.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;
}
