using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Gelu.Tests.Transforms;

public sealed class PredictionEngineTests
{
    private const int Size = 8;

    public sealed class Input
    {
        [VectorType(Size)]
        public float[] Features { get; set; } = [];
    }

    public sealed class Output
    {
        [VectorType(Size)]
        public float[] Hidden { get; set; } = [];
    }

    private static Input[] Inputs(int count)
    {
        var random = new Random(5);
        return Enumerable.Range(0, count)
            .Select(_ => new Input { Features = Enumerable.Range(0, Size).Select(_ => (float)(random.NextDouble() * 12 - 6)).ToArray() })
            .ToArray();
    }

    private static ITransformer Fit(MLContext ml, Input[] inputs) =>
        ml.Transforms.Gelu("Hidden", "Features").Fit(ml.Data.LoadFromEnumerable(inputs));

    [Fact]
    public void PredictsTheKernelValues()
    {
        var ml = new MLContext(seed: 1);
        var inputs = Inputs(20);
        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(Fit(ml, inputs));
        foreach (var input in inputs)
        {
            var expected = new float[Size];
            global::MLNet.Gelu.Activations.Apply(Activation.Gelu, input.Features, expected);
            Assert.Equal(expected, engine.Predict(input).Hidden);
        }
    }

    [Fact]
    public void PooledEnginesOnEightThreadsMatchSingleThreadedScoring()
    {
        var ml = new MLContext(seed: 1);
        var inputs = Inputs(4000);
        var model = Fit(ml, inputs);

        float[][] expected;
        using (var single = ml.Model.CreatePredictionEngine<Input, Output>(model, new PredictionEngineOptions { OwnsTransformer = false }))
        {
            expected = inputs.Select(i => single.Predict(i).Hidden).ToArray();
        }

        var pool = new DefaultObjectPool<PredictionEngine<Input, Output>>(new EnginePolicy(ml, model), maximumRetained: 8);
        var actual = new float[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var engine = pool.Get();
            try
            {
                actual[i] = engine.Predict(inputs[i]).Hidden;
            }
            finally
            {
                pool.Return(engine);
            }
        });

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }

        // OwnsTransformer = false: the engines did not dispose the shared model, which still scores.
        Assert.Equal(expected[0], ml.Model.CreatePredictionEngine<Input, Output>(model).Predict(inputs[0]).Hidden);
    }

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : PooledObjectPolicy<PredictionEngine<Input, Output>>
    {
        public override PredictionEngine<Input, Output> Create() =>
            ml.Model.CreatePredictionEngine<Input, Output>(model, new PredictionEngineOptions { OwnsTransformer = false });

        public override bool Return(PredictionEngine<Input, Output> obj) => true;
    }
}
