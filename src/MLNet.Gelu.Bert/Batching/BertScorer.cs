using Microsoft.Extensions.Logging;
using MLNet.Gelu.Bert.Graphs;

namespace MLNet.Gelu.Bert;

/// <summary>
/// What every BERT entry point scores with, built one way: the model as it runs (the options' setting overrides applied
/// and, with <see cref="BertEmbedderOptions.Activation"/>, its GELUs rewritten, with
/// <see cref="BertEmbedderOptions.Precision"/> its MatMuls quantized), its tokenizer, one ONNX Runtime session
/// and the batcher. <see cref="BertEmbedder"/> and <see cref="BertScoringTransformer"/> each own one; it owns the session,
/// whose leases make <see cref="Dispose"/> safe while other threads score (see <see cref="BertSession"/>).
/// </summary>
internal sealed class BertScorer : IDisposable
{
    /// <summary>Prepares the model and opens the session; releases it again when anything after opening fails.</summary>
    /// <param name="source">The model as given.</param>
    /// <param name="options">The scoring options.</param>
    /// <param name="owner">The public type that owns this scorer, named by the <see cref="ObjectDisposedException"/> of a call after disposal.</param>
    /// <param name="logger">Where the session logs; <see langword="null"/> for <see cref="BertEmbedderOptions.Logger"/>.</param>
    /// <exception cref="ArgumentException">An activation rewrite was asked for and the model has no activation to rewrite.</exception>
    public BertScorer(BertModel source, BertEmbedderOptions options, string owner, ILogger? logger = null)
    {
        SourceModel = source;
        var model = source.WithSettings(options.EffectiveSettings(source));
        if (options.Activation is { } activation)
        {
            Rewrite = ActivationGraphRewriter.Rewrite(model.OnnxBytes, activation);
            if (Rewrite.Rewritten.Count == 0)
            {
                throw new ArgumentException(
                    $"{options.GetType().Name}.Activation = {activation}, but the model {model.Name} has no activation the rewriter recognizes ({Rewrite.Before.Sites.Count} sites). " +
                    "Leave Activation null to run the model as it is.", nameof(options));
            }

            model = model.WithOnnx(Rewrite.ToByteArray(), $"{model.Name} ({activation})");
        }

        if (options.Precision == BertPrecision.Int8)
        {
            Quantization = MatMulQuantizer.Quantize(model.OnnxBytes, MatMulQuantizationOptions.ForBert(model, options.IntraOpThreads));
            model = model.WithOnnx(Quantization.ToByteArray(), $"{model.Name} (int8)");
        }

        Model = model;
        Tokenizer = new BertTextTokenizer(model, options.TokenizerOptions());
        Session = new BertSession(model, options.SessionOptions() with { Owner = owner, Logger = logger ?? options.Logger });
        try
        {
            Batcher = new BertBatcher(Session, options.BatchingOptions());
        }
        catch
        {
            Session.Dispose();
            throw;
        }
    }

    /// <summary>The model as given.</summary>
    public BertModel SourceModel { get; }

    /// <summary>The model the session runs.</summary>
    public BertModel Model { get; }

    /// <summary>What the activation rewrite changed; null without one.</summary>
    public ActivationRewriteResult? Rewrite { get; }

    /// <summary>What <see cref="BertPrecision.Int8"/> quantized; null for <see cref="BertPrecision.Float32"/>.</summary>
    public MatMulQuantizationResult? Quantization { get; }

    public BertTextTokenizer Tokenizer { get; }

    public BertSession Session { get; }

    public BertBatcher Batcher { get; }

    /// <summary>Disposes the session: idempotent, never blocks; runs in flight finish first (see <see cref="BertSession.Dispose"/>).</summary>
    public void Dispose() => Session.Dispose();
}
