using Harrier.Media.Hashing;
using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>
/// Hypothesis hashes for small rotations: the PDQ hash an image would have if it were a larger picture turned by a few
/// degrees about its centre and cropped to the largest upright rectangle of the same shape (the crop that removes the
/// empty corners, as editors and re-uploaders do). PDQ's 16×16 DCT is not rotation-tolerant: 2° moves it beyond its
/// radius for almost every photo. Each hypothesis turns the query back by the angle and shrinks it by that crop's zoom
/// (cos θ + sin θ · long side / short side), so it lies where it lay in the original, and fills the corners the query
/// does not cover as <see cref="PdqReframe"/> fills its ring. Not reference-compatible: compare only with a bank's
/// plain hashes, at a looser radius, as a second chance.
/// </summary>
public static class PdqDerotate
{
    /// <summary>
    /// The angles tried by default (degrees, both ways): ±1, ±2 and ±3, <see cref="DefaultAngles"/>.Count hashes. A
    /// guess half a degree off costs little (docs/triage.md, "Off-centre crops and small rotations").
    /// </summary>
    public static IReadOnlyList<double> DefaultAngles { get; } = [-3, -2, -1, 1, 2, 3];

    /// <summary>One hash per angle of <paramref name="degrees"/>, in its order, for a decoded image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An angle is not in [−15, 15].</exception>
    public static PdqResult[] Hash(DecodedImage image, IReadOnlyList<double> degrees)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Hash(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, degrees);
    }

    /// <summary>One hash per angle of <paramref name="degrees"/>, in its order, for packed pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An angle is not in [−15, 15].</exception>
    public static PdqResult[] Hash(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, IReadOnlyList<double> degrees) =>
        [.. Hypotheses(pixels, format, width, height, stride, degrees, stable: false).Select(f => f.Result)];

    /// <summary>
    /// Each angle's hash (as <see cref="Hash(ReadOnlySpan{byte}, PdqPixelFormat, int, int, int, IReadOnlyList{double})"/>)
    /// with its stable bits: the bits on which the hash with the uncovered border filled as usual, with it a flat mean and
    /// with the edge pixels repeated across it all agree (<see cref="PdqOffCentre.HashWithStableBits"/>, the same idea:
    /// the border a turn's crop removed is guessed, and those bits are the ones the guess does not decide). Three hashes an
    /// angle instead of one (the covered pixels sampled once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An angle is not in [−15, 15].</exception>
    public static (PdqResult Result, Hash256 Stable)[] HashWithStableBits(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride,
        IReadOnlyList<double> degrees) =>
        Hypotheses(pixels, format, width, height, stride, degrees, stable: true);

    private static (PdqResult Result, Hash256 Stable)[] Hypotheses(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride,
        IReadOnlyList<double> degrees, bool stable)
    {
        ArgumentNullException.ThrowIfNull(degrees);
        foreach (var d in degrees)
        {
            if (!(d >= -15 && d <= 15))
            {
                throw new ArgumentOutOfRangeException(nameof(degrees), d, "a de-rotation angle must be in [-15, 15] degrees");
            }
        }

        if (width < PdqHasher.MinDimension || height < PdqHasher.MinDimension)
        {
            return [.. Enumerable.Repeat((new PdqResult(Hash256.Zero, 0), Hash256.Zero), degrees.Count)];
        }

        var (luma, w, h) = PdqReframe.ReducedLuma(pixels, format, width, height, stride);
        try
        {
            var mean = ReframeCanvas.Mean(luma, w * h);
            var aspect = (double)Math.Max(w, h) / Math.Min(w, h);
            var cx = (w - 1) / 2.0;
            var cy = (h - 1) / 2.0;
            var results = new (PdqResult, Hash256)[degrees.Count];
            for (var k = 0; k < degrees.Count; k++)
            {
                // The query shows the original turned by θ and zoomed by z about the centre: original point o lies at
                // c + z·R(θ)·(o − c) in the query.
                var rad = degrees[k] * Math.PI / 180;
                var (sin, cos) = Math.SinCos(rad);
                var z = Math.Cos(Math.Abs(rad)) + (Math.Sin(Math.Abs(rad)) * aspect);
                var (ax, bx, ay, by) = (z * cos, -z * sin, z * sin, z * cos);
                var map = (ax, bx, cx - (ax * cx) - (bx * cy), ay, by, cy - (ay * cx) - (by * cy));
                var ring = Math.Max(w, h) * Math.Abs(Math.Sin(rad));
                results[k] = stable ? ReframeCanvas.HashWithStableBits(luma, w, h, w, h, map, mean, ring)
                    : (ReframeCanvas.Hash(luma, w, h, w, h, map, mean, ring), Hash256.Zero);
            }

            return results;
        }
        finally
        {
            MediaBuffers.Return(luma);
        }
    }
}
