using MLNet.Gelu.Consumers.Tests.Infrastructure;

namespace MLNet.Gelu.Consumers.Tests.Packages;

/// <summary>
/// An app in another folder that references the library's projects, as a user who vendors the source would: none of the
/// repository's Directory.*.props reach it, so what it resolves is what the projects declare.
/// </summary>
public sealed class ProjectReferenceConsumerTests
{
    [Fact]
    public void Bert_scoring_mlp_training_and_saving_work_from_a_project_reference_outside_the_repository()
    {
        using var app = ConsumerApp.Create("ProjectReference", feed: null);
        var build = app.Build();
        Assert.True(build.ExitCode == 0, build.Describe());
        // A conflict between the version a library compiled against and the one the app resolves (MSB3277) is a crash later.
        Assert.DoesNotContain("MSB3277", build.Output);
        Assert.DoesNotContain("NU1603", build.Output);

        var run = app.Run();

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Matches(@"bert: 3 x 384, cos\(0,1\) = 0\.66", run.Output);
        Assert.Matches(@"mlp: accuracy 0\.9\d\d", run.Output);
        Assert.Matches(@"saved and loaded: accuracy 0\.9\d\d", run.Output);
    }
}
