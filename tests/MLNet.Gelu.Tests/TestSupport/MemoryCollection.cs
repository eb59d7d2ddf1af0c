namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>Tests that sample the live managed heap run alone, after the parallel ones: other tests' objects would count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory";
}
