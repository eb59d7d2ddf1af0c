using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static MLNet.Gelu.VectorMath;

namespace MLNet.Gelu;

/// <summary>
/// The scaled upper tail S(a) = Q(a)·e^(a²/2) = ½·erfc(a/√2)·e^(a²/2) for 0 ≤ a ≤ <see cref="NormalTail.Limit"/>, as
/// 31 degree-5 polynomials in w = 2a − j with j = round(2a) (|w| ≤ ½), their coefficients picked per lane from
/// 32-entry tables: no division, no multiply before the polynomial, and on AVX-512 one two-table permute per coefficient.
/// </summary>
/// <remarks>
/// Each interval's polynomial was fitted (relative weighted least squares on 60 Chebyshev nodes, 40 digits) to S on
/// [j/2 − ¼, j/2 + ¼] ([0, ¼] for j = 0), its coefficients rounded to float one at a time from the constant term,
/// refitting the rest; the largest relative error of the rounded polynomials is 7.5e-8 (j = 1), and S(0) = ½ exactly.
/// The tables hold those coefficients times 2^-k (exact), for w = 2z: every Horner step rounds as it would in z.
/// j comes from adding 1.5·2^23 to 2a (its low five bits are j, the permute's index); 2a and w are exact, so the
/// index costs three additions.
/// The table holds 32 entries; the last (never selected by a finite a ≤ 15) is zero.
/// </remarks>
internal static class NormalTailTable
{
    private const float RoundToIndex = 12582912f; // 1.5·2^23: adding it to 2a leaves round(2a) in the low bits

    private static ReadOnlySpan<float> C0 =>
    [
        0.5f, 0.3496188521385193f, 0.2615782916545868f, 0.20578067004680634f,
        0.16810199618339539f, 0.14133132994174957f, 0.12151394784450531f, 0.10634515434503555f,
        0.09441064298152924f, 0.08480339497327805f, 0.0769193023443222f, 0.07034269720315933f,
        0.06477931141853333f, 0.06001567468047142f, 0.05589348077774048f, 0.052293095737695694f,
        0.04912254586815834f, 0.04631004482507706f, 0.043798789381980896f, 0.04154329001903534f,
        0.0395066924393177f, 0.03765885904431343f, 0.0359748899936676f, 0.034434057772159576f,
        0.03301897272467613f, 0.03171492740511894f, 0.03050941415131092f, 0.029391732066869736f,
        0.028352661058306694f, 0.02738422527909279f, 0.026479488238692284f, 0f,
    ];

    private static ReadOnlySpan<float> C1 =>
    [
        -0.19947104156017303f, -0.11206640303134918f, -0.0686819851398468f, -0.04513563960790634f,
        -0.03136913478374481f, -0.02280697599053383f, -0.01720021665096283f, -0.0133671211078763f,
        -0.01064985804259777f, -0.008663508109748363f, -0.007172877434641123f, -0.006028732284903526f,
        -0.005133196711540222f, -0.0044201952405273914f, -0.003843951504677534f, -0.0033720259089022875f,
        -0.00298095541074872f, -0.002653457224369049f, -0.0023765903897583485f, -0.0021405199076980352f,
        -0.0019376695854589343f, -0.0017621319275349379f, -0.001609247294254601f, -0.0014753032010048628f,
        -0.001357313827611506f, -0.0012528555234894156f, -0.0011599459685385227f, -0.0010769517393782735f,
        -0.0010025165975093842f, -0.000935507589019835f, -0.0008749726694077253f, 0f,
    ];

    private static ReadOnlySpan<float> C2 =>
    [
        0.06249719485640526f, 0.029692450538277626f, 0.015526356175541878f, 0.008796511217951775f,
        0.00532819889485836f, 0.003412052756175399f, 0.0022890763357281685f, 0.001596895745024085f,
        0.001151442644186318f, 0.0008539300179108977f, 0.000648857094347477f, 0.0005032793269492686f,
        0.00039766464033164084f, 0.0003191524010617286f, 0.00025979639030992985f, 0.000214110390515998f,
        0.00017841302906163037f, 0.0001501310762250796f, 0.0001275122631341219f, 0.00010915219900198281f,
        9.418911213288084e-05f, 8.175581751856953e-05f, 7.142520189518109e-05f, 6.277341162785888e-05f,
        5.5403805163223296e-05f, 4.916323450743221e-05f, 4.385787178762257e-05f, 3.924746124539524e-05f,
        3.526628643157892e-05f, 3.1811829103389755e-05f, 2.8800644940929487e-05f, 0f,
    ];

    private static ReadOnlySpan<float> C3 =>
    [
        -0.016596559435129166f, -0.006864601280540228f, -0.0031357856933027506f, -0.0015621117781847715f,
        -0.0008380895596928895f, -0.00047889043344184756f, -0.00028882393962703645f, -0.00018239619384985417f,
        -0.00011983264266746119f, -8.147190237650648e-05f, -5.706560114049353e-05f, -4.0997631003847346e-05f,
        -3.0156046705087647e-05f, -2.2613963665207848e-05f, -1.7267118892050348e-05f, -1.339352638751734e-05f,
        -1.0535546607570723e-05f, -8.393982170673553e-06f, -6.766917067579925e-06f, -5.512210009328555e-06f,
        -4.536835604085354e-06f, -3.762405185625539e-06f, -3.1465626761928434e-06f, -2.652873718034243e-06f,
        -2.2475453533843393e-06f, -1.917842382681556e-06f, -1.6489427707711002e-06f, -1.4228478448785609e-06f,
        -1.233965690516925e-06f, -1.0766270861495286e-06f, -9.43838870171021e-07f, 0f,
    ];

    private static ReadOnlySpan<float> C4 =>
    [
        0.0037994631566107273f, 0.0014446780551224947f, 0.0005840252269990742f, 0.0002590772055555135f,
        0.0001240443962160498f, 6.38682467979379e-05f, 3.4893084375653416e-05f, 2.01218335860176e-05f,
        1.2172098649898544e-05f, 7.71134455135325e-06f, 4.765576250065351e-06f, 3.435097823967226e-06f,
        2.095397576340474e-06f, 1.5423772765643662e-06f, 1.0456876680109417e-06f, 7.561374673059618e-07f,
        5.973654992885713e-07f, 5.538934715332289e-07f, 3.8203012309168116e-07f, 3.537465147473995e-07f,
        1.3154988209862495e-07f, 1.885416764935144e-07f, 1.5677332498853502e-07f, 6.941156271977889e-08f,
        1.7510478755866643e-07f, 1.6851792850047786e-07f, 4.407130660410985e-08f, 7.377398958396952e-08f,
        7.0252013983918e-08f, 4.0804451373332995e-08f, -8.162530207300733e-09f, 0f,
    ];

    private static ReadOnlySpan<float> C5 =>
    [
        -0.000626317341811955f, -0.0002732280408963561f, -9.929702355293557e-05f, -3.981409463449381e-05f,
        -1.710758442641236e-05f, -8.073050594248343e-06f, -3.98700058212853e-06f, -2.1170981199247763e-06f,
        -1.1981604757238529e-06f, -6.950027682250948e-07f, -3.903757033185684e-07f, -2.868143553769187e-07f,
        -1.3795653330817004e-07f, -1.0293370422687076e-07f, -6.384981787732613e-08f, -4.407290887797899e-08f,
        -3.698393769013819e-08f, -3.261272851773356e-08f, -2.3259188353108584e-08f, -1.9265904427356872e-08f,
        -3.906801548936301e-09f, -8.275114815603501e-09f, -6.822820530771878e-09f, 1.7641284266733948e-10f,
        -8.915916005491908e-09f, -9.901603092998812e-09f, -1.4357155464495008e-09f, -3.702558482032714e-09f,
        -5.268249836376526e-09f, -2.2651560627195977e-09f, 1.0915462977933998e-09f, 0f,
    ];

    /// <summary>S(a) for 0 ≤ a ≤ 15.25; NaN gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Evaluate(float a)
    {
        float twoA = a + a;
        float rounded = twoA + RoundToIndex;
        float w = twoA - (rounded - RoundToIndex);
        int j = BitConverter.SingleToInt32Bits(rounded) & 31;
        return Fma(Fma(Fma(Fma(Fma(C5[j], w, C4[j]), w, C3[j]), w, C2[j]), w, C1[j]), w, C0[j]);
    }

    /// <summary>As the scalar form; only with AVX-512 (<see cref="Avx512F.IsSupported"/>), which does the lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Evaluate(Vector128<float> a) => Evaluate(a.ToVector256().ToVector512()).GetLower().GetLower();

    /// <summary>As the scalar form; only with AVX-512 (<see cref="Avx512F.IsSupported"/>), which does the lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Evaluate(Vector256<float> a) => Evaluate(a.ToVector512()).GetLower();

    /// <summary>As the scalar form; only with AVX-512 (<see cref="Avx512F.IsSupported"/>), which does the lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Evaluate(Vector512<float> a)
    {
        var roundToIndex = Vector512.Create(RoundToIndex);
        var twoA = a + a;
        var rounded = twoA + roundToIndex;
        var w = twoA - (rounded - roundToIndex);
        var j = rounded.AsInt32();
        return Fma(Fma(Fma(Fma(Fma(Lookup(C5, j), w, Lookup(C4, j)), w, Lookup(C3, j)), w, Lookup(C2, j)), w, Lookup(C1, j)), w, Lookup(C0, j));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lookup(ReadOnlySpan<float> table, Vector512<int> index)
    {
        ref float first = ref MemoryMarshal.GetReference(table);
        return Avx512F.PermuteVar16x32x2(Vector512.LoadUnsafe(ref first), index, Vector512.LoadUnsafe(ref first, 16));
    }
}
