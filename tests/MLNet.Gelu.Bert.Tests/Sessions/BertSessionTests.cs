using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Sessions;

public class BertSessionTests
{
    [Fact]
    public void Measures_the_symbolic_hidden_size_and_runs_concurrently()
    {
        using var session = new BertSession(MiniLm.Model, new BertSessionOptions { IntraOpThreads = 1, InterOpThreads = 1 });
        Assert.Equal(384, session.Dimension);
        long[] ids = [101, 7592, 2088, 102, 101, 2088, 102, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 0];
        var types = new long[8];
        var expected = new float[session.OutputLength(2, 4)];
        session.Run(ids, mask, types, 2, 4, expected);
        var results = new float[6][];
        Parallel.For(0, results.Length, i =>
        {
            results[i] = new float[expected.Length];
            session.Run(ids, mask, types, 2, 4, results[i]);
        });
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Optimization_level_does_not_change_the_result_beyond_float_rounding()
    {
        using var all = new BertSession(MiniLm.Model);
        using var none = new BertSession(MiniLm.Model, new BertSessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpThreads = 1 });
        long[] ids = [101, 1037, 4937, 2006, 1996, 13523, 102];
        long[] mask = [1, 1, 1, 1, 1, 1, 1];
        var a = new float[all.OutputLength(1, 7)];
        var b = new float[none.OutputLength(1, 7)];
        all.Run(ids, mask, new long[7], 1, 7, a);
        none.Run(ids, mask, new long[7], 1, 7, b);
        Assert.True(Vectors.MaxAbsDifference(a, b) < 1e-4f);
    }

    [Fact]
    public void Run_checks_buffer_sizes()
    {
        using var session = new BertSession(MiniLm.Model, new BertSessionOptions { IntraOpThreads = 1 });
        var e = Assert.Throws<ArgumentException>(() => session.Run(new long[4], new long[4], new long[4], 2, 4, new float[10]));
        Assert.Contains("2 × 4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(new long[4], new long[4], new long[4], 0, 4, new float[10]));
    }
}

public class RejectedModelTests
{
    [Fact]
    public void A_graph_onnx_runtime_refuses_fails_at_session_creation_naming_the_model()
    {
        var bytes = TinyOnnx.Build(
            [TinyOnnx.Tensor("input_ids", TinyOnnx.Int64, -1, -1)],
            [TinyOnnx.Tensor("last_hidden_state", TinyOnnx.Float, -1, -1, 4)],
            [TinyOnnx.Node("NoSuchOperator", ["input_ids"], ["last_hidden_state"])]);
        var model = MLNet.Gelu.Bert.BertModel.FromStreams(new MemoryStream(bytes), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: "odd.onnx");
        var e = Assert.Throws<MLNet.Gelu.Bert.BertModelException>(() => new BertSession(model));
        Assert.Equal(MLNet.Gelu.Bert.BertModelProblem.ModelRejectedByRuntime, e.Problem);
        Assert.Contains("odd.onnx", e.Message);
        Assert.Contains("NoSuchOperator", e.Message);
        Assert.Contains("NoSuchOperator", Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException).Message);
    }
}
