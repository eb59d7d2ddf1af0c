namespace ActivationsSample;

/// <summary>Reads <c>--output</c>; without it, finds docs/activations.png by walking up to MLNet.Gelu.sln.</summary>
internal static class SampleArguments
{
    private const string FileName = "activations.png";

    public static string OutputPath(string[] args)
    {
        int index = Array.IndexOf(args, "--output");
        if (index >= 0)
        {
            if (index + 1 >= args.Length)
            {
                throw new ArgumentException("--output needs a value: a .png file or a folder to write activations.png into.");
            }

            string path = Path.GetFullPath(args[index + 1]);
            return path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? path : Path.Combine(path, FileName);
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MLNet.Gelu.sln")))
            {
                return Path.Combine(directory.FullName, "docs", FileName);
            }
        }

        throw new InvalidOperationException(
            $"MLNet.Gelu.sln was not found above {AppContext.BaseDirectory}; pass --output <file.png or folder> to say where the plot goes.");
    }
}
