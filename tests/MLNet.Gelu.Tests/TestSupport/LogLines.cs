using Microsoft.ML;

namespace MLNet.Gelu.Tests.TestSupport;

/// <summary>Collects the messages an <see cref="MLContext"/> logs (its event may be raised from several threads).</summary>
internal static class LogLines
{
    /// <summary>Starts collecting; read the list once training is done.</summary>
    public static List<string> Of(MLContext ml)
    {
        var lines = new List<string>();
        ml.Log += (_, e) =>
        {
            lock (lines)
            {
                lines.Add(e.Message);
            }
        };
        return lines;
    }
}
