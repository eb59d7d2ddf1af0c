namespace MLNet.Gelu.Consumers.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding MLNet.Gelu.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MLNet.Gelu.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"MLNet.Gelu.sln was not found in any folder above {AppContext.BaseDirectory}.");
    }
}
