using MLNet.Gelu;
using MLNet.Gelu.Encoder;

namespace ActivationExperiments.Experiments;

/// <summary>
/// A synthetic task only attention can solve: are the two symbols in the sequence equal? Symbols are tokens that appear
/// nowhere else; one sits near the start of the sequence and one near its end, among random filler, so the answer is a
/// relation between two distant tokens that the <c>[CLS]</c> vector must gather. Labels are balanced; chance is 50 %.
/// </summary>
internal static class LongRangeTask
{
    public const int Pad = 0, Cls = 1, FirstSymbol = 2, Symbols = 4, FirstFiller = FirstSymbol + Symbols, Fillers = 24;

    /// <summary>Shortest and longest sequence, <c>[CLS]</c> included.</summary>
    public const int MinLength = 20, MaxLength = 24;

    public static int VocabularySize => FirstFiller + Fillers;

    /// <summary>Seeds of the three fixed sets; the same for every activation and training seed.</summary>
    public const ulong TrainSeed = 101, ValidationSeed = 102, TestSeed = 103;

    /// <summary><paramref name="count"/> sequences drawn from <paramref name="seed"/>.</summary>
    public static EncoderExample[] Examples(int count, ulong seed)
    {
        var random = new RandomSource(seed);
        var examples = new EncoderExample[count];
        for (int n = 0; n < count; n++)
        {
            int length = MinLength + random.NextInt(MaxLength - MinLength + 1);
            var ids = new int[length];
            ids[0] = Cls;
            for (int t = 1; t < length; t++)
            {
                ids[t] = FirstFiller + random.NextInt(Fillers);
            }

            // The first symbol in positions 1..4, the second in the last four: at least 12 positions apart.
            int first = 1 + random.NextInt(4);
            int second = length - 4 + random.NextInt(4);
            int a = random.NextInt(Symbols);
            int label = random.NextInt(2);
            int b = label == 1 ? a : (a + 1 + random.NextInt(Symbols - 1)) % Symbols;
            ids[first] = FirstSymbol + a;
            ids[second] = FirstSymbol + b;
            examples[n] = new EncoderExample(ids, null, label);
        }

        return examples;
    }
}
