namespace Harrier.Media.Tmk;

/// <summary>The fixed TMK+PDQF parameters of the reference (spec §3).</summary>
public static class TmkParameters
{
    /// <summary>Frames per second the video is resampled to.</summary>
    public const int FramesPerSecond = 15;

    /// <summary>Fourier coefficients per period (m).</summary>
    public const int FourierCoefficientCount = 32;

    /// <summary>PDQF frame-feature length (the 16×16 DCT).</summary>
    public const int FeatureDimension = 256;

    /// <summary>Kernel bandwidth β of the Fourier weights.</summary>
    public const double Beta = 32;

    /// <summary>The periods in frames at 15 fps.</summary>
    public static IReadOnlyList<int> Periods { get; } = [2731, 4391, 9767, 14653];

    /// <summary>
    /// The Fourier weights c_j for m = 32, β = 32 (Poullot): c₀ = (I₀(β) − e^−β) / (2 sinh β), c_j = I_j(β) / sinh β, with
    /// I the modified Bessel function of the first kind, computed here from its power series in double precision.
    /// </summary>
    public static IReadOnlyList<float> FourierCoefficients { get; } = ComputeCoefficients(FourierCoefficientCount, Beta);

    internal static float[] ComputeCoefficients(int m, double beta)
    {
        var coefficients = new float[m];
        var sinh = Math.Sinh(beta);
        for (var j = 0; j < m; j++)
        {
            var i = BesselI(j, beta);
            coefficients[j] = (float)(j == 0 ? (i - Math.Exp(-beta)) / (2 * sinh) : i / sinh);
        }

        return coefficients;
    }

    /// <summary>I_n(x) = Σ_k (x/2)^(2k+n) / (k! (k+n)!), summed until the terms stop mattering (all terms positive).</summary>
    internal static double BesselI(int n, double x)
    {
        var half = x / 2;
        var term = 1.0;
        for (var k = 1; k <= n; k++)
        {
            term *= half / k;
        }

        var sum = term;
        for (var k = 1; k < 1000; k++)
        {
            term *= half * half / (k * (double)(k + n));
            sum += term;
            if (term < sum * 1e-18)
            {
                break;
            }
        }

        return sum;
    }
}
