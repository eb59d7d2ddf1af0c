using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Gelu.Bert.Training;
using static MLNet.Gelu.Bert.Tests.Training.ClassifierRows;

namespace MLNet.Gelu.Bert.Tests.Training;

/// <summary>
/// The BERT classifier's batched <c>Transform</c> (length-sorted windows run through the encoder together) against its
/// row-by-row path: the same scores bit for bit and labels in input order, for short, long, empty and paired texts, any
/// subset of active columns, concurrent and abandoned cursors, cancellation, and <c>Evaluate</c>.
/// </summary>
public class BertClassifierBatchingTests
{
    private static readonly BertEncoderShape Tiny = new() { Layers = 2, HiddenSize = 32, Heads = 2, FeedForwardSize = 64 };

    // The defaults (one window whose buffers grow past their first 64 rows); small windows and budgets: many windows, batches
    // of several lengths, and rows longer than the budget that run alone.
    private static readonly (BertBatchingOptions Batching, int Rows, int Tokens)[] Settings =
    [
        (new BertBatchingOptions { TokenBudget = 512, RunCostTokens = BertBatchingOptions.DefaultRunCostTokens }, BertBatchingOptions.DefaultWindowRows, BertBatchingOptions.DefaultWindowTokens),
        (new BertBatchingOptions { TokenBudget = 20, RunCostTokens = 4 }, 7, 60),
        (new BertBatchingOptions { TokenBudget = 64, MaxBatchSize = 3 }, 1, 1),
    ];

    [Fact]
    public void Multiclass_batched_scores_equal_row_by_row_bit_for_bit_in_input_order_with_pass_through_columns_and_row_ids()
    {
        var (_, classifier, data) = TopicClassifier();
        var expected = Rows(classifier.TransformRowByRow(data), "Score", "PredictedLabel");
        Assert.Equal(Texts().Length, expected.Count);
        foreach (var (batching, rows, tokens) in Settings)
        {
            var actual = Rows(classifier.WithBatching(batching, rows, tokens).Transform(data), "Score", "PredictedLabel");
            Assert.Equal(expected, actual);
        }

        using (var cursor = classifier.Transform(data).GetRowCursor(classifier.Transform(data).Schema))
        {
            Assert.IsType<BertClassifierCursor>(cursor);
        }

        // The long texts were truncated and the empty ones scored: every row has a distribution.
        Assert.All(expected, row => Assert.Equal(1, ((float[])row[^2]).Sum(), 1e-4));
    }

    [Fact]
    public void Pair_classifier_batched_scores_probabilities_and_labels_equal_row_by_row()
    {
        var ml = new MLContext(seed: 4);
        var texts = Texts();
        var pairs = texts.Select((t, i) => new Pair { First = t, Second = texts[(i * 7 + 3) % texts.Length], Label = i % 3 == 0, Index = i }).ToArray();
        var data = ml.Data.LoadFromEnumerable(pairs);
        var model = ml.BinaryClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            TextColumnName = "First", SecondTextColumnName = "Second", FromScratch = Tiny, MaxTokens = 24, Epochs = 1, BatchSize = 8, Seed = 5, Threads = 2,
        }).Fit(data);
        var expected = Rows(model.TransformRowByRow(data), "Score", "Probability", "PredictedLabel");
        foreach (var (batching, rows, tokens) in Settings)
        {
            Assert.Equal(expected, Rows(model.WithBatching(batching, rows, tokens).Transform(data), "Score", "Probability", "PredictedLabel"));
        }

        var batched = ml.BinaryClassification.Evaluate(model.Transform(data));
        var single = ml.BinaryClassification.Evaluate(model.TransformRowByRow(data));
        Assert.Equal(single.Accuracy, batched.Accuracy);
        Assert.Equal(single.AreaUnderRocCurve, batched.AreaUnderRocCurve);
        Assert.Equal(single.LogLoss, batched.LogLoss);
    }

    [Fact]
    public void A_cursor_with_only_some_columns_active_serves_those_and_refuses_the_others()
    {
        var (_, classifier, data) = TopicClassifier();
        var batched = classifier.WithBatching(Settings[1].Batching, Settings[1].Rows, Settings[1].Tokens).Transform(data);
        var expected = Rows(classifier.TransformRowByRow(data), "Score", "PredictedLabel");
        var label = batched.Schema["PredictedLabel"];
        using (var cursor = batched.GetRowCursor([label]))
        {
            Assert.False(cursor.IsColumnActive(batched.Schema["Score"]));
            Assert.False(cursor.IsColumnActive(batched.Schema["Label"]));
            var get = cursor.GetGetter<uint>(label);
            Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(batched.Schema["Score"]));
            Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<uint>(batched.Schema["Label"]));
            for (int i = 0; cursor.MoveNext(); i++)
            {
                uint value = 0;
                get(ref value);
                Assert.Equal(expected[i][^1], value);
                Assert.Equal(i, cursor.Position);
            }
        }

        // Pass-through columns alone: nothing is scored, the text still comes through in order.
        using var texts = batched.GetRowCursor([batched.Schema["Text"]]);
        var text = texts.GetGetter<ReadOnlyMemory<char>>(batched.Schema["Text"]);
        var all = Texts();
        for (int i = 0; texts.MoveNext(); i++)
        {
            ReadOnlyMemory<char> value = default;
            text(ref value);
            Assert.Equal(all[i], value.ToString());
        }
    }

    [Fact]
    public void Two_cursors_at_once_and_cursors_disposed_part_way_give_the_same_scores()
    {
        var (_, classifier, data) = TopicClassifier();
        var batched = classifier.WithBatching(Settings[1].Batching, Settings[1].Rows, Settings[1].Tokens).Transform(data);
        var expected = Rows(classifier.TransformRowByRow(data), "Score", "PredictedLabel");
        var score = batched.Schema["Score"];
        using (var a = batched.GetRowCursor(batched.Schema))
        using (var b = batched.GetRowCursor(batched.Schema))
        {
            var getA = a.GetGetter<VBuffer<float>>(score);
            var getB = b.GetGetter<VBuffer<float>>(score);
            VBuffer<float> va = default, vb = default;
            const int Ahead = 5;
            for (int i = 0; i < Ahead; i++)
            {
                Assert.True(b.MoveNext());
            }

            for (int i = 0; i < expected.Count; i++)
            {
                Assert.True(a.MoveNext());
                getA(ref va);
                Assert.Equal((float[])expected[i][^2], va.DenseValues().ToArray());
                if (i + Ahead < expected.Count)
                {
                    Assert.True(b.MoveNext());
                    getB(ref vb);
                    Assert.Equal((float[])expected[i + Ahead][^2], vb.DenseValues().ToArray());
                }
            }

            Assert.False(a.MoveNext());
            Assert.False(b.MoveNext());
        }

        for (int stop = 0; stop < 12; stop++)
        {
            var cursor = batched.GetRowCursor(batched.Schema);
            for (int i = 0; i < stop && cursor.MoveNext(); i++)
            {
            }

            cursor.Dispose();
            cursor.Dispose();
        }
    }

    [Fact]
    public void Many_threads_score_one_transformed_view_at_once_with_identical_results()
    {
        var (_, classifier, data) = TopicClassifier();
        var batched = classifier.WithBatching(Settings[1].Batching, Settings[1].Rows, Settings[1].Tokens).Transform(data);
        var expected = Rows(classifier.TransformRowByRow(data), "Score", "PredictedLabel");
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
            Assert.Equal(expected, Rows(batched, "Score", "PredictedLabel")));
    }

    [Fact]
    public void Cancelling_the_input_stops_a_batched_cursor_at_its_next_window()
    {
        var (ml, classifier, data) = TopicClassifier();
        using var cancellation = new CancellationTokenSource();
        var batched = classifier.WithBatching(Settings[1].Batching, 4, 1_000).Transform(ml.Data.WithCancellation(data, cancellation.Token));
        using var cursor = batched.GetRowCursor(batched.Schema);
        Assert.True(cursor.MoveNext());
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
        {
            while (cursor.MoveNext())
            {
            }
        });
        Assert.True(cursor.Position < 4, $"position {cursor.Position}");
    }

    [Fact]
    public void Multiclass_evaluate_gives_the_same_metrics_batched_and_row_by_row()
    {
        var (ml, classifier, data) = TopicClassifier();
        var batched = ml.MulticlassClassification.Evaluate(classifier.Transform(data));
        var single = ml.MulticlassClassification.Evaluate(classifier.TransformRowByRow(data));
        Assert.Equal(single.MicroAccuracy, batched.MicroAccuracy);
        Assert.Equal(single.MacroAccuracy, batched.MacroAccuracy);
        Assert.Equal(single.LogLoss, batched.LogLoss);
    }

    [Fact]
    public void Cross_validation_metrics_equal_those_of_each_fold_model_scored_row_by_row()
    {
        var (ml, _, data) = TopicClassifier();
        var trainer = ml.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            FromScratch = Tiny, MaxTokens = 24, Epochs = 1, BatchSize = 8, Seed = 6, Threads = 2,
        });
        var folds = ml.MulticlassClassification.CrossValidate(data, trainer, numberOfFolds: 2);
        Assert.Equal(2, folds.Count);
        foreach (var fold in folds)
        {
            var single = ml.MulticlassClassification.Evaluate(((BertClassifierTransformer)fold.Model).TransformRowByRow(fold.ScoredHoldOutSet));
            Assert.Equal(single.MicroAccuracy, fold.Metrics.MicroAccuracy);
            Assert.Equal(single.LogLoss, fold.Metrics.LogLoss);
        }
    }

    /// <summary>150 texts: short topic sentences, empty texts, and long texts that the token limit truncates, interleaved.</summary>
    private static string[] Texts()
    {
        var topics = Topics().Select(t => t.Text).ToArray();
        var texts = new List<string>();
        for (int i = 0; i < 150; i++)
        {
            texts.Add((i % 9) switch
            {
                0 => string.Empty,
                4 => string.Join(" and ", Enumerable.Repeat(topics[i % topics.Length], 1 + (i % 5))),
                7 => string.Join(' ', topics),
                _ => topics[i % topics.Length],
            });
        }

        return [.. texts];
    }

    private static (MLContext Ml, BertClassifierTransformer Classifier, IDataView Data) TopicClassifier()
    {
        var ml = new MLContext(seed: 2);
        var topics = Topics();
        var rows = Texts().Select((t, i) => new Topic { Text = t, Label = topics[i % topics.Length].Label }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var classifier = ml.MulticlassClassification.Trainers.BertClassifier(new BertClassifierOptions
        {
            FromScratch = Tiny, MaxTokens = 24, Epochs = 2, BatchSize = 8, Seed = 3, Threads = 2,
        }).Fit(data);
        return (ml, classifier, data);
    }

    /// <summary>Every row's row id, pass-through text and the named prediction columns (vectors as arrays), in cursor order.</summary>
    private static List<object[]> Rows(IDataView view, params string[] columns)
    {
        var list = new List<object[]>();
        using var cursor = view.GetRowCursor(view.Schema);
        var id = cursor.GetIdGetter();
        var text = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema.First(c => c.Type is TextDataViewType));
        var getters = columns.Select(name => Getter(cursor, view.Schema[name])).ToArray();
        while (cursor.MoveNext())
        {
            DataViewRowId rowId = default;
            id(ref rowId);
            ReadOnlyMemory<char> value = default;
            text(ref value);
            list.Add([rowId, value.ToString(), .. getters.Select(g => g())]);
        }

        return list;
    }

    private static Func<object> Getter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case VectorDataViewType:
                var vector = cursor.GetGetter<VBuffer<float>>(column);
                return () =>
                {
                    VBuffer<float> value = default;
                    vector(ref value);
                    return value.DenseValues().ToArray();
                };
            case KeyDataViewType:
                var key = cursor.GetGetter<uint>(column);
                return () =>
                {
                    uint value = 0;
                    key(ref value);
                    return value;
                };
            case BooleanDataViewType:
                var flag = cursor.GetGetter<bool>(column);
                return () =>
                {
                    bool value = false;
                    flag(ref value);
                    return value;
                };
            default:
                var number = cursor.GetGetter<float>(column);
                return () =>
                {
                    float value = 0;
                    number(ref value);
                    return value;
                };
        }
    }

    private sealed class Pair
    {
        public string First { get; set; } = string.Empty;

        public string Second { get; set; } = string.Empty;

        public bool Label { get; set; }

        public int Index { get; set; }
    }
}
