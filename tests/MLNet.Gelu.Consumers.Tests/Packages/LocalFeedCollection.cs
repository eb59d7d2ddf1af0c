using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Packages;

/// <summary>One packed feed for every test that consumes the packages (they pack 4 packages, one of 91 MB, once).</summary>
[CollectionDefinition(nameof(LocalFeedCollection))]
public sealed class LocalFeedCollection : ICollectionFixture<LocalFeed>;
