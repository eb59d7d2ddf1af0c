using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Notebooks;

/// <summary>The notebook runner rewrites the package lines and finds failing cells (so a notebook test cannot pass vacuously).</summary>
public sealed class NotebookRunnerTests
{
    [Fact]
    public void Points_the_notebook_at_the_test_feed_and_version()
    {
        using var feed = new LocalFeed();
        string original = File.ReadAllText(Repository.PathOf("samples", "notebooks", "activations.ipynb"));

        string rewritten = NotebookRunner.PointAtFeed(original, feed);

        Assert.Contains($"#i \\\"nuget: {feed.Folder}\\\"", rewritten);
        Assert.Contains($"#r \\\"nuget: MLNet.Gelu, {feed.Version}\\\"", rewritten);
        Assert.Contains("#r \\\"nuget: ScottPlot, 5.1.59\\\"", rewritten);
        Assert.Equal(["MLNet.Gelu"], LocalFeed.RepositoryPackagesIn(original));
    }

    [Fact]
    public void Reports_each_error_output_with_its_cell()
    {
        const string output = """
            {"cells": [
              {"cell_type": "code", "source": ["1 + 1"], "outputs": [{"output_type": "execute_result", "data": {"text/plain": ["2"]}}]},
              {"cell_type": "markdown", "source": ["text"]},
              {"cell_type": "code", "source": ["throw new InvalidOperationException(\"broken\");"],
               "outputs": [{"output_type": "error", "ename": "Error", "evalue": "System.InvalidOperationException: broken", "traceback": []}]}
            ]}
            """;

        var failures = NotebookRunner.ErrorsIn(output);

        string failure = Assert.Single(failures);
        Assert.StartsWith("cell 2: Error: System.InvalidOperationException: broken", failure);
        Assert.Contains("throw new InvalidOperationException", failure);
    }

    [Fact]
    public void A_clean_notebook_has_no_failures()
        => Assert.Empty(NotebookRunner.ErrorsIn("""{"cells": [{"cell_type": "code", "source": ["1"], "outputs": []}]}"""));
}
