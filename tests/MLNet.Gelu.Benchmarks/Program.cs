using BenchmarkDotNet.Running;
using MLNet.Gelu.Benchmarks;
using MLNet.Gelu.Benchmarks.Activations;
using MLNet.Gelu.Benchmarks.Bert;
using MLNet.Gelu.Benchmarks.Training;

// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --verify             peers agree with the library?
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --quick              single-thread kernel table only
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --bert-stats         token lengths, padding, FMA peak, useful GFLOP/s
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --time-to-accuracy   MNIST: MLP vs SDCA vs L-BFGS to their best accuracy
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --scorebert          ScoreBert (defaults) vs the raw loop, interleaved rounds (--rounds N), runs and padding
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --serving            1, 8, 64, 256 callers: BertEmbeddingGenerator vs Embed per call vs the HTTP service vs pooled
//                                                                                      PredictionEngines over one ScoreBert model vs offline
//                                                                                      (--callers 1,64 --texts 200 --repetitions 1 --modes cf for a short run;
//                                                                                       --plot docs/serving-latency.png writes the latency-vs-load plot)
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --interleaved gelu   exact GELU vs ORT (64K, 4M), alternating rounds, best of each
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --interleaved gemm   the MNIST step's eight products vs ORT, likewise (--rounds N)
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --interleaved encoder-gemm   the nine products of a MiniLM layer's training step vs ORT, likewise
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --encoder-step [--epoch]   MiniLM training step vs ORT inference forward, GFLOP/s, % FMA peak
//                                                                                      (--batch 32 --length 64 --repetitions 5); --epoch: one fine-tuning epoch on UCI
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --finetune-uci [--from-scratch] [--seeds 1,2,3]   BertClassifier on the experiments' UCI split
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --classifier-batches [--train 300 --test 450 --rounds 3]   BertClassifier Transform + Evaluate,
//                                                                                      row by row vs batched, alternating rounds
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --cluster            Orleans: 1 silo vs in-process, 2 silos vs 1 (silo processes, Redis membership;
//                                                                                      --texts N --rounds R)
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --tiny --filter '*Bert*'   a smoke run: 32 sentences, 512 MNIST rows
// dotnet run -c Release --project tests/MLNet.Gelu.Benchmarks -- --filter '*'         everything
// Any other BenchmarkDotNet argument works (--filter, --list flat, ...); see docs/benchmarks.md.
if (args.Contains("--verify"))
{
    return PeerAgreement.Run();
}

if (args.Contains("--bert-stats"))
{
    return BertStats.Run();
}

if (args.Contains("--scorebert"))
{
    return ScoreBertRounds.Run(args);
}

if (args.Contains("--serving"))
{
    return ServingBench.Run(args);
}

if (args.Contains("--interleaved"))
{
    return Interleaved.Run(args);
}

if (args.Contains("--encoder-step"))
{
    return EncoderStepBench.Run(args);
}

if (args.Contains("--finetune-uci"))
{
    return FineTuneUciBench.Run(args);
}

if (args.Contains("--classifier-batches"))
{
    return ClassifierBatchesBench.Run(args);
}

if (args.Contains("--cluster"))
{
    return ClusterBench.Run(args);
}

if (args.Contains("--time-to-accuracy"))
{
    return TimeToAccuracy.Run();
}

string[] arguments = args;
if (arguments.Contains("--tiny"))
{
    // Smoke run: 32 sentences and 512 MNIST rows instead of 3,000 and 8,000 (explicit row variables still win).
    SetIfUnset(BertCorpus.RowsVariable, "32");
    SetIfUnset(EpochBenchmarks.RowsVariable, "512");
    arguments = [.. arguments.Where(a => a != "--tiny")];
}

if (arguments.Contains("--quick"))
{
    arguments = [.. arguments.Where(a => a != "--quick"), "--filter", "*.KernelBenchmarks.*"];
}

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly).Run(arguments, BenchmarkConfig.Create());
return 0;

static void SetIfUnset(string variable, string value)
{
    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
    {
        Environment.SetEnvironmentVariable(variable, value);
    }
}
