using Harrier.Media.Hashing;
using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>
/// Hypothesis hashes for centre crops: the PDQ hash an image would have if it were the centre of a larger picture whose
/// outer <c>crop</c> share was cut from each side. A crop of 10 % a side moves PDQ ~100 bits from the original's hash (as
/// far as an unrelated image), because the 16×16 DCT sees the content at another scale and position; put back at its
/// old scale and place, the same crop came within 60 bits of the original for 97.9 % of the 571 benign photos in
/// data/photos, while no photo's hypotheses came within 60 of another photo (nearest 66; benchmarks/pdq-robustness.sh,
/// docs/triage.md "Reframed hashes"). The missing ring is unknown content, so it is filled
/// two ways (<see cref="ReframeFill"/>): the nearest edge pixel fading into the image's mean brightness
/// (<see cref="FadeShare"/>), which measured closer than a flat ring (median 34 against 42 bits at 10 %) and than a plain
/// smear or mirror of the edge when the guessed crop was a few per cent off; and flat mid-grey, which on its own is
/// worse but was the nearer of the two for some photos (6 more of 60 within 60 bits at 16 %, none further from an
/// unrelated photo). Not reference-compatible: compare only with a bank's plain hashes, at a looser radius, as a second
/// chance. Off-centre crops and small rotations have their own hypotheses (<see cref="PdqOffCentre"/>,
/// <see cref="PdqDerotate"/>).
/// </summary>
public static class PdqReframe
{
    /// <summary>
    /// Crop shares (per side) tried by default: 5–15 % in steps of 1.25 %. A guess off by 2.5 % cost 10–30 bits in the
    /// measurement (docs/triage.md), so the steps are half that.
    /// </summary>
    public static IReadOnlyList<double> DefaultCrops { get; } = [0.05, 0.0625, 0.075, 0.0875, 0.10, 0.1125, 0.125, 0.1375, 0.15];

    /// <summary>
    /// How fast the edge fades into the mean across the ring: weight e^(−d / (share · ring width)) at d pixels out. Of
    /// 0.3, 0.6 and 1 on 60 photos cropped 4–16 %, 0.6 brought the most crops within 60 bits.
    /// </summary>
    public const float FadeShare = 0.6f;

    /// <summary>Both fills, in the order <see cref="Hash(DecodedImage, IReadOnlyList{double}, IReadOnlyList{ReframeFill})"/> returns them per crop.</summary>
    public static IReadOnlyList<ReframeFill> DefaultFills { get; } = [ReframeFill.Faded, ReframeFill.Grey];

    /// <summary>Mid-grey luma of the <see cref="ReframeFill.Grey"/> ring.</summary>
    public const float Grey = 128f;

    /// <summary>
    /// Long side the luma is box-reduced to before padding. PDQ blurs to 64×64 anyway, so this bounds memory (one float
    /// buffer of at most 512² before padding) without moving the hash more than a re-encode does.
    /// </summary>
    public const int WorkingSize = 512;

    /// <summary>
    /// The plain (unrotated) reframed hashes of a decoded image: for each crop share in <paramref name="crops"/>, one per
    /// fill in <paramref name="fills"/> (crop-major: index = crop · fills + fill).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A crop share is not in (0, 0.4].</exception>
    public static PdqResult[] Hash(DecodedImage image, IReadOnlyList<double> crops, IReadOnlyList<ReframeFill> fills)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Hash(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride, crops, fills);
    }

    /// <summary>The plain reframed hashes of packed pixels (a decoded video frame), crop-major as the image overload.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A crop share is not in (0, 0.4].</exception>
    public static PdqResult[] Hash(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, IReadOnlyList<double> crops,
        IReadOnlyList<ReframeFill> fills)
    {
        ArgumentNullException.ThrowIfNull(crops);
        ArgumentNullException.ThrowIfNull(fills);
        foreach (var c in crops)
        {
            if (!(c > 0 && c <= 0.4))
            {
                throw new ArgumentOutOfRangeException(nameof(crops), c, "a crop share per side must be in (0, 0.4]");
            }
        }

        if (width < PdqHasher.MinDimension || height < PdqHasher.MinDimension)
        {
            return [.. Enumerable.Repeat(new PdqResult(Hash256.Zero, 0), crops.Count * fills.Count)];
        }

        var (luma, w, h) = ReducedLuma(pixels, format, width, height, stride);
        try
        {
            var mean = 0.0;
            for (var i = 0; i < w * h; i++)
            {
                mean += luma[i];
            }

            var brightness = (float)(mean / (w * h));
            var results = new PdqResult[crops.Count * fills.Count];
            for (var k = 0; k < crops.Count; k++)
            {
                for (var f = 0; f < fills.Count; f++)
                {
                    results[(k * fills.Count) + f] = HashPadded(luma, w, h, crops[k], fills[f] == ReframeFill.Grey ? Grey : brightness, fills[f]);
                }
            }

            return results;
        }
        finally
        {
            MediaBuffers.Return(luma);
        }
    }

    /// <summary>The hash of <paramref name="luma"/> centred in a filled ring sized so that it fills 1 − 2·crop of each side.</summary>
    internal static PdqResult HashPadded(float[] luma, int width, int height, double crop, float fill, ReframeFill fillKind)
    {
        var scale = crop / (1 - (2 * crop));
        var padX = (int)Math.Round(width * scale);
        var padY = (int)Math.Round(height * scale);
        var w = width + (2 * padX);
        var h = height + (2 * padY);
        var padded = MediaBuffers.Rent<float>(w * h);
        try
        {
            var span = padded.AsSpan(0, w * h);
            var decay = FadeShare * Math.Max(1, Math.Max(padX, padY));
            for (var y = 0; y < h; y++)
            {
                var cy = Math.Clamp(y - padY, 0, height - 1);
                var outY = Math.Max(padY - y, y - (padY + height - 1));
                var row = span.Slice(y * w, w);
                if (outY <= 0)
                {
                    luma.AsSpan(cy * width, width).CopyTo(row.Slice(padX, width));
                }

                for (var x = 0; x < w; x++)
                {
                    var outside = Math.Max(outY, Math.Max(padX - x, x - (padX + width - 1)));
                    if (outside > 0)
                    {
                        var edge = luma[(cy * width) + Math.Clamp(x - padX, 0, width - 1)];
                        var a = fillKind == ReframeFill.Grey ? 0 : MathF.Exp(-outside / decay);
                        row[x] = (a * edge) + ((1 - a) * fill);
                    }
                }
            }

            return PdqHasher.HashLuma(span, w, h);
        }
        finally
        {
            MediaBuffers.Return(padded);
        }
    }

    /// <summary>The whole factor <see cref="ReducedLuma"/> box-averages by: the long side then at most <see cref="WorkingSize"/>.</summary>
    internal static int ReductionFactor(int width, int height) => Math.Max(1, (Math.Max(width, height) + WorkingSize - 1) / WorkingSize);

    /// <summary>Luma of the pixels, box-averaged by a whole factor until the long side is at most <see cref="WorkingSize"/>.</summary>
    internal static (float[] Luma, int Width, int Height) ReducedLuma(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride)
    {
        var full = MediaBuffers.Rent<float>(width * height);
        PdqHasher.ComputeLuma(pixels, format, width, height, stride, full.AsSpan(0, width * height));
        var factor = ReductionFactor(width, height);
        if (factor == 1)
        {
            return (full, width, height);
        }

        var rw = width / factor;
        var rh = height / factor;
        var reduced = MediaBuffers.Rent<float>(rw * rh);
        var area = (float)(factor * factor);
        for (var y = 0; y < rh; y++)
        {
            for (var x = 0; x < rw; x++)
            {
                var sum = 0f;
                for (var dy = 0; dy < factor; dy++)
                {
                    var row = ((y * factor) + dy) * width;
                    for (var dx = 0; dx < factor; dx++)
                    {
                        sum += full[row + (x * factor) + dx];
                    }
                }

                reduced[(y * rw) + x] = sum / area;
            }
        }

        MediaBuffers.Return(full);
        return (reduced, rw, rh);
    }
}
