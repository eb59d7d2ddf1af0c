namespace MLNet.Gelu;

/// <summary>
/// Softmax over each row of logits and the cross-entropy against integer labels. Binary problems use the same two-logit softmax:
/// <c>P(class 1) = σ(z₁ − z₀)</c>, so the margin <c>z₁ − z₀</c> is the binary score.
/// </summary>
internal static class SoftmaxCrossEntropy
{
    /// <summary>Turns each row of <paramref name="logits"/> into probabilities in <paramref name="probabilities"/> (the two may be the same span).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            SoftmaxRow(logits.Slice(r * classes, classes), probabilities.Slice(r * classes, classes));
        }
    }

    /// <summary>
    /// Softmax of each row, the summed loss <c>Σ −log p[label]</c> (natural log, from log-sum-exp so it stays finite), and
    /// the gradient of the mean loss with respect to the logits, <c>(p − onehot(label)) / rows</c>, into <paramref name="logitGradient"/>.
    /// </summary>
    public static double LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> logitGradient, int rows, int classes)
    {
        double loss = 0;
        float scale = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            Span<float> g = logitGradient.Slice(r * classes, classes);
            float max = z[0];
            for (int c = 1; c < classes; c++)
            {
                max = MathF.Max(max, z[c]);
            }

            float sum = 0;
            for (int c = 0; c < classes; c++)
            {
                float e = MathF.Exp(z[c] - max);
                g[c] = e;
                sum += e;
            }

            int label = labels[r];
            loss += Math.Log(sum) - (z[label] - max);
            float inverse = 1 / sum;
            for (int c = 0; c < classes; c++)
            {
                g[c] = ((g[c] * inverse) - (c == label ? 1f : 0f)) * scale;
            }
        }

        return loss;
    }

    /// <summary>Summed loss and number of rows whose most probable class (lowest index on ties) is the label.</summary>
    public static (double Loss, int Correct) Evaluate(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int rows, int classes)
    {
        double loss = 0;
        int correct = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> z = logits.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (z[c] > z[best])
                {
                    best = c;
                }
            }

            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += Math.Exp(z[c] - z[best]);
            }

            loss += Math.Log(sum) - (z[labels[r]] - z[best]);
            correct += best == labels[r] ? 1 : 0;
        }

        return (loss, correct);
    }

    private static void SoftmaxRow(ReadOnlySpan<float> z, Span<float> p)
    {
        float max = z[0];
        for (int c = 1; c < z.Length; c++)
        {
            max = MathF.Max(max, z[c]);
        }

        float sum = 0;
        for (int c = 0; c < z.Length; c++)
        {
            float e = MathF.Exp(z[c] - max);
            p[c] = e;
            sum += e;
        }

        float inverse = 1 / sum;
        for (int c = 0; c < z.Length; c++)
        {
            p[c] *= inverse;
        }
    }
}
