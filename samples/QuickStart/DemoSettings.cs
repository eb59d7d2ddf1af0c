namespace QuickStart;

/// <summary>How much work the demo does (the test runs a smaller version).</summary>
public sealed record DemoSettings
{
    /// <summary>Sentences scored per activation for the speed and drift comparison.</summary>
    public int SpeedSentences { get; init; } = 400;

    /// <summary>ONNX Runtime threads; 0 lets it use every core.</summary>
    public int Threads { get; init; }
}
