using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNet.Gelu.Bert.Tests.Support;
using MLNet.Gelu.Bert.Tests.Transforms;

namespace MLNet.Gelu.Bert.Tests.Reliability;

/// <summary>A constructor that throws after the ONNX Runtime session was opened releases the session.</summary>
public class ConstructionFailureTests
{
    /// <summary>
    /// The session opens, then measuring the hidden size (the output's last dimension is symbolic) fails inside ONNX
    /// Runtime: through the session itself, the embedder and <c>ScoreBert(...).Fit</c>. The failure is a
    /// <see cref="BertModelException"/> naming the model, with ONNX Runtime's error as the inner exception.
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
            var e = Assert.Throws<BertModelException>(() =>
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
            // Our exception, naming the model, with ONNX Runtime's error inside.
            Assert.Equal(BertModelProblem.ModelRejectedByRuntime, e.Problem);
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
            Assert.Contains("measures the size of its output 'last_hidden_state'", e.Message, StringComparison.Ordinal);
            Assert.Contains("Reshape", Assert.IsType<OnnxRuntimeException>(e.InnerException).Message, StringComparison.OrdinalIgnoreCase);
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

    /// <summary>
    /// Loading a model with two BERT transformers whose second one cannot be restored (its <c>model.onnx</c> entry was
    /// removed) releases the session of the first, which was already restored.
    /// </summary>
    [Fact]
    public void A_failed_restore_releases_the_sessions_of_the_components_restored_before_it()
    {
        var tag = Guid.NewGuid().ToString("N");
        var options = new BertScoringOptions
        {
            Model = BertModel.FromStreams(new MemoryStream(TinyOnnx.ToyEncoder()), new MemoryStream(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary)), name: tag),
            IntraOpThreads = 1,
        };
        var ml = Scoring.Ml;
        var data = Scoring.Texts("a b", "c");
        using var stream = new MemoryStream();
        using (var chain = ml.Transforms.ScoreBert("First", "Text", options).Append(ml.Transforms.ScoreBert("Second", "Text", options)).Fit(data))
        {
            ml.Model.SaveWithActivations(chain, data.Schema, stream);
        }

        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var models = zip.Entries.Where(e => e.FullName.StartsWith("MLNet.Gelu/BertScoring/", StringComparison.Ordinal) && e.Name == "model.onnx")
                .OrderBy(e => e.FullName, StringComparer.Ordinal).ToArray();
            Assert.Equal(2, models.Length);
            models[1].Delete();
        }

        var released = new List<BertSession>();
        void OnReleased(BertSession session)
        {
            if (session.Model.Name.Contains(tag, StringComparison.Ordinal))
            {
                lock (released)
                {
                    released.Add(session);
                }
            }
        }

        stream.Position = 0;
        BertSession.Released += OnReleased;
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithActivations(stream, out _));
            Assert.Contains("model.onnx", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            BertSession.Released -= OnReleased;
        }

        var first = Assert.Single(released);
        Assert.Equal(1, first.ReleaseCount);
    }
}
