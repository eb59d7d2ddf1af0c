using System.Globalization;

namespace MLNet.Gelu;

/// <summary>
/// How long a run trains and what stops it early, from the options and the data size: epochs, rows held out for
/// validation, batch size and the two stopping rules. With <see cref="MlpOptions.Epochs"/> set the options are taken as
/// they are; with it null the automatic rule documented on <see cref="MlpOptions.Epochs"/> fills in what they leave open.
/// </summary>
/// <param name="Epochs">Epochs to run unless a stopping rule ends training first.</param>
/// <param name="Automatic">Whether <see cref="Epochs"/> was chosen by the automatic rule.</param>
/// <param name="HeldOutRows">Training rows held out as the validation set; 0 when there is none or a separate one is given.</param>
/// <param name="TrainingRows">Rows trained on: all rows less <see cref="HeldOutRows"/>.</param>
/// <param name="BatchSize">Rows per mini-batch: <see cref="MlpOptions.BatchSize"/>, at most <see cref="TrainingRows"/>.</param>
/// <param name="ValidationPatience">Epochs without a lower validation loss before stopping; 0: never stop on it.</param>
/// <param name="ConvergencePatience">Epochs without a training loss <see cref="ConvergenceTolerance"/> below its best before stopping; 0: never stop on it.</param>
internal sealed record TrainingPlan(
    int Epochs, bool Automatic, int HeldOutRows, int TrainingRows, int BatchSize, int ValidationPatience, int ConvergencePatience)
{
    /// <summary>Adam steps the automatic rule budgets: epochs = max(⌈StepTarget / batches per epoch⌉, <see cref="MinEpochs"/>).</summary>
    public const int StepTarget = 8_000;

    /// <summary>Fewest epochs the automatic rule chooses (the budget of large sets).</summary>
    public const int MinEpochs = 20;

    /// <summary>Rows from which the automatic rule holds out <see cref="AutomaticValidationFraction"/> for early stopping.</summary>
    public const int AutomaticValidationMinRows = 1_000;

    /// <summary>Fraction of the rows the automatic rule holds out (scikit-learn's <c>validation_fraction</c>).</summary>
    public const double AutomaticValidationFraction = 0.1;

    /// <summary>Patience of the automatic stopping rules (scikit-learn's <c>n_iter_no_change</c>).</summary>
    public const int AutomaticPatience = 10;

    /// <summary>Least fall of the training loss below its best that counts as progress (scikit-learn's <c>tol</c>).</summary>
    public const double ConvergenceTolerance = 1e-4;

    /// <summary>Mini-batches per epoch.</summary>
    public int BatchesPerEpoch => (TrainingRows + BatchSize - 1) / BatchSize;

    /// <summary>Adam steps if no rule stops training early.</summary>
    public long MaxSteps => (long)BatchesPerEpoch * Epochs;

    /// <summary>Chooses the plan for <paramref name="rows"/> training rows.</summary>
    /// <param name="options">The (validated) options.</param>
    /// <param name="rows">Rows given for training, at least 1.</param>
    /// <param name="separateValidation">Whether a separate validation set is given (then nothing is held out).</param>
    /// <exception cref="ArgumentException"><see cref="MlpOptions.ValidationFraction"/> leaves no training rows.</exception>
    public static TrainingPlan For(MlpOptions options, int rows, bool separateValidation)
    {
        bool automatic = options.Epochs is null;
        double fraction = separateValidation ? 0
            : options.ValidationFraction > 0 ? options.ValidationFraction
            : automatic && rows >= AutomaticValidationMinRows ? AutomaticValidationFraction
            : 0;
        int held = fraction > 0 ? Math.Max(1, (int)Math.Round(rows * fraction)) : 0;
        if (held >= rows)
        {
            throw new ArgumentException(
                $"ValidationFraction {options.ValidationFraction} of {rows} rows leaves no training rows; lower it or give more rows.", nameof(options));
        }

        int trainingRows = rows - held;
        int batchSize = Math.Min(options.BatchSize, trainingRows);
        int batches = (trainingRows + batchSize - 1) / batchSize;
        bool validation = separateValidation || held > 0;
        if (!automatic)
        {
            return new TrainingPlan(options.Epochs!.Value, false, held, trainingRows, batchSize, options.EarlyStoppingPatience, 0);
        }

        int epochs = Math.Max((StepTarget + batches - 1) / batches, MinEpochs);
        int patience = options.EarlyStoppingPatience > 0 ? options.EarlyStoppingPatience : AutomaticPatience;
        return validation
            ? new TrainingPlan(epochs, true, held, trainingRows, batchSize, patience, 0)
            : new TrainingPlan(epochs, true, held, trainingRows, batchSize, 0, AutomaticPatience);
    }

    /// <summary>One line for the log, for example
    /// <c>8000 epochs (automatic) of 105 rows in batches of 105, at most 8000 steps; stops when the training loss has not fallen 0.0001 below its best for 10 epochs</c>.</summary>
    /// <returns>The line, culture-invariant.</returns>
    public override string ToString()
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Epochs} epochs ({(Automatic ? "automatic" : "as set")}) of {TrainingRows} rows in batches of {BatchSize}, at most {MaxSteps} steps");
        if (HeldOutRows > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; {HeldOutRows} rows held out for validation");
        }

        if (ValidationPatience > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture, $"; stops when the validation loss has not improved for {ValidationPatience} epochs");
        }
        else if (ConvergencePatience > 0)
        {
            line += string.Create(CultureInfo.InvariantCulture,
                $"; stops when the training loss has not fallen {ConvergenceTolerance} below its best for {ConvergencePatience} epochs");
        }

        return line;
    }
}
