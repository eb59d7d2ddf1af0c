namespace MLNet.Gelu.Bert.Graphs.Emission;

/// <summary>Writes one activation in one target form.</summary>
internal interface IActivationEmitter
{
    /// <summary>The form written.</summary>
    ActivationForm Form { get; }

    /// <summary>The operators (<c>OpType</c>, or <c>domain.OpType</c>) that may write the activation's output.</summary>
    IReadOnlyList<string> OutputOps { get; }

    /// <summary>True when the form takes a bias input; otherwise the caller adds the bias first.</summary>
    bool TakesBias { get; }

    /// <summary>Writes nodes computing <paramref name="output"/> from <paramref name="input"/> (and <paramref name="bias"/> when <see cref="TakesBias"/>).</summary>
    void Emit(EmitContext context, string input, string? bias, string output);
}
