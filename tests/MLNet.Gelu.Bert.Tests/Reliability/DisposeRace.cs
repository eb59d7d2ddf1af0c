using System.Collections.Concurrent;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>
/// Races a dispose against scoring calls. In each round, worker threads call a scoring function in a loop while this
/// thread, after a random number of completed calls and a random spin, disposes the target. Every call must either
/// return the result it gets alone or throw <see cref="ObjectDisposedException"/> naming the owner; a call that starts
/// after the dispose returned must throw it; anything else is recorded as a failure.
/// </summary>
internal sealed class DisposeRace(string owner, int seed)
{
    private readonly Random _random = new(seed);
    private readonly ConcurrentQueue<string> _failures = new();
    private int _correct;
    private int _disposed;

    /// <summary>Calls that returned the right result.</summary>
    public int Correct => _correct;

    /// <summary>Calls that threw <see cref="ObjectDisposedException"/> naming the owner.</summary>
    public int Disposed => _disposed;

    /// <summary>Everything that went wrong, one line each.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Runs one round.</summary>
    /// <param name="workers">Threads that score.</param>
    /// <param name="call">Scores once on worker <c>w</c>, call <c>i</c>; returns <see langword="null"/> when the result is right, else what is wrong.</param>
    /// <param name="dispose">Disposes the target (may score itself first, on this thread).</param>
    public void Round(int workers, Func<int, int, string?> call, Action dispose)
    {
        int completed = 0, disposeReturned = 0;
        using var start = new Barrier(workers + 1);
        var threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            int worker = w;
            threads[w] = new Thread(() => Work(worker, call, start, ref completed, ref disposeReturned)) { IsBackground = true, Name = $"race worker {w}" };
            threads[w].Start();
        }

        start.SignalAndWait();
        int wait = _random.Next(0, 4);
        while (Volatile.Read(ref completed) < wait && _failures.IsEmpty)
        {
            Thread.Yield();
        }

        Thread.SpinWait(_random.Next(0, 4000));
        dispose();
        Volatile.Write(ref disposeReturned, 1);
        foreach (var thread in threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(60)))
            {
                _failures.Enqueue($"{thread.Name} did not finish after the dispose");
            }
        }
    }

    private void Work(int worker, Func<int, int, string?> call, Barrier start, ref int completed, ref int disposeReturned)
    {
        start.SignalAndWait();
        for (int i = 0; ; i++)
        {
            bool late = Volatile.Read(ref disposeReturned) != 0;
            try
            {
                if (call(worker, i) is { } wrong)
                {
                    _failures.Enqueue($"worker {worker}, call {i}: wrong result: {wrong}");
                    return;
                }

                if (late)
                {
                    _failures.Enqueue($"worker {worker}, call {i}: started after Dispose returned, yet returned a result");
                    return;
                }

                Interlocked.Increment(ref _correct);
                Interlocked.Increment(ref completed);
            }
            catch (ObjectDisposedException e)
            {
                if (e.ObjectName != owner)
                {
                    _failures.Enqueue($"worker {worker}, call {i}: ObjectDisposedException names '{e.ObjectName}', not '{owner}'");
                }

                Interlocked.Increment(ref _disposed);
                return;
            }
            catch (Exception e)
            {
                _failures.Enqueue($"worker {worker}, call {i}: {e.GetType().Name}: {e}");
                return;
            }
        }
    }

    /// <summary>Describes the first failures for an assertion message.</summary>
    public string Describe() => $"{_failures.Count} failures; first: {string.Join(" | ", _failures.Take(3))}";

    /// <summary>After all rounds: no wrong result or unexpected exception, every worker ended in ObjectDisposedException, some call succeeded.</summary>
    public void AssertHeld(int workerRounds)
    {
        Assert.True(_failures.Count == 0, Describe());
        Assert.Equal(workerRounds, Disposed);
        Assert.True(Correct > 0, "No call succeeded before the dispose: the race never raced.");
    }

    /// <summary>Null when <paramref name="actual"/> equals <paramref name="expected"/> within 1e-5, else where it differs.</summary>
    public static string? Compare(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            return $"{what}: {actual.Length} floats, expected {expected.Length}";
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-5f))
            {
                return $"{what}[{i}] = {actual[i]}, expected {expected[i]}";
            }
        }

        return null;
    }

    /// <summary>Compares row by row.</summary>
    public static string? Compare(float[][] expected, float[][] actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            return $"{what}: {actual.Length} rows, expected {expected.Length}";
        }

        for (int r = 0; r < expected.Length; r++)
        {
            if (Compare(expected[r], actual[r], $"{what} row {r}") is { } wrong)
            {
                return wrong;
            }
        }

        return null;
    }
}
