using System.Diagnostics;
using System.Globalization;
using MLNet.Gelu.Benchmarks.Bert;
using MLNet.Gelu.Benchmarks.Hardware;
using MLNet.Gelu.Bert.Training;
using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Benchmarks.Training;

/// <summary>
/// <c>--encoder-step</c>: the encoder trainer's cost on MiniLM against ONNX Runtime's fp32 inference forward on the same
/// batch and shapes (UCI sentences in corpus order, padded and truncated to one length), interleaved and repeated, medians:
/// the engine's inference forward, its training step (forward with dropout + backward), and the AdamW update with clipping.
/// GFLOP/s count the matrix products' multiply-adds from the shapes run (<see cref="EncoderStepWork"/>: forward, and two
/// products per forward product backward), on the padded batch and, "useful", at each sentence's own length; the training
/// step's useful rate is also given as a share of the FP32 FMA peak measured on the same threads (<see cref="FmaPeak"/>).
/// With <c>--epoch</c> it also fine-tunes one epoch over all 3,000 sentences (batches of 32, at most 128 tokens,
/// length-sorted pools) and reports the wall time.
/// Options: <c>--batch 32 --length 64 --repetitions 5</c>.
/// </summary>
internal static class EncoderStepBench
{
    public static int Run(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        int batch = Option(args, "--batch", 32), length = Option(args, "--length", 64), repetitions = Option(args, "--repetitions", 5);
        int threads = WorkRegistry.Threads;
        string[] texts = BertCorpus.Sentences();
        using var raw = new RawMiniLm(threads);
        string[] chosen = texts[..batch];
        long[][] tokens = raw.Tokenize(chosen);

        var weights = OnnxEncoderReader.Read(MiniLmFiles.Onnx, classes: 2, EncoderPooling.Mean, 0.1f, 0.1f);
        var ids = new int[batch * length];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = Math.Min(tokens[b].Length, length);
            for (int t = 0; t < lengths[b]; t++)
            {
                ids[(b * length) + t] = (int)tokens[b][t];
            }
        }

        var data = new EncoderBatch(batch, length, ids, null, lengths, Enumerable.Range(0, batch).Select(i => i % 2).ToArray());
        var network = new EncoderNetwork(weights, batch, length, threads);
        var tensors = weights.All;
        var adam = new AdamOptimizer(tensors.Select(t => t.Values).ToArray(), tensors.Select(t => t.Gradient).ToArray(), 0.9, 0.999, 1e-8, 0.01, tensors.Select(t => t.Decayed).ToArray());
        var random = new RandomSource(1);

        var ort = new List<double>();
        var forward = new List<double>();
        var step = new List<double>();
        var update = new List<double>();
        for (int r = 0; r <= repetitions; r++)
        {
            double o = Time(() => raw.EmbedFixed(chosen, batch, length));
            double f = Time(() => network.Forward(data, training: false, ref random));
            double s = Time(() =>
            {
                network.Forward(data, training: true, ref random);
                network.Backward();
            });
            double u = Time(() =>
            {
                GradientClipping.ClipGlobalNorm(tensors.Select(t => t.Gradient).ToArray(), 1.0);
                adam.Step(1e-9);
            });
            if (r > 0)
            {
                ort.Add(o);
                forward.Add(f);
                step.Add(s);
                update.Add(u);
            }
        }

        var peak = FmaPeak.Measure(threads);
        var work = EncoderStepWork.Of(weights.Configuration, batch, length);
        var useful = EncoderStepWork.Useful(weights.Configuration, lengths);
        double flops = work.ForwardFlops;
        Console.WriteLine($"MiniLM, batch {batch} × {length} tokens (UCI sentences padded; {lengths.Sum()} real tokens), {threads} threads, median of {repetitions}:");
        Console.WriteLine($"  ORT fp32 inference forward     {Median(ort) * 1e3,8:F1} ms   {flops / Median(ort) / 1e9,6:F1} GFLOP/s");
        Console.WriteLine($"  engine inference forward       {Median(forward) * 1e3,8:F1} ms   {flops / Median(forward) / 1e9,6:F1} GFLOP/s   {Median(forward) / Median(ort):F2}× ORT");
        Console.WriteLine($"  engine training step (fwd+bwd) {Median(step) * 1e3,8:F1} ms   {work.StepFlops / Median(step) / 1e9,6:F1} GFLOP/s   {Median(step) / Median(ort):F2}× ORT");
        Console.WriteLine($"  AdamW update + clipping        {Median(update) * 1e3,8:F1} ms   (22.7 M parameters)");
        Console.WriteLine($"  step + update                  {(Median(step) + Median(update)) * 1e3,8:F1} ms   {(Median(step) + Median(update)) / Median(ort):F2}× ORT");
        Console.WriteLine($"  matrix products of a step: forward {work.Forward / 1e9:F2} G multiply-adds (projections {work.Projections / 1e9:F2}, " +
            $"scores {work.Scores / 1e9:F2}, context {work.Context / 1e9:F2}, feed-forward {work.FeedForward / 1e9:F2}, head {work.Head / 1e6:F3} M), " +
            $"backward {work.Backward / 1e9:F2} G " +
            $"(forward without the head by BertWork's MiniLM formula: {batch * BertWork.Flops(length) / 2e9:F2} G); " +
            $"{work.StepFlops / 1e9:F1} GFLOP padded, {useful.StepFlops / 1e9:F1} GFLOP useful (real lengths)");
        Console.WriteLine($"  {peak}");
        Console.WriteLine($"  training step: {work.StepFlops / Median(step) / 1e9:F1} GFLOP/s executed = {100 * work.StepFlops / Median(step) / peak.FlopsPerSecond:F1} % of that peak; " +
            $"useful {useful.StepFlops / Median(step) / 1e9:F1} GFLOP/s = {100 * useful.StepFlops / Median(step) / peak.FlopsPerSecond:F1} % of that peak");

        if (args.Contains("--epoch"))
        {
            Epoch(texts, threads);
        }

        return 0;
    }

    private static void Epoch(string[] texts, int threads)
    {
        var model = MLNet.Gelu.Bert.BertModel.AllMiniLmL6V2();
        var tokenizer = new MLNet.Gelu.Bert.BertTextTokenizer(model, null);
        var sentences = MLNet.Gelu.Datasets.UciSentiment.Load();
        var clock = Stopwatch.StartNew();
        var examples = sentences.Select(s =>
        {
            var encoding = tokenizer.Encode(s.Text);
            int n = Math.Min(encoding.InputIds.Length, 128);
            return new EncoderExample(encoding.InputIds.Take(n).Select(v => (int)v).ToArray(), null, s.Positive ? 1 : 0);
        }).ToList();
        double tokenize = clock.Elapsed.TotalSeconds;
        var weights = OnnxEncoderReader.Read(model.OnnxBytes, classes: 2, EncoderPooling.Mean, 0.1f, 0.1f);
        clock.Restart();
        long steps = 0;
        var losses = new EncoderTrainer(weights, new EncoderTrainingOptions(Epochs: 1, BatchSize: 32, LearningRate: 5e-5, Seed: 1, Threads: threads, PadTokenId: 0))
            .Train(examples, s => steps = s.Step);
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"one fine-tuning epoch, 3,000 UCI sentences ({examples.Sum(e => e.TokenIds.Length):N0} tokens), batch 32, {threads} threads: " +
            $"{seconds:F0} s = {seconds / 60:F1} min for {steps} steps ({seconds / steps:F2} s/step), tokenizing {tokenize:F1} s, epoch loss {losses[0]:F4}");
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
