using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>The lease that keeps a session's native handles alive while a run is inside ONNX Runtime.</summary>
public class SessionLeaseTests
{
    private static readonly Lazy<BertModel> ToyModel = new(() => Toy.Model(new BertModelSettings()));

    private static BertSessionOptions Options(string owner = nameof(BertSession)) => new()
    {
        IntraOpThreads = 1,
        InterOpThreads = 1,
        ConfigEntries = new Dictionary<string, string> { ["session.intra_op.allow_spinning"] = "0" },
        Owner = owner,
    };

    [Fact]
    public void Dispose_with_nothing_running_releases_at_once_and_again_does_nothing()
    {
        var session = new BertSession(ToyModel.Value, Options());
        Assert.False(session.IsDisposed);
        Assert.False(session.IsReleased);

        session.Dispose();
        Assert.True(session.IsDisposed);
        Assert.True(session.IsReleased);
        Assert.Equal(1, session.ReleaseCount);

        session.Dispose();
        session.Dispose();
        Assert.Equal(1, session.ReleaseCount);
        Assert.Equal(0, session.ActiveRuns);
    }

    [Fact]
    public void Dispose_under_a_held_lease_refuses_new_runs_and_the_last_to_leave_releases()
    {
        var session = new BertSession(ToyModel.Value, Options("Owner"));
        session.Enter();
        session.Enter();
        session.Dispose();

        // Marked, not released: two leases are out.
        Assert.True(session.IsDisposed);
        Assert.False(session.IsReleased);
        Assert.Equal(2, session.ActiveRuns);
        var e = Assert.Throws<ObjectDisposedException>(() => session.Run(new long[] { 2, 4, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3, new float[12]));
        Assert.Equal("Owner", e.ObjectName);
        Assert.Contains("Owner was disposed", e.Message);
        Assert.Throws<ObjectDisposedException>(session.Enter);
        Assert.Throws<ObjectDisposedException>(session.ThrowIfDisposed);
        Assert.Equal(2, session.ActiveRuns);
        Assert.False(session.IsReleased);

        session.Leave();
        Assert.False(session.IsReleased);
        session.Leave();
        Assert.True(session.IsReleased);
        Assert.Equal(1, session.ReleaseCount);
        Assert.Equal(0, session.ActiveRuns);

        session.Dispose();
        Assert.Throws<ObjectDisposedException>(session.Enter);
        Assert.Equal(1, session.ReleaseCount);
    }

    [Fact]
    public void A_run_under_a_disposed_but_unreleased_session_still_fails_and_leaves_no_lease()
    {
        var session = new BertSession(ToyModel.Value, Options());
        var output = new float[session.OutputLength(1, 3)];
        session.Run(new long[] { 2, 4, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3, output);
        Assert.Equal(new[] { 4f, 8f, 12f, 116f }, output[4..8]);

        session.Enter();
        session.Dispose();
        for (int i = 0; i < 3; i++)
        {
            Assert.Throws<ObjectDisposedException>(() => session.Run(new long[] { 2, 4, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3, output));
        }

        Assert.Equal(1, session.ActiveRuns);
        session.Leave();
        Assert.Equal(1, session.ReleaseCount);
    }

    /// <summary>150 rounds × 3 threads of <see cref="BertSession.Run"/> against <see cref="BertSession.Dispose"/> on the toy model.</summary>
    [Fact]
    public void Runs_racing_dispose_finish_correctly_or_throw_object_disposed_and_release_once()
    {
        const int Rounds = 150, Workers = 3;
        long[] ids = [2, 4, 5, 3, 2, 6, 3, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 0];
        var types = new long[8];
        float[] expected;
        using (var alone = new BertSession(ToyModel.Value, Options()))
        {
            expected = new float[alone.OutputLength(2, 4)];
            alone.Run(ids, mask, types, 2, 4, expected);
        }

        var race = new DisposeRace(nameof(BertSession), seed: 11);
        for (int round = 0; round < Rounds; round++)
        {
            var session = new BertSession(ToyModel.Value, Options());
            var outputs = new float[Workers][];
            race.Round(Workers, (w, _) =>
            {
                outputs[w] = new float[expected.Length];
                session.Run(ids, mask, types, 2, 4, outputs[w]);
                return DisposeRace.Compare(expected, outputs[w], "output");
            }, session.Dispose);

            Assert.True(session.IsReleased, $"round {round}: not released after every run left");
            Assert.Equal(1, session.ReleaseCount);
            Assert.Equal(0, session.ActiveRuns);
        }

        race.AssertHeld(Rounds * Workers);
    }
}
