using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace MLNet.Gelu.Benchmarks;

/// <summary>
/// Short but steady runs: in-process (no generated project to build), 2 warm-up and 6 measured iterations of
/// 150 ms each. Enough for ratios to ±5 % on a quiet machine; a kernel table with 90 cases takes about 4 minutes.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(6)
            .WithIterationTime(TimeInterval.FromMilliseconds(150))
            .WithId("Steady")
            .AsDefault())
        .AddColumn(new ThroughputColumn())
        .AddColumn(WorkRegistry.Columns())
        .WithOptions(ConfigOptions.JoinSummary);
}

/// <summary>Giga-elements per second, from the <c>Length</c> parameter and the mean time.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "Gelem/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Elements processed per nanosecond (10⁹ elements per second)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        object? length = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Length")?.Value;
        if (report?.ResultStatistics is not { } statistics || length is not int elements)
        {
            return "-";
        }

        return (elements / statistics.Mean).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
