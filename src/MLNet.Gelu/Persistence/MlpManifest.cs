using Microsoft.ML;
using MLNet.Gelu.Training;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// The MLP part of the manifest: on save, records where each MLP transformer sits and attaches its parameters; on
/// load, swaps the ONNX surrogate found there back for the native transformer, reusing the loaded ML.NET head (which
/// carries the label's key values).
/// </summary>
internal static class MlpManifest
{
    internal static void Describe(ITransformer model, ModelManifest manifest)
    {
        var found = ModelTree.Find<MlpMulticlassPredictionTransformer>(model).Select(f => (f.Path, f.Transformer.Scorer, Binary: false))
            .Concat(ModelTree.Find<MlpBinaryPredictionTransformer>(model).Select(f => (f.Path, f.Transformer.Scorer, Binary: true)));
        foreach (var (path, scorer, binary) in found)
        {
            // Built here, before anything is written, so a missing ONNX Runtime fails the save cleanly.
            _ = scorer.Surrogate;
            string entry = $"MLNet.Gelu/mlp-{manifest.Mlps.Count}.bin";
            using var bytes = new MemoryStream();
            scorer.Model.WriteTo(bytes);
            manifest.Attachments[entry] = bytes.ToArray();
            manifest.Mlps.Add(new ModelManifest.MlpEntry { Path = path, Binary = binary, FeatureColumn = scorer.FeatureColumnName, Parameters = entry });
        }
    }

    internal static ITransformer Restore(ITransformer model, ModelManifest manifest, string source)
    {
        foreach (var entry in manifest.Mlps)
        {
            string where = $"[{string.Join(", ", entry.Path)}]";
            var node = ModelTree.At(model, entry.Path);
            var head = node is null ? null : MlpSurrogate.HeadOf(node);
            if (node is null || head is null)
            {
                throw new InvalidDataException(
                    $"The manifest of {source} records an MLP transformer at position {where}, but the model holds " +
                    $"{node?.GetType().Name ?? "nothing"} there. The file was changed after saving; load it with plain mlContext.Model.Load.");
            }

            MlpModelParameters parameters;
            using (var stream = new MemoryStream(manifest.Attachments[entry.Parameters]))
            {
                parameters = MlpModelParameters.ReadFrom(stream);
            }

            if (entry.Binary != (parameters.ClassCount == 2 && head is not Microsoft.ML.Data.MulticlassPredictionTransformer<Microsoft.ML.Trainers.MaximumEntropyModelParameters>))
            {
                throw new InvalidDataException($"The MLP at position {where} of {source} does not match its recorded kind; load it with plain mlContext.Model.Load.");
            }

            var scorer = new MlpScorer(parameters, entry.FeatureColumn, head, surrogate: node);
            ITransformer native = entry.Binary ? new MlpBinaryPredictionTransformer(scorer) : new MlpMulticlassPredictionTransformer(scorer);
            model = ModelTree.Replace(model, entry.Path, native);
        }

        return model;
    }
}
