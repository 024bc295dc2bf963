using Harrier.Media.Hashing;
using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>
/// Hypothesis hashes for off-centre crops: the PDQ hash an image would have if it were what is left of a larger picture
/// after a share of one side (or of two adjacent sides: a corner kept) was cut away. A bank holds the original's hash and
/// the query is the crop, so the query side brings the hypotheses: the query is put back at its old scale and place, a
/// band of the missing width is added on the cut side(s) and filled as <see cref="PdqReframe"/> fills its ring (the
/// nearest edge pixel fading into the image's mean brightness), and that canvas is hashed. <see cref="PdqReframe"/>'s
/// centre crops cannot stand in: a 10 % cut from one side shifts the content by 5 % of the width, which alone moves PDQ
/// beyond its radius. Not reference-compatible: compare only with a bank's plain hashes, at a looser radius, as a second
/// chance.
/// </summary>
public static class PdqOffCentre
{
    private static readonly double[] SideShares = [0.075, 0.10, 0.125, 0.15];

    private static readonly double[] CornerShares = [0.10, 0.15];

    /// <summary>
    /// The crops tried by default, 24 hashes an image: each of the four sides cut by 7.5, 10, 12.5 or 15 % (16), and
    /// each of the four corners kept with 10 or 15 % cut from both of its adjacent sides (8). Bounded on purpose: every
    /// hash is one more chance of a false match against every bank hash, so the count multiplies the false-match rate
    /// (docs/triage.md, "Off-centre crops and small rotations"). Steps of 2.5 %: <see cref="PdqReframe"/>'s 1.25 %
    /// steps would double the count, and a crop between two steps (12 %) was found about as often as its neighbours on
    /// the 571 photos (90.4 %, against 97.5 % at 10 % and 77.2 % at 15 %); corners get two shares, not four, because a
    /// corner crop has two unknowns and is the rarer case.
    /// </summary>
    public static IReadOnlyList<(CropSides Sides, double Share)> DefaultCrops { get; } = Build();

    /// <summary>One hash per crop of <paramref name="crops"/>, in its order, for a decoded image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A share is not in (0, 0.4] or a crop names no side.</exception>
    public static PdqResult[] Hash(DecodedImage image, IReadOnlyList<(CropSides Sides, double Share)> crops)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Hash(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, crops);
    }

    /// <summary>One hash per crop of <paramref name="crops"/>, in its order, for packed pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A share is not in (0, 0.4] or a crop names no side.</exception>
    public static PdqResult[] Hash(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride,
        IReadOnlyList<(CropSides Sides, double Share)> crops) =>
        [.. Hypotheses(pixels, format, width, height, stride, crops, stable: false).Select(f => f.Result)];

    /// <summary>
    /// Each crop's hash (as <see cref="Hash(ReadOnlySpan{byte}, PdqPixelFormat, int, int, int, IReadOnlyList{ValueTuple{CropSides, double}})"/>)
    /// with its <b>stable bits</b>: the bits on which the hash with the band filled as usual, the hash with the band a flat
    /// mean and the hash with the edge pixels repeated across it all agree, so the bits the guessed band does not decide
    /// (235 of 256 on average on the distractor photos). A distance over only those bits (scaled to 256) lies nearer the
    /// original for a true crop and no nearer for an unrelated picture (docs/benchmarks.md, "One-side 15 % crops: a
    /// distance over the bits the missing band does not decide"). Three hashes a crop instead of one (the covered pixels sampled once). What triage
    /// computes for an image nothing else matched, and compares by <see cref="MaskedDistance"/>; measured by
    /// <c>benchmarks/pdq-hypotheses.sh --masked</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A share is not in (0, 0.4] or a crop names no side.</exception>
    public static (PdqResult Result, Hash256 Stable)[] HashWithStableBits(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride,
        IReadOnlyList<(CropSides Sides, double Share)> crops) =>
        Hypotheses(pixels, format, width, height, stride, crops, stable: true);

    /// <summary>
    /// The distance from a crop's <paramref name="hash"/> to <paramref name="target"/> over the crop's
    /// <paramref name="stable"/> bits only (<see cref="HashWithStableBits"/>), scaled to 256 bits and rounded up, so that
    /// it reads on the plain distance's scale and "within r" means at most r/256 of the stable bits differ; 256 when no
    /// bit is stable.
    /// </summary>
    public static int MaskedDistance(Hash256 hash, Hash256 stable, Hash256 target)
    {
        var stableBits = stable.PopCount();
        if (stableBits == 0)
        {
            return 256;
        }

        return ((256 * hash.DistanceTo(target, stable)) + stableBits - 1) / stableBits;
    }

    /// <summary>Each crop's canvas hashed with the band faded into the mean and, with <paramref name="stable"/>, its stable bits (else zero).</summary>
    private static (PdqResult Result, Hash256 Stable)[] Hypotheses(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride,
        IReadOnlyList<(CropSides Sides, double Share)> crops, bool stable)
    {
        ArgumentNullException.ThrowIfNull(crops);
        foreach (var (sides, share) in crops)
        {
            if (!(share > 0 && share <= 0.4) || (sides & (CropSides.Left | CropSides.Top | CropSides.Right | CropSides.Bottom)) == CropSides.None)
            {
                throw new ArgumentOutOfRangeException(nameof(crops), (sides, share), "a crop names at least one side and cuts a share in (0, 0.4]");
            }
        }

        if (width < PdqHasher.MinDimension || height < PdqHasher.MinDimension)
        {
            return [.. Enumerable.Repeat((new PdqResult(Hash256.Zero, 0), Hash256.Zero), crops.Count)];
        }

        var (luma, w, h) = PdqReframe.ReducedLuma(pixels, format, width, height, stride);
        try
        {
            var mean = ReframeCanvas.Mean(luma, w * h);
            var results = new (PdqResult, Hash256)[crops.Count];
            for (var k = 0; k < crops.Count; k++)
            {
                var (sides, share) = crops[k];
                // The query kept 1 − share of a cut dimension: the band is share / (1 − share) of the query's size.
                var bandX = sides.HasFlag(CropSides.Left) || sides.HasFlag(CropSides.Right) ? (int)Math.Round(w * share / (1 - share)) : 0;
                var bandY = sides.HasFlag(CropSides.Top) || sides.HasFlag(CropSides.Bottom) ? (int)Math.Round(h * share / (1 - share)) : 0;
                var left = sides.HasFlag(CropSides.Left) ? bandX : 0;
                var top = sides.HasFlag(CropSides.Top) ? bandY : 0;
                var cw = w + bandX * (sides.HasFlag(CropSides.Left) && sides.HasFlag(CropSides.Right) ? 2 : 1);
                var ch = h + bandY * (sides.HasFlag(CropSides.Top) && sides.HasFlag(CropSides.Bottom) ? 2 : 1);
                var map = (1.0, 0.0, (double)-left, 0.0, 1.0, (double)-top);
                var ring = Math.Max(bandX, bandY);
                results[k] = stable ? ReframeCanvas.HashWithStableBits(luma, w, h, cw, ch, map, mean, ring)
                    : (ReframeCanvas.Hash(luma, w, h, cw, ch, map, mean, ring), Hash256.Zero);
            }

            return results;
        }
        finally
        {
            MediaBuffers.Return(luma);
        }
    }

    private static List<(CropSides, double)> Build()
    {
        var list = new List<(CropSides, double)>();
        foreach (var share in SideShares)
        {
            list.AddRange([(CropSides.Left, share), (CropSides.Right, share), (CropSides.Top, share), (CropSides.Bottom, share)]);
        }

        foreach (var share in CornerShares)
        {
            list.AddRange([(CropSides.Left | CropSides.Top, share), (CropSides.Right | CropSides.Top, share),
                (CropSides.Left | CropSides.Bottom, share), (CropSides.Right | CropSides.Bottom, share)]);
        }

        return list;
    }
}
