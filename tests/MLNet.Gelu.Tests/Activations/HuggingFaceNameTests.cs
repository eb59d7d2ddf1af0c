
namespace MLNet.Gelu.Tests.Activations;

public class HuggingFaceNameTests
{
    [Theory]
    [InlineData("gelu", Activation.Gelu)]
    [InlineData("gelu_python", Activation.Gelu)]
    [InlineData("gelu_new", Activation.GeluTanh)]
    [InlineData("gelu_fast", Activation.GeluTanh)]
    [InlineData("gelu_pytorch_tanh", Activation.GeluTanh)]
    [InlineData("gelu_accurate", Activation.GeluTanh)]
    [InlineData("quick_gelu", Activation.GeluSigmoid)]
    [InlineData("relu", Activation.Relu)]
    [InlineData("elu", Activation.Elu)]
    [InlineData("silu", Activation.Silu)]
    [InlineData("swish", Activation.Silu)]
    [InlineData(" GELU ", Activation.Gelu)]
    public void Maps_known_names(string name, Activation expected)
        => Assert.Equal(expected, MLNet.Gelu.Activations.FromHuggingFace(name));

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => MLNet.Gelu.Activations.FromHuggingFace("gelu_10"));
        Assert.Contains("gelu_10", ex.Message);
        Assert.Contains("gelu_pytorch_tanh", ex.Message);
        Assert.Contains("quick_gelu", ex.Message);
    }

    [Fact]
    public void Null_name_throws() => Assert.Throws<ArgumentNullException>(() => MLNet.Gelu.Activations.FromHuggingFace(null!));
}
