using BenchmarkDotNet.Running;
using MLNet.Gelu.Benchmarks;
using MLNet.Gelu.Benchmarks.Activations;

// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --verify         peers agree with the library?
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --quick          single-thread kernel table only
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --filter '*'     everything
// Any other BenchmarkDotNet argument works (--filter, --list flat, ...); see docs/benchmarks.md.
if (args.Contains("--verify"))
{
    return PeerAgreement.Run();
}

string[] arguments = args.Contains("--quick")
    ? [.. args.Where(a => a != "--quick"), "--filter", "*.KernelBenchmarks.*"]
    : args;
BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(arguments, BenchmarkConfig.Create());
return 0;
