namespace MLNet.Gelu.Bert;

/// <summary>
/// The requested execution provider is in the ONNX Runtime native library and its libraries load, but ONNX Runtime
/// failed with it: an option it rejects (a misspelt name or a bad value), a device that is absent or out of memory, a
/// model the provider cannot place. <c>FallbackToCpu</c> does not apply (it covers only a provider that is missing, see
/// <see cref="ExecutionProviderUnavailableException"/>): a run on the CPU would hide a configuration error. The message
/// names the provider, the options passed and the model; <see cref="Exception.InnerException"/> is ONNX Runtime's error.
/// </summary>
public sealed class ExecutionProviderFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that was asked for.</param>
    /// <param name="providerOptions">The provider options passed to ONNX Runtime, by their native names.</param>
    /// <param name="detail">What was being done, such as "while its options were set" or "while the session for model X was created".</param>
    /// <param name="inner">The ONNX Runtime error.</param>
    public ExecutionProviderFailedException(BertExecutionProvider provider, IReadOnlyDictionary<string, string> providerOptions, string detail, Exception inner)
        : base(Describe(provider, providerOptions, detail, inner), inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Provider = provider;
        ProviderOptions = new Dictionary<string, string>(providerOptions);
    }

    /// <summary>The provider that was asked for.</summary>
    public BertExecutionProvider Provider { get; }

    /// <summary>The provider options passed to ONNX Runtime (<c>device_id</c> included for GPU providers).</summary>
    public IReadOnlyDictionary<string, string> ProviderOptions { get; }

    private static string Describe(BertExecutionProvider provider, IReadOnlyDictionary<string, string> providerOptions, string detail, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(providerOptions);
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(inner);
        var message = inner.Message.Trim();
        var options = providerOptions.Count == 0
            ? "no provider options"
            : "provider options " + string.Join(", ", providerOptions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var named = providerOptions.Keys.Where(k => message.Contains(k, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        var blame = named.Length == 0 ? "" : $" ONNX Runtime's message names the option {string.Join(", ", named.Select(k => $"'{k}'"))}.";
        return $"The {provider} execution provider is in this ONNX Runtime but failed {detail}, with {options}: {inner.GetType().Name}: {message}.{blame} " +
            "FallbackToCpu does not apply: it covers only a provider missing from the native library (or whose libraries cannot be loaded). " +
            "Fix the option or the device, or choose BertExecutionProvider.Cpu.";
    }
}
