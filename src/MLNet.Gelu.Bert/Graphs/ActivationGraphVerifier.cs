using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Graphs.Detection;
using MLNet.Gelu.Bert.Graphs.Model;
using Onnx;

namespace MLNet.Gelu.Bert.Graphs;

/// <summary>
/// Checks a rewrite (opt-in; the rewriter itself needs no runtime): every replaced output is written by the expected
/// operator, operator counts changed by exactly the nodes removed and written (e.g. no <c>Erf</c> left and six
/// <c>FastGelu</c> after rewriting six erf GELUs), the graph reads no tensor before it is produced, a fresh inspection finds the target activation at each
/// rewritten output (none for ReLU/ELU), and, unless disabled, that ONNX Runtime creates a session from the bytes
/// (some runtimes silently ignore what they do not know; ORT rejects unknown operators and signatures).
/// </summary>
public static class ActivationGraphVerifier
{
    /// <summary>Verifies <paramref name="result"/>.</summary>
    /// <param name="result">A rewrite result.</param>
    /// <param name="loadSession">Create an ONNX Runtime session from the new model (default true). A model that keeps tensors in
    /// external data files gets none (a session from bytes would resolve them against the working directory): that is a failure.</param>
    /// <param name="sessionOptions">Options for that session (execution provider, optimization level); null for ORT's defaults.</param>
    /// <returns>What was checked.</returns>
    /// <exception cref="ActivationGraphVerificationException">A check failed; the message lists every failure.</exception>
    public static ActivationGraphVerification Verify(ActivationRewriteResult result, bool loadSession = true, SessionOptions? sessionOptions = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failures = new List<string>();
        var graph = result.Model.Graph;
        var index = new GraphIndex(graph);

        int checkedSites = 0;
        foreach (var rewritten in result.Rewritten)
        {
            var producer = index.Producer(rewritten.Original.Output);
            string op = producer is null ? "(nothing)" : OpCounts.Key(producer);
            if (producer is not null && rewritten.OutputOps.Contains(op))
            {
                checkedSites++;
            }
            else
            {
                failures.Add($"output '{rewritten.Original.Output}' is written by {op}, expected {string.Join(" or ", rewritten.OutputOps)}");
            }
        }

        failures.AddRange(CheckTopology(graph));
        var opCounts = OpCounts.Of(graph);
        failures.AddRange(CheckOpCounts(result, opCounts));

        var again = ActivationSiteFinder.Find(index, result.Options).Sites.Select(s => s.Site).ToList();
        var byOutput = again.ToDictionary(s => s.Output, StringComparer.Ordinal);

        // A fresh inspection may extend a site through constant factors that multiply to one (x·Φ(x)·0.5·2 is GELU), so a
        // rewritten site also counts as found when a fresh site holds the node that writes its output.
        var byNode = new Dictionary<string, ActivationSite>(StringComparer.Ordinal);
        foreach (var site in again)
        {
            foreach (var node in site.NodeNames)
            {
                byNode.TryAdd(node, site);
            }
        }
        bool detectable = result.Target is Activation.Gelu or Activation.GeluTanh or Activation.GeluSigmoid or Activation.Silu;
        int foundAgain = 0;
        foreach (var rewritten in result.Rewritten)
        {
            bool found = byOutput.TryGetValue(rewritten.Original.Output, out var site)
                || (index.Producer(rewritten.Original.Output) is { } writer && byNode.TryGetValue(writer.Name, out site));
            if (detectable && !(found && site!.Kind == result.Target))
            {
                failures.Add($"inspection finds {(found ? site!.Kind.ToString() : "no activation")} at '{rewritten.Original.Output}', expected {result.Target}");
            }
            else if (!detectable && found)
            {
                failures.Add($"inspection still finds {site!.Kind} at '{rewritten.Original.Output}', expected {result.Target}");
            }

            foundAgain += found ? 1 : 0;
        }

        bool loaded = false;
        IReadOnlyList<string> inputs = [], outputs = [];
        Exception? loadError = null;
        var bytes = loadSession && failures.Count == 0 ? result.ToByteArray() : null;
        IReadOnlyList<OnnxExternalTensor> external = [];
        try
        {
            external = bytes is null ? [] : OnnxExternalData.Find(bytes);
        }
        catch (ProtoFormatException e)
        {
            failures.Add($"the new model cannot be searched for external data ({e.Message}), so no ONNX Runtime session was created");
            bytes = null;
        }

        if (external.Count > 0)
        {
            // A session from bytes would resolve external files against the working directory: never created.
            failures.Add($"the model keeps tensor '{external[0].Tensor}' in the external file '{external[0].Location}', so no ONNX Runtime session was " +
                "created from its bytes (it would read that file relative to the working directory); verify with loadSession: false, or score it " +
                "through BertModel.FromFiles(...).WithOnnx(...), which reads external data from the model's own folder only");
        }
        else if (bytes is not null)
        {
            try
            {
                using var session = sessionOptions is null
                    ? new InferenceSession(bytes)
                    : new InferenceSession(bytes, sessionOptions);
                loaded = true;
                inputs = session.InputNames.ToArray();
                outputs = session.OutputNames.ToArray();
            }
            catch (OnnxRuntimeException e)
            {
                loadError = e;
                failures.Add($"ONNX Runtime did not load the model: {e.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new ActivationGraphVerificationException(failures, loadError);
        }

        return new ActivationGraphVerification(checkedSites, foundAgain, opCounts, loaded, inputs, outputs);
    }

    /// <summary>
    /// Operator counts after = before − removed + written, for every operator (only the activation operators when the
    /// opset was raised, which rewrites other nodes too). <c>Constant</c> nodes are left out: unused ones are swept.
    /// </summary>
    private static IEnumerable<string> CheckOpCounts(ActivationRewriteResult result, IReadOnlyDictionary<string, int> opCounts)
    {
        var removed = result.Rewritten.SelectMany(r => r.RemovedOps).CountBy(k => k).ToDictionary();
        var added = result.Rewritten.SelectMany(r => r.AddedOps).CountBy(k => k).ToDictionary();
        var keys = result.OpsetRaisedFrom is null
            ? result.Before.OpCounts.Keys.Union(opCounts.Keys)
            : removed.Keys.Union(added.Keys);
        foreach (string key in keys.Where(k => k != "Constant").Order(StringComparer.Ordinal))
        {
            int before = result.Before.OpCounts.GetValueOrDefault(key);
            int expected = before - removed.GetValueOrDefault(key) + added.GetValueOrDefault(key);
            int after = opCounts.GetValueOrDefault(key);
            if (after != expected)
            {
                yield return $"{key} count is {after} after the rewrite, expected {expected} ({before} before, {removed.GetValueOrDefault(key)} removed, {added.GetValueOrDefault(key)} written)";
            }
        }
    }

    /// <summary>Every node input must be a graph input, an initializer, or the output of an earlier node; every graph output must be produced.</summary>
    internal static IEnumerable<string> CheckTopology(GraphProto graph)
    {
        var available = new HashSet<string>(graph.Input.Select(i => i.Name), StringComparer.Ordinal);
        available.UnionWith(graph.Initializer.Select(i => i.Name));
        foreach (var node in graph.Node)
        {
            foreach (var input in node.Input.Where(i => i.Length > 0 && !available.Contains(i)))
            {
                yield return $"node '{node.Name}' ({node.OpType}) reads '{input}' before it is produced";
            }

            available.UnionWith(node.Output);
        }

        foreach (var output in graph.Output.Where(o => !available.Contains(o.Name)))
        {
            yield return $"graph output '{output.Name}' is not produced";
        }
    }
}
