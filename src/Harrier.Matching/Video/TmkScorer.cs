using Harrier.Media.Tmk;

namespace Harrier.Matching.Video;

/// <summary>
/// Scores two TMK+PDQF hashes. Level 1 is the cosine of the average features; level 2 is the temporal match kernel
/// maximised over every offset δ of every period, with exact double-precision trigonometry (the reference uses a float32
/// recurrence; both agree with the published scores to 6 decimals).
/// </summary>
public static class TmkScorer
{
    /// <summary>Upstream's suggested thresholds for both levels (<c>tmk_default_thresholds.h</c>).</summary>
    public const double DefaultThreshold = 0.7;

    /// <summary>Level 1 and, when level 1 ≥ <paramref name="level1Gate"/>, level 2 (default: always).</summary>
    public static TmkScore Score(TmkFeatures a, TmkFeatures b, double level1Gate = double.NegativeInfinity)
    {
        var l1 = Level1(a, b);
        return new TmkScore(l1, l1 >= level1Gate ? Level2(a, b) : null);
    }

    /// <summary>Cosine similarity of the two average features; 0 when either is all zero.</summary>
    public static double Level1(TmkFeatures a, TmkFeatures b)
    {
        CheckCompatible(a, b);
        return Cosine(a.Average.Span, b.Average.Span);
    }

    /// <summary>Cosine similarity of two feature vectors of one length (TMK's level 1); 0 when either is all zero.</summary>
    public static double Cosine(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("feature vectors differ in length");
        }

        double dot = 0, nx = 0, ny = 0;
        for (var k = 0; k < x.Length; k++)
        {
            dot += (double)x[k] * y[k];
            nx += (double)x[k] * x[k];
            ny += (double)y[k] * y[k];
        }

        return nx > 0 && ny > 0 ? dot / Math.Sqrt(nx * ny) : 0;
    }

    /// <summary>
    /// max over periods T and offsets δ ∈ [0, T) of K(δ) = CC₀ + Σ_{j≥1} [cos(jθ)(CC_j + SS_j) + sin(jθ)(SC_j − CS_j)],
    /// θ = 2πδ/T, divided by c₀ + 2·Σ_{j≥1} c_j (so a hash scores 1 against itself).
    /// </summary>
    public static double Level2(TmkFeatures a, TmkFeatures b)
    {
        CheckCompatible(a, b);
        var m = a.FourierCoefficients.Count;
        var cc = new double[m];
        var ssPlus = new double[m];
        var scMinus = new double[m];
        var best = double.NegativeInfinity;
        for (var p = 0; p < a.Periods.Count; p++)
        {
            for (var j = 0; j < m; j++)
            {
                var ac = a.CosVector(p, j);
                var asn = a.SinVector(p, j);
                var bc = b.CosVector(p, j);
                var bs = b.SinVector(p, j);
                cc[j] = Dot(ac, bc);
                ssPlus[j] = cc[j] + Dot(asn, bs);
                scMinus[j] = Dot(asn, bc) - Dot(ac, bs);
            }

            var period = a.Periods[p];
            for (var delta = 0; delta < period; delta++)
            {
                var (s1, c1) = Math.SinCos(2 * Math.PI * delta / period);
                double cj = 1, sj = 0;
                var k = cc[0];
                for (var j = 1; j < m; j++)
                {
                    // cos((j)θ), sin((j)θ) by rotation; 31 steps in double lose nothing at the 1e-9 level.
                    (cj, sj) = ((cj * c1) - (sj * s1), (sj * c1) + (cj * s1));
                    k += (cj * ssPlus[j]) + (sj * scMinus[j]);
                }

                if (k > best)
                {
                    best = k;
                }
            }
        }

        double norm = a.FourierCoefficients[0];
        for (var j = 1; j < m; j++)
        {
            norm += 2.0 * a.FourierCoefficients[j];
        }

        return best / norm;
    }

    private static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (var k = 0; k < x.Length; k++)
        {
            sum += (double)x[k] * y[k];
        }

        return sum;
    }

    private static void CheckCompatible(TmkFeatures a, TmkFeatures b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dimension != b.Dimension || !a.Periods.SequenceEqual(b.Periods) || a.FourierCoefficients.Count != b.FourierCoefficients.Count)
        {
            throw new ArgumentException("TMK hashes made with different parameters cannot be compared");
        }
    }
}
