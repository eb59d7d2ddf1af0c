using MLNet.Gelu.Encoder;

namespace MLNet.Gelu.Bert.Training;

/// <summary>
/// What a BERT classifier's training starts from: the encoder's first weights, the tokenizer, the tokenized training rows
/// (their ids already embedding rows) and, for an encoder trained from scratch, the word piece of each embedding row.
/// </summary>
/// <param name="Weights">The encoder and its classifier head, ready to train.</param>
/// <param name="Tokenizer">The tokenizer of the texts (the model's WordPiece vocabulary, at most the encoder's positions).</param>
/// <param name="Examples">The training rows.</param>
/// <param name="Rows">From scratch: the embedding row of every word piece; null when the rows are the WordPiece ids.</param>
/// <param name="Description">What is trained, for the log.</param>
internal sealed record BertClassifierStart(
    EncoderWeights Weights, BertTextTokenizer Tokenizer, List<EncoderExample> Examples, WordPieceRows? Rows, string Description)
{
    /// <summary>The pretrained encoder of <paramref name="model"/> with a new head drawn from N(0, 0.02²).</summary>
    /// <param name="model">The pretrained model: its ONNX weights (fine-tuning) or only its vocabulary and lower-casing (from scratch).</param>
    /// <param name="options">The classifier's options (token limit, dropout, activation).</param>
    /// <param name="classes">Logits of the head.</param>
    /// <param name="pooling">How the head reads the token vectors.</param>
    /// <param name="random">Draws the initial weights.</param>
    /// <param name="read">Reads and tokenizes the training rows with the tokenizer it is given.</param>
    public static BertClassifierStart Pretrained(
        BertModel model, BertClassifierOptions options, int classes, EncoderPooling pooling, ref RandomSource random,
        Func<BertTextTokenizer, List<EncoderExample>> read)
    {
        var weights = OnnxEncoderReader.Read(model.OnnxBytes, classes, pooling, options.Dropout, options.Dropout, options.Activation);
        var tokenizer = new BertTextTokenizer(model.Vocabulary, model.Settings.LowerCase, Math.Min(options.MaxTokens, weights.Configuration.MaxPositions));
        var examples = read(tokenizer);
        var head = weights.Classifier.Values;
        for (int i = 0; i < head.Length; i++)
        {
            head[i] = (float)(random.NextGaussian() * EncoderWeights.InitializerRange);
        }

        return new BertClassifierStart(weights, tokenizer, examples, null, model.Name);
    }

    /// <summary>A new encoder of <paramref name="shape"/>, initialized as BERT is, over <paramref name="model"/>'s word pieces:
    /// only those in the training rows get an embedding row.</summary>
    /// <param name="model">The pretrained model: its ONNX weights (fine-tuning) or only its vocabulary and lower-casing (from scratch).</param>
    /// <param name="shape">The encoder's size.</param>
    /// <param name="options">The classifier's options (token limit, dropout, activation).</param>
    /// <param name="classes">Logits of the head.</param>
    /// <param name="pooling">How the head reads the token vectors.</param>
    /// <param name="random">Draws the initial weights.</param>
    /// <param name="read">Reads and tokenizes the training rows with the tokenizer it is given.</param>
    public static BertClassifierStart FromScratch(
        BertModel model, BertEncoderShape shape, BertClassifierOptions options, int classes, EncoderPooling pooling, ref RandomSource random,
        Func<BertTextTokenizer, List<EncoderExample>> read)
    {
        var tokenizer = new BertTextTokenizer(model.Vocabulary, model.Settings.LowerCase, options.MaxTokens);
        var examples = read(tokenizer);
        var rows = WordPieceRows.Collect(examples.Select(e => e.TokenIds), model.Vocabulary);
        foreach (var example in examples)
        {
            rows.MapInPlace(example.TokenIds);
        }

        var weights = new EncoderWeights(shape.Configuration(rows.Count, options.MaxTokens, classes, pooling, options.Activation ?? Activation.Gelu, options.Dropout));
        weights.Initialize(ref random);
        return new BertClassifierStart(weights, tokenizer, examples, rows, $"a new encoder from scratch over {model.Name}'s word pieces ({rows.Count} of {rows.VocabularySize} seen)");
    }

    /// <summary>The token id that fills padding: <c>[PAD]</c>'s embedding row.</summary>
    public int PadRow => WordPieceRows.PadRow(Rows, Tokenizer.Vocabulary);
}
