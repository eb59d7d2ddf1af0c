using CsCheck;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Graphs;
using MLNet.Gelu.Bert.Tests.Graphs;

namespace MLNet.Gelu.Bert.Tests.Reliability.Properties;

/// <summary>
/// The graph rewriter on random small graphs: a chain of 1–5 segments, each a GELU/SiLU shape exporters write (every
/// bias-free shape of <see cref="ActivationShapes.All"/>) or a distractor that shares their anchors (a lone Erf, Tanh or
/// Sigmoid, Neg, Abs, constant Mul and Add), some shapes with an intermediate also read by a side output. Rewritten to a
/// random target in a random op style, every site either computes the target in ONNX Runtime (checked numerically against
/// the chain computed here) or is reported as unrecognized and left computing what it did; a clean shape amid distractors
/// is always found; no distractor but a constant factor (Mul by a constant, Neg) is ever taken into a site; side outputs
/// keep their values.
/// </summary>
public class RewriterProperties
{
    private const int Rows = 16;
    private const int Width = 6;

    private static readonly ActivationShape[] Shapes = [.. ActivationShapes.All.Where(s => !s.HasBias)];

    private static readonly string[] Distractors = ["Erf", "Tanh", "Sigmoid", "Neg", "Abs", "Mul 2", "Mul 0.5", "Add 1"];

    /// <summary>A segment: an index into <see cref="Shapes"/> then <see cref="Distractors"/>, and which intermediate to share (−1: none).</summary>
    private static readonly Gen<(int Kind, int Shared)> Segment = Gen.Select(
        Gen.Int[0, Shapes.Length + Distractors.Length - 1],
        Gen.Frequency((3, Gen.Const(-1)), (1, Gen.Int[0, 8])));

    private static readonly Gen<(Activation Target, ActivationOpStyle Style, (int Kind, int Shared)[] Segments)> Case = Gen.Select(
        Gen.Int[0, 5].Select(i => (Activation)i),
        Gen.Int[0, 2].Select(i => (ActivationOpStyle)i),
        Segment.Array[1, 5]);

    [Fact]
    public void Every_site_is_rewritten_and_computes_the_target_or_is_reported_and_left_alone()
    {
        Case.Sample(c => Check(c.Target, c.Style, c.Segments), iter: 150, threads: 2, print: c =>
            $"{c.Target} {c.Style}: {string.Join(" → ", c.Segments.Select(s => Name(s.Kind) + (s.Shared >= 0 ? $" (shared {s.Shared})" : string.Empty)))}");
    }

    private static void Check(Activation target, ActivationOpStyle style, (int Kind, int Shared)[] segments)
    {
        var g = new TestGraph(segments.Any(s => s.Kind < Shapes.Length && Shapes[s.Kind].Opset >= 20) ? 20 : 13, contrib: true);
        var v = g.Input("x", Width);
        var built = new List<(int Kind, HashSet<string> Nodes, bool Shared)>();
        var sides = new List<(int Segment, string Name)>();
        foreach (var (kind, shared) in segments)
        {
            var side = $"side{sides.Count}";
            (v, var nodes, var isShared) = AddSegment(g, kind, shared, v, side);
            if (isShared)
            {
                sides.Add((built.Count, side));
            }

            built.Add((kind, nodes, isShared));
        }

        g.Rename(v, "y");
        g.Output("y", Width);
        var source = g.ToBytes();

        var result = ActivationGraphRewriter.Rewrite(source, target, new ActivationRewriteOptions { Style = style });
        ActivationGraphVerifier.Verify(result, loadSession: false);

        // Each rewritten site lies inside one shape segment; of the distractors, only constant factors next to it may join it
        // (x·σ(x)·2·0.5 and −(−x·σ(x)) are SiLU: the rewriter folds scalar factors, Neg among them, and the numbers below
        // check that they multiply to one).
        var rewritten = new bool[built.Count];
        foreach (var site in result.Rewritten)
        {
            var touched = Enumerable.Range(0, built.Count).Where(i => site.Original.NodeNames.Any(built[i].Nodes.Contains)).ToList();
            Assert.True(site.Original.NodeNames.All(n => touched.Any(i => built[i].Nodes.Contains(n))), $"site {site.Original} names nodes of no segment");
            var owners = touched.Where(i => built[i].Kind < Shapes.Length).ToList();
            Assert.True(owners.Count == 1, $"site {site.Original} spans {owners.Count} activations");
            Assert.True(touched.All(i => i == owners[0] || IsScalarFactor(built[i].Kind)), $"site {site.Original} took a distractor");
            Assert.Equal(touched.Count, touched[^1] - touched[0] + 1);
            Assert.False(rewritten[owners[0]], $"segment {owners[0]} rewritten twice");
            rewritten[owners[0]] = true;
        }

        for (var i = 0; i < built.Count; i++)
        {
            var (kind, nodes, shared) = built[i];
            if (kind >= Shapes.Length || rewritten[i])
            {
                continue;
            }

            Assert.False(!shared, $"segment {i} ({Name(kind)}) is a clean shape but was not rewritten: {string.Join("; ", result.Skipped)}");
            Assert.True(result.Skipped.Any(s => nodes.Contains(s.NodeName)), $"segment {i} ({Name(kind)}) was left alone without a report");
        }

        // Numbers: the original computes the chain; the rewrite computes it with the target where it says so.
        var x = Input();
        var original = Run(source, x);
        var after = Run(result.ToByteArray(), x);
        AssertClose(Chain(built, x, rewritten: null, target), original["y"], "original y");
        AssertClose(Chain(built, x, rewritten, target), after["y"], "rewritten y");
        foreach (var (segment, side) in sides)
        {
            // The shared intermediate keeps its value: the segment's own nodes on what now reaches the segment.
            AssertClose(SideAlone(segments[segment], Chain(built[..segment], x, rewritten, target)), after[side], side);
        }
    }

    /// <summary>Appends one segment reading <paramref name="v"/>; a shape with a share also writes one intermediate to <paramref name="side"/>.</summary>
    private static (string Output, HashSet<string> Nodes, bool Shared) AddSegment(TestGraph g, int kind, int shared, string v, string side)
    {
        var before = g.Graph.Node.Count;
        var output = kind < Shapes.Length ? Shapes[kind].Build(g, v, null) : Distract(g, Distractors[kind - Shapes.Length], v);
        var added = g.Graph.Node.Skip(before).ToList();
        var inner = added.Take(added.Count - 1).Where(n => n.OpType != "Constant").Select(n => n.Output[0]).ToList();
        var isShared = kind < Shapes.Length && shared >= 0 && inner.Count > 0;
        if (isShared)
        {
            g.Rename(g.Op("Identity", inner[shared % inner.Count]), side);
            g.OutputOfAnyShape(side);
        }

        return (output, [.. added.Select(n => n.Name)], isShared);
    }

    /// <summary>What a shared segment writes to its side output when <paramref name="input"/> reaches it (run alone in ONNX Runtime).</summary>
    private static float[] SideAlone((int Kind, int Shared) segment, float[] input)
    {
        var g = new TestGraph(Shapes[segment.Kind].Opset, contrib: true);
        var (output, _, _) = AddSegment(g, segment.Kind, segment.Shared, g.Input("x", Width), "side");
        g.Rename(output, "y");
        g.Output("y", Width);
        return Run(g.ToBytes(), input)["side"];
    }

    /// <summary>
    /// Runs a model without ONNX Runtime's graph optimizations: ORT 1.31's own GELU fusions fuse a tanh GELU whose
    /// intermediate <c>x·0.5</c> is also read elsewhere and then fail to load the model ("Node input … is not a graph
    /// input, initializer, or output of a previous node"), whatever our rewriter did.
    /// </summary>
    private static Dictionary<string, float[]> Run(byte[] model, float[] x)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [Rows, Width]);
        using var runOptions = new RunOptions();
        var names = session.OutputNames.ToArray();
        using var outputs = session.Run(runOptions, [session.InputNames[0]], [input], names);
        return names.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(p => p.n, p => p.Item2);
    }

    private static string Distract(TestGraph g, string distractor, string v) => distractor switch
    {
        "Mul 2" => g.Op("Mul", v, g.Const(2)),
        "Mul 0.5" => g.Op("Mul", g.Const(0.5), v),
        "Add 1" => g.Op("Add", v, g.Const(1)),
        _ => g.Op(distractor, v),
    };

    /// <summary>The chain in float, segment by segment, as the graph computes it (rewritten segments compute the target).</summary>
    private static float[] Chain(List<(int Kind, HashSet<string> Nodes, bool Shared)> built, float[] x, bool[]? rewritten, Activation target)
    {
        var v = (float[])x.Clone();
        for (var i = 0; i < built.Count; i++)
        {
            var kind = built[i].Kind;
            if (kind < Shapes.Length)
            {
                Activations.Apply(rewritten?[i] == true ? target : Shapes[kind].Kind, v, v);
                continue;
            }

            for (var j = 0; j < v.Length; j++)
            {
                v[j] = Distractors[kind - Shapes.Length] switch
                {
                    "Erf" => Erf(v[j]),
                    "Tanh" => MathF.Tanh(v[j]),
                    "Sigmoid" => 1 / (1 + MathF.Exp(-v[j])),
                    "Neg" => -v[j],
                    "Abs" => MathF.Abs(v[j]),
                    "Mul 2" => v[j] * 2,
                    "Mul 0.5" => v[j] * 0.5f,
                    _ => v[j] + 1,
                };
            }
        }

        return v;
    }

    /// <summary>erf(z) = 2Φ(z√2) − 1 with Φ(t) = GELU(t)/t, from the library's exact GELU (checked against libm elsewhere).</summary>
    private static float Erf(float z)
    {
        var t = (double)z * Math.Sqrt(2);
        if (Math.Abs(t) < 1e-6)
        {
            return (float)(z * 2 / Math.Sqrt(Math.PI));
        }

        Span<float> gelu = [(float)t];
        Activations.Apply(Activation.Gelu, gelu, gelu);
        return (float)(2 * (gelu[0] / t) - 1);
    }

    private static float[] Input()
    {
        var x = new float[Rows * Width];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Round((-7f + 14f * i / (x.Length - 1)) * 32) / 32;
        }

        return x;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var bound = 5e-6 + 5e-6 * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound, $"{what}[{i}]: expected {expected[i]:G9}, got {actual[i]:G9}");
        }
    }

    /// <summary>A distractor that only scales its input by a constant (a Mul by a constant, or Neg): it may join a site.</summary>
    private static bool IsScalarFactor(int kind) => Name(kind) is "Neg" || Name(kind).StartsWith("Mul ", StringComparison.Ordinal);

    private static string Name(int kind) => kind < Shapes.Length ? Shapes[kind].Name : Distractors[kind - Shapes.Length];
}
