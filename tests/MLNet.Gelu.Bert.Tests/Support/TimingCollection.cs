namespace MLNet.Gelu.Bert.Tests.Support;

/// <summary>Heavy tests that print timings run alone, after the parallel ones, so they do not share the cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
