using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert;

// Listing the providers needs no CUDA libraries; creating a CUDA session does.
Console.WriteLine("providers: " + string.Join(",", OrtEnv.Instance().GetAvailableProviders()));
try
{
    using var embedder = new BertEmbedder(options: new BertEmbedderOptions { ExecutionProvider = BertExecutionProvider.Cuda });
    Console.WriteLine($"cuda: session created, {embedder.Embed("The weather is lovely today.").Length} dimensions");
}
catch (ExecutionProviderUnavailableException e)
{
    // The machine has no GPU or no CUDA libraries: a clear error, never a crash.
    Console.WriteLine($"cuda: {e.GetType().Name}: {e.Message}");
}
