namespace MLNet.Gelu.Bert.Graphs.Detection;

/// <summary>Finds the activations written in one source form and records them (or why a candidate did not match).</summary>
internal interface IActivationDetector
{
    void Detect(DetectionContext context);
}
