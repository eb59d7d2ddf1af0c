namespace MLNet.Gelu.Persistence;

/// <summary>
/// The mapping of a <c>CustomMapping</c> stand-in that cannot compute (its state lives in the zip's manifest folder).
/// ML.NET records the assembly declaring a custom mapping and searches it for the contract's factory on plain
/// <c>Model.Load</c>; declaring the mapping here, where no factory exists, makes plain loading fail with the contract
/// name (which says to use <c>LoadWithActivations</c>), while the library's loader registers the component's own
/// assembly, which holds the factory.
/// </summary>
internal static class UnloadableMapping
{
    /// <summary>Throws, naming the contract (and so the loader).</summary>
    internal static void Throw<TSource, TDestination>(TSource source, TDestination destination) =>
        throw new InvalidOperationException(
            "This is the saved stand-in of a transformer whose state is stored beside it: " +
            $"{typeof(TDestination).DeclaringType?.Name ?? typeof(TDestination).Name}. Load the model with mlContext.Model.LoadWithActivations.");
}
