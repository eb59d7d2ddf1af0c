// args: the all-MiniLM-L6-v2 ONNX file and vocabulary, for the second step.
using MLNet.Gelu.Bert;

try
{
    BertModel.AllMiniLmL6V2();
    Console.WriteLine("model: loaded");
}
catch (BertModelException e)
{
    Console.WriteLine($"model: {e.GetType().Name} {e.Problem}: {e.Message}");
}

var model = BertModel.FromFiles(args[0], args[1], BertModel.AllMiniLmL6V2Settings);
try
{
    using var embedder = new BertEmbedder(model);
    Console.WriteLine("session: created");
}
catch (OnnxRuntimeNotFoundException e)
{
    Console.WriteLine($"session: {e.GetType().Name}: {e.Message}");
}
