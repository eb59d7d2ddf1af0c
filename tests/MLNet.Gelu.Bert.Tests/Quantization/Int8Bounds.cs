namespace MLNet.Gelu.Bert.Tests.Quantization;

/// <summary>
/// How close <see cref="BertPrecision.Int8"/> embeddings come to float32 ones, measured by
/// <c>dotnet run -c Release --project samples/ActivationExperiments -- --full --only int8</c> on all 3,000 UCI sentences
/// (docs/experiments.md): MiniLM mean cosine 0.998, lowest 0.988; ArcticXs (CLS pooling) mean 0.9998, lowest 0.9993. The
/// bounds below sit under those with room for the sentence subsets the tests embed, and above the project's targets
/// (mean ≥ 0.995, lowest ≥ 0.97).
/// </summary>
internal static class Int8Bounds
{
    public const double MiniLmMeanCosine = 0.996;

    public const double MiniLmMinCosine = 0.98;

    public const double ArcticXsMeanCosine = 0.999;

    public const double ArcticXsMinCosine = 0.998;
}
