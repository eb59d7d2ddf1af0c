using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>A constructor that throws after the ONNX Runtime session was opened releases the session.</summary>
public class ConstructionFailureTests
{
    /// <summary>
    /// The session opens, then measuring the hidden size (the output's last dimension is symbolic) fails inside ONNX
    /// Runtime: through the session itself, the embedder and <c>ScoreBert(...).Fit</c>.
    /// </summary>
    [Theory]
    [InlineData("session")]
    [InlineData("embedder")]
    [InlineData("transformer")]
    public void A_failed_dimension_measurement_releases_the_opened_session_once(string entryPoint)
    {
        var name = $"unmeasurable-{Guid.NewGuid():N}";
        var model = BertModel.FromStreams(new MemoryStream(TinyOnnx.UnmeasurableEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: name);
        Assert.Null(model.HiddenSize);
        var released = new List<BertSession>();
        void OnReleased(BertSession session)
        {
            if (session.Model.Name == model.Name)
            {
                lock (released)
                {
                    released.Add(session);
                }
            }
        }

        BertSession.Released += OnReleased;
        try
        {
            var e = Assert.Throws<OnnxRuntimeException>(() =>
            {
                switch (entryPoint)
                {
                    case "session":
                        new BertSession(model).Dispose();
                        break;
                    case "embedder":
                        new BertEmbedder(model).Dispose();
                        break;
                    default:
                        Scoring.Ml.Transforms.ScoreBert("Embedding", "Text", new BertScoringOptions { Model = model }).Fit(Scoring.Texts("a")).Dispose();
                        break;
                }
            });
            Assert.Contains("Reshape", e.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            BertSession.Released -= OnReleased;
        }

        var session = Assert.Single(released);
        Assert.True(session.IsDisposed);
        Assert.Equal(1, session.ReleaseCount);
        Assert.Equal(0, session.ActiveRuns);
    }
}
