using CsCheck;
using MLNet.Gelu.Bert.Tests.Support;

namespace MLNet.Gelu.Bert.Tests.Reliability.Properties;

/// <summary>
/// The ONNX reader on hostile bytes: random bytes, every kind of truncation of real models (the toy encoder, MiniLM) and
/// byte-level corruption end in <see cref="BertModelException"/> naming the problem — never an
/// <see cref="IndexOutOfRangeException"/>, an overflow or a hang — and a corruption that still parses yields a model whose
/// signature is the one the reader checks.
/// </summary>
public class OnnxReaderProperties
{
    private static readonly byte[] ToyOnnx = TinyOnnx.ToyEncoder();

    private static readonly BertModelProblem[] BadBytes = [BertModelProblem.ModelEmpty, BertModelProblem.ModelTruncated, BertModelProblem.ModelNotOnnx];

    /// <summary>What bytes that parse can still get wrong: the inputs and outputs a BERT needs, and weights said to live in
    /// external files (which a model read from a stream cannot have).</summary>
    private static readonly BertModelProblem[] BadSignature =
    [
        BertModelProblem.ModelInputMissing, BertModelProblem.ModelInputUnsupported, BertModelProblem.ModelOutputMissing,
        BertModelProblem.ModelExternalDataUnavailable, BertModelProblem.ModelExternalDataOutsideFolder,
    ];

    [Fact]
    public void Random_bytes_are_not_a_model()
    {
        Gen.Byte.Array[0, 4096].Sample(bytes =>
        {
            var e = Assert.Throws<BertModelException>(() => Load(bytes));
            Assert.Contains(e.Problem, BadBytes.Concat(BadSignature));
        }, iter: 2000);
    }

    [Fact]
    public void Every_prefix_of_the_toy_encoder_is_refused_as_truncated_or_not_onnx()
    {
        // All of them, not a sample: the toy is small.
        for (var length = 0; length < ToyOnnx.Length; length++)
        {
            var e = Record.Exception(() => Load(ToyOnnx.AsSpan(0, length).ToArray())) as BertModelException;
            Assert.True(e is not null, $"prefix of {length} of {ToyOnnx.Length} bytes loaded");
            Assert.True(BadBytes.Concat(BadSignature).Contains(e.Problem),
                $"prefix of {length} bytes: {e.Problem}: {e.Message}");
        }
    }

    [Fact]
    public void Truncated_MiniLm_is_refused_as_truncated()
    {
        var onnx = MiniLm.Model.OnnxBytes;
        Gen.Int[1, onnx.Length - 1].Sample(length =>
        {
            var e = Assert.Throws<BertModelException>(() => BertModel.FromStreams(new MemoryStream(onnx, 0, length), Vocabulary(), name: "cut"));
            Assert.Equal(BertModelProblem.ModelTruncated, e.Problem);
            Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        }, iter: 24, threads: 2);
    }

    [Fact]
    public void Corrupted_bytes_load_as_a_checked_model_or_fail_with_a_model_exception()
    {
        var mutation = Gen.Select(Gen.Int[0, ToyOnnx.Length - 1], Gen.Byte).Array[1, 8];
        mutation.Sample(changes =>
        {
            var bytes = (byte[])ToyOnnx.Clone();
            foreach (var (at, value) in changes)
            {
                bytes[at] = value;
            }

            BertModel model;
            try
            {
                model = Load(bytes);
            }
            catch (BertModelException e)
            {
                Assert.Contains(e.Problem, BadBytes.Concat(BadSignature));
                Assert.Contains("fuzz", e.Message, StringComparison.Ordinal);
                return;
            }

            // It parsed: what the reader requires holds for what it read (an int64 input named like token ids, a float output).
            Assert.True(model.Signature.HasOpsetImport);
            Assert.Contains(model.Signature.Inputs, i => i.Name.Contains("ids", StringComparison.OrdinalIgnoreCase) && i.ElementType == 7);
            Assert.Contains(model.Signature.Outputs, o => o.ElementType == 1);
        }, iter: 3000);
    }

    private static BertModel Load(byte[] onnx) => BertModel.FromStreams(new MemoryStream(onnx), Vocabulary(), name: "fuzz");

    private static MemoryStream Vocabulary() => new(System.Text.Encoding.UTF8.GetBytes(TinyOnnx.ToyVocabulary));
}
