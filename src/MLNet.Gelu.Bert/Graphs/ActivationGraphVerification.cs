namespace MLNet.Gelu.Bert.Graphs;

/// <summary>What <see cref="ActivationGraphVerifier"/> checked on a rewritten model.</summary>
/// <param name="SitesChecked">The rewritten sites whose output is now written by the expected operator.</param>
/// <param name="SitesFoundAgain">The sites a fresh inspection of the new model finds (GELU and SiLU targets; 0 for ReLU and ELU).</param>
/// <param name="OpCounts">Node counts of the new graph by operator.</param>
/// <param name="SessionLoaded">True when an ONNX Runtime session was created from the new model.</param>
/// <param name="InputNames">The session's input names (empty when no session was requested).</param>
/// <param name="OutputNames">The session's output names (empty when no session was requested).</param>
public sealed record ActivationGraphVerification(
    int SitesChecked,
    int SitesFoundAgain,
    IReadOnlyDictionary<string, int> OpCounts,
    bool SessionLoaded,
    IReadOnlyList<string> InputNames,
    IReadOnlyList<string> OutputNames);
