using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MLNet.Gelu.Benchmarks.Hardware;

namespace MLNet.Gelu.Benchmarks;

/// <summary>Work done by one benchmark operation, for the throughput columns.</summary>
/// <param name="Tokens">Useful (non-padding) tokens, or 0 when the operation has none.</param>
/// <param name="Flops">Useful floating-point operations (a multiply-add counts 2).</param>
public readonly record struct Work(long Tokens, double Flops);

/// <summary>A benchmark parameter that knows the work of one operation.</summary>
public interface IHasWork
{
    Work Work { get; }
}

/// <summary>
/// Work per operation, registered by a class's <c>[GlobalSetup]</c> (for work that depends on loaded data) or found in
/// an <see cref="IHasWork"/> parameter. The columns run in-process after the benchmarks, so the registry is filled.
/// </summary>
internal static class WorkRegistry
{
    private static readonly ConcurrentDictionary<Type, Work> ByType = new();

    /// <summary>Threads the measured benchmarks use; the FMA peak is measured with as many.</summary>
    public const int Threads = 2;

    public static void Register(Type benchmarks, Work work) => ByType[benchmarks] = work;

    public static Work? Find(BenchmarkCase benchmarkCase)
    {
        foreach (var parameter in benchmarkCase.Parameters.Items)
        {
            if (parameter.Value is IHasWork hasWork)
            {
                return hasWork.Work;
            }
        }

        return ByType.TryGetValue(benchmarkCase.Descriptor.Type, out Work work) ? work : null;
    }

    public static IColumn[] Columns() =>
    [
        new WorkColumn("useful tok/s", "Useful (non-padding) tokens per second", w => w.Tokens > 0, (w, s) => FormattableString.Invariant($"{w.Tokens / s:N0}")),
        new WorkColumn("GFLOP/s", "Useful GFLOP per second (multiply-adds count 2)", w => w.Flops > 0, (w, s) => FormattableString.Invariant($"{w.Flops / s / 1e9:0.0}")),
        new WorkColumn("% FMA peak", $"Useful GFLOP/s as a share of the measured FP32 FMA peak on {Threads} threads", w => w.Flops > 0,
            (w, s) => FormattableString.Invariant($"{100 * w.Flops / s / PeakFlops.Value:0.0} %")),
    ];

    private static readonly Lazy<double> PeakFlops = new(() =>
    {
        FmaPeakResult peak = FmaPeak.Measure(Threads);
        Console.WriteLine(peak);
        return peak.FlopsPerSecond;
    });

    private sealed class WorkColumn(string name, string legend, Func<Work, bool> applies, Func<Work, double, string> format) : IColumn
    {
        public string Id => $"{nameof(WorkColumn)}.{name}";
        public string ColumnName => name;
        public bool AlwaysShow => false;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 1;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            if (Find(benchmarkCase) is not Work work || !applies(work) || summary[benchmarkCase]?.ResultStatistics is not { } statistics)
            {
                return "-";
            }

            return format(work, statistics.Mean / 1e9);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Find(c) is Work w && applies(w));
    }
}
