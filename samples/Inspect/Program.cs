// Prints the activations of an ONNX model (the embedded all-MiniLM-L6-v2 when no file is given), optionally rewrites them
// to another activation, and optionally quantizes its MatMuls to int8 as BertPrecision.Int8 does:
//
//   dotnet run --project samples/Inspect -- inspect [model.onnx] [--vocab vocab.txt] [--rewrite <activation>] [--style contrib|standard|onnx20]
//                                               [--quantize] [--output <file>] [--no-fold-bias] [--no-verify]
//   dotnet run --project samples/Inspect -- inspect --quantize --output minilm.int8.onnx
using Inspect;
using MLNet.Gelu;
using MLNet.Gelu.Bert.Graphs;

try
{
    var command = CommandLine.Parse(args);
    if (command is null)
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }

    var (name, bytes) = command.ModelPath is null
        ? ("embedded all-MiniLM-L6-v2", MLNet.Gelu.Bert.BertModel.AllMiniLmL6V2().OnnxModel.ToArray())
        : (command.ModelPath, File.ReadAllBytes(command.ModelPath));
    var options = new ActivationRewriteOptions { Style = command.Style, FoldBias = command.FoldBias };

    Console.WriteLine($"Model: {name} ({bytes.Length / 1e6:F1} MB)");
    Console.Write(ActivationGraphInspector.Find(bytes, options));
    if (command.Target is { } target)
    {
        var result = ActivationGraphRewriter.Rewrite(bytes, target, options);
        Console.WriteLine();
        Console.Write(result);
        if (command.Verify)
        {
            var verification = ActivationGraphVerifier.Verify(result);
            Console.WriteLine($"Verified: {verification.SitesChecked} site(s) written by the expected operator, ONNX Runtime session loaded " +
                $"(inputs {string.Join(", ", verification.InputNames)}; outputs {string.Join(", ", verification.OutputNames)}).");
        }

        bytes = result.ToByteArray();
    }

    if (command.Quantize)
    {
        // The calibration of the int8 recipe runs the model on word sequences drawn from its vocabulary.
        var model = command.ModelPath is null
            ? MLNet.Gelu.Bert.BertModel.AllMiniLmL6V2()
            : MLNet.Gelu.Bert.BertModel.FromFiles(command.ModelPath, command.VocabularyPath!);
        model = model.WithOnnx(bytes, name);
        var quantization = MatMulQuantizer.Quantize(bytes, MatMulQuantizationOptions.ForBert(model));
        Console.WriteLine();
        Console.Write(quantization);
        if (command.Verify)
        {
            var verification = MatMulQuantizer.Verify(quantization);
            var fused = verification.OptimizedOpCounts.Where(o => o.Key.StartsWith("com.microsoft.", StringComparison.Ordinal)).Select(o => $"{o.Value} {o.Key}");
            Console.WriteLine($"Verified: {verification.MatMulsChecked} MatMul(s) written by the expected operator, ONNX Runtime session loaded; " +
                $"after its optimizations it runs {string.Join(", ", fused)}.");
        }

        bytes = quantization.ToByteArray();
        Console.WriteLine($"Quantized model: {bytes.Length / 1e6:F1} MB");
    }

    if (command.OutputPath is not null)
    {
        File.WriteAllBytes(command.OutputPath, bytes);
        Console.WriteLine($"Wrote {command.OutputPath}");
    }

    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or NotSupportedException or ActivationGraphVerificationException
    or MLNet.Gelu.Bert.BertModelException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
