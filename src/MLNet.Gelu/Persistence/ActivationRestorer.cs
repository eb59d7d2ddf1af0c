using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace MLNet.Gelu.Persistence;

/// <summary>
/// Puts an <see cref="ActivationTransformer"/> back in place of the built-in Expression transforms it saved as. Its
/// whole state (the activation and its columns) is the JSON the manifest records; it writes no entries.
/// </summary>
internal sealed class ActivationRestorer : ITransformerRestorer
{
    internal const string Kind = "Activation";

    internal static JsonObject Archive(ActivationTransformer transformer) =>
        JsonSerializer.SerializeToNode(State.Of(transformer), ArchiveEntries.Json)!.AsObject();

    public ITransformer Restore(ITransformer surrogate, ArchivedComponent component)
    {
        var state = component.ReadState<State>(legacyEntry: null);
        if (state.Columns.Count == 0 || !ActivationSurrogate.HasShape(surrogate, state.Columns.Count))
        {
            throw new InvalidDataException(
                $"The manifest of {component.Source} records an activation transformer at position {component.Where}, but the model holds " +
                $"{surrogate.GetType().Name} there. The file was changed after saving; load it with plain mlContext.Model.Load.");
        }

        if (!Enum.IsDefined(state.Activation))
        {
            throw new InvalidDataException($"The manifest of {component.Source} names unknown activation {state.Activation} at position {component.Where}.");
        }

        var columns = state.Columns.Select(c => new InputOutputColumnPair(c.Output, c.Input)).ToArray();
        return new ActivationTransformer(state.Activation, columns, state.Columns.Select(c => c.Vector).ToArray(), surrogate);
    }

    /// <summary>The JSON state (the same fields as the activation entries of 0.1.0's manifest).</summary>
    internal sealed class State
    {
        public Activation Activation { get; set; }

        public List<ModelManifest.ColumnEntry> Columns { get; set; } = [];

        public static State Of(ActivationTransformer transformer) => new()
        {
            Activation = transformer.Activation,
            Columns = transformer.Columns.Select((c, i) => new ModelManifest.ColumnEntry
            {
                Output = c.OutputColumnName,
                Input = c.InputColumnName,
                Vector = transformer.InputIsVector[i],
            }).ToList(),
        };
    }
}
