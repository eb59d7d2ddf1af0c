namespace MLNet.Gelu.Gemm;

/// <summary>Row-major matrix transposition (for weights stored in × out by ONNX and out × in by the trainers).</summary>
internal static class MatrixTranspose
{
    /// <summary>The <paramref name="columns"/> × <paramref name="rows"/> transpose of the <paramref name="rows"/> × <paramref name="columns"/> matrix <paramref name="values"/>.</summary>
    public static float[] Of(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }
}
