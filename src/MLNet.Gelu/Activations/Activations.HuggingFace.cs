namespace MLNet.Gelu;

public static partial class Activations
{
    private static readonly (string Name, Activation Activation)[] HuggingFaceNames =
    [
        ("gelu", Activation.Gelu),
        ("gelu_python", Activation.Gelu),
        ("gelu_new", Activation.GeluTanh),
        ("gelu_fast", Activation.GeluTanh),
        ("gelu_pytorch_tanh", Activation.GeluTanh),
        ("gelu_accurate", Activation.GeluTanh),
        ("quick_gelu", Activation.GeluSigmoid),
        ("relu", Activation.Relu),
        ("elu", Activation.Elu),
        ("silu", Activation.Silu),
        ("swish", Activation.Silu),
    ];

    /// <summary>
    /// Maps a Hugging Face <c>hidden_act</c> name (as found in a model's <c>config.json</c>) to an <see cref="Activation"/>.
    /// </summary>
    /// <param name="hiddenAct">The name, for example <c>"gelu"</c>, <c>"gelu_new"</c> or <c>"quick_gelu"</c>; case-insensitive, surrounding spaces ignored.</param>
    /// <returns>
    /// <see cref="Activation.Gelu"/> for <c>gelu</c>, <c>gelu_python</c>; <see cref="Activation.GeluTanh"/> for <c>gelu_new</c>,
    /// <c>gelu_fast</c>, <c>gelu_pytorch_tanh</c>, <c>gelu_accurate</c>; <see cref="Activation.GeluSigmoid"/> for <c>quick_gelu</c>;
    /// <see cref="Activation.Relu"/>, <see cref="Activation.Elu"/>; <see cref="Activation.Silu"/> for <c>silu</c>, <c>swish</c>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="hiddenAct"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is not one of the names above; the message lists them.</exception>
    public static Activation FromHuggingFace(string hiddenAct)
    {
        ArgumentNullException.ThrowIfNull(hiddenAct);
        string key = hiddenAct.Trim();
        foreach (var (name, activation) in HuggingFaceNames)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return activation;
            }
        }

        throw new ArgumentException(
            $"Unknown Hugging Face activation '{hiddenAct}'. Known names: {string.Join(", ", HuggingFaceNames.Select(n => n.Name))}.",
            nameof(hiddenAct));
    }
}
