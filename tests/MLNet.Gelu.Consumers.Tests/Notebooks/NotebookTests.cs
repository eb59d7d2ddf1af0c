using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Notebooks;

/// <summary>Every notebook in samples/notebooks runs headless, against freshly packed libraries, without a failing cell.</summary>
[Collection(nameof(Packages.LocalFeedCollection))]
public sealed class NotebookTests(LocalFeed feed) : IDisposable
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("mlnet-gelu-notebook-").FullName;

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Repository.PathOf("samples", "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_runs_without_errors(string notebook)
    {
        var failures = NotebookRunner.Run(Repository.PathOf("samples", "notebooks", notebook), feed, _workspace);

        Assert.True(failures.Count == 0, $"{notebook}:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public void There_is_a_notebook_to_run() => Assert.NotEmpty(Notebooks());

    public void Dispose() => Directory.Delete(_workspace, recursive: true);
}
