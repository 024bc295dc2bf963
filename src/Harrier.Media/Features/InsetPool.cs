using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Features;

/// <summary>
/// The inset regions of a video's sampled frames pooled across them (a picture-in-picture stays in place; the region
/// search finds it in some frames only): which regions there are, which a frame lacks, and their hashes in that frame.
/// </summary>
internal static class InsetPool
{
    /// <summary>Every region found in any of <paramref name="frames"/>, once (near-same ones merged as <see cref="PdqInset.SameRegion"/> merges them, the first found kept), in the order found.</summary>
    public static List<PixelRegion> Regions(IEnumerable<VpdqFrameHypotheses> frames)
    {
        var regions = new List<PixelRegion>();
        foreach (var (region, _) in frames.SelectMany(f => f.Inset))
        {
            if (!regions.Any(r => PdqInset.SameRegion(r, region)))
            {
                regions.Add(region);
            }
        }

        return regions;
    }

    /// <summary>The <paramref name="regions"/> that <paramref name="frame"/> did not find itself.</summary>
    public static List<PixelRegion> Missing(VpdqFrameHypotheses frame, IReadOnlyList<PixelRegion> regions) =>
        [.. regions.Where(r => !frame.Inset.Any(own => PdqInset.SameRegion(own.Region, r)))];

    /// <summary>The hashes of <paramref name="regions"/> of a packed RGB frame, those of PDQ quality ≥ 50 (as <see cref="PdqInset"/> keeps them).</summary>
    public static List<(PixelRegion Region, Hash256 Hash)> Hash(ReadOnlySpan<byte> rgb, int width, int height, IReadOnlyList<PixelRegion> regions)
    {
        var hashes = new List<(PixelRegion, Hash256)>();
        foreach (var r in regions)
        {
            if (r.X < 0 || r.Y < 0 || r.Width < PdqHasher.MinDimension || r.Height < PdqHasher.MinDimension || r.X + r.Width > width || r.Y + r.Height > height)
            {
                continue;
            }

            var result = PdqInset.HashRegion(rgb, PdqPixelFormat.Rgb24, width * 3, r);
            if (result.Quality >= PdqInset.MinQuality)
            {
                hashes.Add((r, result.Hash));
            }
        }

        return hashes;
    }
}
