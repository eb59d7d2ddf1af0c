using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace MLNet.Gelu;

/// <summary>The part of <c>Fit</c> both MLP trainers share: read the data, train, log the plan and each epoch to ML.NET's channel.</summary>
internal static class MlpFitting
{
    /// <summary>
    /// The <see cref="MLContext"/> behind a trainer catalog, so epoch lines reach <c>mlContext.Log</c> and an unseeded
    /// run draws its seed from the context's seed. The catalog keeps it in an internal property, read here once.
    /// </summary>
    internal static IHostEnvironment EnvironmentOf(TrainCatalogBase.CatalogInstantiatorBase catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var property = typeof(TrainCatalogBase.CatalogInstantiatorBase).GetProperty(
            "Microsoft.ML.Data.IInternalCatalog.Environment", BindingFlags.Instance | BindingFlags.NonPublic);
        return property?.GetValue(catalog) as IHostEnvironment ?? new MLContext();
    }

    internal static MlpModelParameters Train(
        IHostEnvironment env, MlpOptions options, IDataView trainData, IDataView? validationData,
        Func<DataViewSchema, string, DataViewSchema.Column> labelColumn, int classCount)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var features = MlpDataReader.FeatureColumn(trainData.Schema, options.FeatureColumnName, "training");
        var label = labelColumn(trainData.Schema, "training");

        // Both schemas are checked before a row is read: a bad validation set must not cost a pass over the training data.
        DataViewSchema.Column? vFeatures = null, vLabel = null;
        if (validationData is not null)
        {
            vFeatures = MlpDataReader.FeatureColumn(validationData.Schema, options.FeatureColumnName, "validation");
            if (!vFeatures.Value.Type.Equals(features.Type))
            {
                throw new ArgumentException(
                    $"Feature column '{features.Name}' is {features.Type} in the training data but {vFeatures.Value.Type} in the validation data.", nameof(validationData));
            }

            vLabel = labelColumn(validationData.Schema, "validation");
            if (!vLabel.Value.Type.Equals(label.Type))
            {
                throw new ArgumentException(
                    $"Label column '{label.Name}' is {label.Type} in the training data but {vLabel.Value.Type} in the validation data; map both with the same MapValueToKey.", nameof(validationData));
            }
        }

        var (x, y) = MlpDataReader.Read(trainData, features, label, "training");
        float[]? vx = null;
        int[]? vy = null;
        if (validationData is not null)
        {
            (vx, vy) = MlpDataReader.Read(validationData, vFeatures!.Value, vLabel!.Value, "validation");
        }

        var host = env.Register("Mlp");
        var run = Seeded(options, host);
        using var channel = host.Start("Training");
        channel.Info(MessageSensitivity.None, "MLP: {0} rows of {1} features, {2} classes, hidden layers [{3}], {4}, seed {5}.",
            y.Length, ((VectorDataViewType)features.Type).Size, classCount, string.Join(", ", run.HiddenLayerSizes), run.Activation, run.Seed!);
        var model = MlpTrainerCore.Train(
            x, ((VectorDataViewType)features.Type).Size, y, classCount, run, vx, vy,
            progress => channel.Info(MessageSensitivity.None, "MLP {0}", progress),
            plan => channel.Info(MessageSensitivity.None, "MLP: {0}.", plan));
        return model;
    }

    private static MlpOptions Seeded(MlpOptions options, IHost host)
    {
        if (options.Seed is not null)
        {
            return options;
        }

        var copy = options.Clone();
        copy.Seed = host.Rand.Next();
        return copy;
    }
}
