using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.Gelu;

/// <summary>
/// Builds the ML.NET prediction transformers that turn an MLP's logits into the columns ML.NET's evaluators expect:
/// for multiclass a maximum-entropy model with identity weights (<c>Score = softmax(z)</c>, <c>PredictedLabel</c> a key
/// carrying the training label's <c>KeyValues</c>), for binary a linear model <c>z1 − z0</c> with a Platt calibrator of
/// slope −1 (<c>Probability = σ(z1 − z0)</c>, the softmax's p₁). They define the output schema of the MLP transformers
/// and, saved behind the ONNX graph, the model that plain <c>mlContext.Model.Load</c> returns.
/// </summary>
/// <remarks>
/// The constructors of these ML.NET types are internal (dotnet/machinelearning #4911), so they are reached by
/// reflection here, in one place, against the ML.NET version this library is built for.
/// </remarks>
internal static class PredictionHeads
{
    internal const string LogitsColumn = "MlpLogits";

    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    internal static ITransformer Multiclass(IHostEnvironment env, int classCount, DataViewSchema.Column label)
    {
        var weights = new VBuffer<float>[classCount];
        for (int k = 0; k < classCount; k++)
        {
            weights[k] = new VBuffer<float>(classCount, 1, [1f], [k]);
        }

        var model = Create<MaximumEntropyModelParameters>(
            [typeof(IHostEnvironment), typeof(VBuffer<float>[]), typeof(float[]), typeof(int), typeof(int), typeof(string[]), typeof(ModelStatisticsBase)],
            env, weights, new float[classCount], classCount, classCount, null, null);

        var schema = new DataViewSchema.Builder();
        schema.AddColumn(LogitsColumn, new VectorDataViewType(NumberDataViewType.Single, classCount));
        schema.AddColumn(label.Name, label.Type, label.Annotations);
        return Create<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>(
            [typeof(IHostEnvironment), typeof(MaximumEntropyModelParameters), typeof(DataViewSchema), typeof(string), typeof(string), typeof(string), typeof(string)],
            env, model, schema.ToSchema(), LogitsColumn, label.Name, "Score", "PredictedLabel");
    }

    internal static ITransformer Binary(IHostEnvironment env)
    {
        var weights = new VBuffer<float>(2, [-1f, 1f]);
        var linear = Create<LinearBinaryModelParameters>(
            [typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float), typeof(ModelStatisticsBase)],
            env, weights, 0f, null);
        var platt = Create<PlattCalibrator>([typeof(IHostEnvironment), typeof(double), typeof(double)], env, -1.0, 0.0);

        var mixing = typeof(CalibratedModelParametersBase).Assembly
            .GetType("Microsoft.ML.Calibrators.ParameterMixingCalibratedModelParameters`2", throwOnError: true)!
            .MakeGenericType(typeof(LinearBinaryModelParameters), typeof(PlattCalibrator));
        var calibrated = (CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>)Create(
            mixing, [typeof(IHostEnvironment), typeof(LinearBinaryModelParameters), typeof(PlattCalibrator)], env, linear, platt);

        var schema = new DataViewSchema.Builder();
        schema.AddColumn(LogitsColumn, new VectorDataViewType(NumberDataViewType.Single, 2));
        return Create<BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>>(
            [typeof(IHostEnvironment), typeof(CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>), typeof(DataViewSchema), typeof(string), typeof(float), typeof(string)],
            env, calibrated, schema.ToSchema(), LogitsColumn, 0f, "Score");
    }

    /// <summary>The columns <paramref name="head"/> adds to a row holding <see cref="LogitsColumn"/> of <paramref name="classCount"/> slots.</summary>
    internal static DataViewSchema.DetachedColumn[] OutputColumns(ITransformer head, int classCount)
    {
        var input = new DataViewSchema.Builder();
        input.AddColumn(LogitsColumn, new VectorDataViewType(NumberDataViewType.Single, classCount));
        var output = head.GetOutputSchema(input.ToSchema());
        return output.Skip(1).Where(c => !c.IsHidden).Select(c => new DataViewSchema.DetachedColumn(c.Name, c.Type, c.Annotations)).ToArray();
    }

    private static T Create<T>(Type[] signature, params object?[] args) => (T)Create(typeof(T), signature, args);

    private static object Create(Type type, Type[] signature, params object?[] args)
    {
        var constructor = type.GetConstructor(Internal, signature) ?? throw new InvalidOperationException(
            $"ML.NET's {type.Name} no longer has the constructor this version of MLNet.Gelu uses; use the ML.NET version MLNet.Gelu was built against (5.0.x).");
        return constructor.Invoke(args);
    }
}
