using MLNet.Gelu;
using MLNet.Gelu.Bert.Graphs;

namespace Inspect;

/// <summary>
/// The parsed arguments of
/// <c>inspect [model.onnx] [--vocab V] [--rewrite A] [--style S] [--quantize] [--output F] [--no-fold-bias] [--no-verify]</c>.
/// </summary>
internal sealed record CommandLine(
    string? ModelPath, Activation? Target, ActivationOpStyle Style, string? OutputPath, bool FoldBias, bool Verify, bool Quantize = false, string? VocabularyPath = null)
{
    public const string Usage = """
        usage: inspect [model.onnx] [--vocab <vocab.txt>] [--rewrite <activation>] [--style contrib|standard|onnx20] [--quantize] [--output <file>]
                       [--no-fold-bias] [--no-verify]
          model.onnx      the model to read (default: the embedded all-MiniLM-L6-v2)
          --vocab         the model's vocab.txt (needed by --quantize for a model file: the calibration tokenizes)
          --rewrite       replace every activation found with Gelu, GeluTanh, GeluSigmoid, Relu, Elu or Silu
          --style         contrib (com.microsoft ops, default), standard (standard ops at the model's opset), onnx20 (ONNX Gelu, opset 20)
          --quantize      quantize the MatMuls with constant weights to int8 as BertPrecision.Int8 does (after --rewrite, when given)
          --output        write the rewritten and/or quantized model to this file
          --no-fold-bias  keep a bias Add before an activation as its own node
          --no-verify     skip checking that ONNX Runtime loads the new model
        """;

    /// <summary>Parses the arguments; null when help was asked for.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing value, or an unknown activation or style.</exception>
    public static CommandLine? Parse(string[] args)
    {
        var queue = new Queue<string>(args);
        if (queue.Count == 0 || queue.Peek() is "-h" or "--help")
        {
            return null;
        }

        if (queue.Peek() == "inspect")
        {
            queue.Dequeue();
        }

        var command = new CommandLine(null, null, ActivationOpStyle.ContribOps, null, FoldBias: true, Verify: true);
        while (queue.TryDequeue(out string? arg))
        {
            string Value() => queue.TryDequeue(out string? v) ? v : throw new ArgumentException($"Option {arg} needs a value.\n{Usage}");
            command = arg switch
            {
                "--rewrite" => command with { Target = ParseActivation(Value()) },
                "--style" => command with { Style = ParseStyle(Value()) },
                "--output" => command with { OutputPath = Value() },
                "--quantize" => command with { Quantize = true },
                "--vocab" => command with { VocabularyPath = Value() },
                "--no-fold-bias" => command with { FoldBias = false },
                "--no-verify" => command with { Verify = false },
                "-h" or "--help" => null,
                _ when arg.StartsWith('-') => throw new ArgumentException($"Unknown option '{arg}'.\n{Usage}"),
                _ when command.ModelPath is null => command with { ModelPath = arg },
                _ => throw new ArgumentException($"Only one model file may be given; got '{command.ModelPath}' and '{arg}'."),
            };
            if (command is null)
            {
                return null;
            }
        }

        if (command.OutputPath is not null && command.Target is null && !command.Quantize)
        {
            throw new ArgumentException("--output needs --rewrite <activation> or --quantize: there is nothing to write otherwise.");
        }

        if (command.Quantize && command.ModelPath is not null && command.VocabularyPath is null)
        {
            throw new ArgumentException("--quantize on a model file needs --vocab <vocab.txt>: the calibration tokenizes word sequences drawn from it.");
        }

        return command;
    }

    private static Activation ParseActivation(string text) =>
        Enum.TryParse<Activation>(text, ignoreCase: true, out var activation) && Enum.IsDefined(activation)
            ? activation
            : throw new ArgumentException($"Unknown activation '{text}'; use one of {string.Join(", ", Enum.GetNames<Activation>())}.");

    private static ActivationOpStyle ParseStyle(string text) => text.ToLowerInvariant() switch
    {
        "contrib" => ActivationOpStyle.ContribOps,
        "standard" => ActivationOpStyle.StandardOps,
        "onnx20" => ActivationOpStyle.Onnx20,
        _ => throw new ArgumentException($"Unknown style '{text}'; use contrib, standard or onnx20."),
    };
}
