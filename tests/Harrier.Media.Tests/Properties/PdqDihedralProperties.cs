using CsCheck;
using Harrier.Media.Pdq;

namespace Harrier.Media.Tests.Properties;

/// <summary>
/// The law behind PDQ's dihedral hashes (spec §1.9): the eight hashes computed from one image's DCT equal the hashes of
/// the image actually rotated and flipped. Images are generated (smooth random fields, so the hash is not noise);
/// on failure CsCheck shrinks the case and prints the seed to replay (<c>CsCheck_Seed</c>).
/// </summary>
public sealed class PdqDihedralProperties
{
    /// <summary>
    /// These laws hold up to float rounding, so they run on a fixed seed (the same images every run, no flake on CI);
    /// <c>CsCheck_Seed</c> replays another, and a failure prints its own.
    /// </summary>
    private const string FixedSeed = "0N0XIzNsQ0O2";

    /// <summary>Under this quality PDQ itself calls the hash unreliable (a near-flat image: its DCT is ties around the median).</summary>
    private const int MinQuality = 50;

    /// <summary>A smooth luma field: a gradient plus a few soft blobs, values in 0–255.</summary>
    private static readonly Gen<(int W, int H, float[] Luma)> Field =
        Gen.Select(Gen.Int[64, 64], Gen.Int[64, 64], Gen.Double[0, 255].Array[144], (w, h, p) => (w, h, Render(w, h, p)));

    private static readonly Gen<(int W, int H, float[] Luma)> LargerField =
        Gen.Select(Gen.Int[65, 260], Gen.Int[65, 260], Gen.Double[0, 255].Array[144], (w, h, p) => (w, h, Render(w, h, p)));

    private static float[] Render(int w, int h, double[] grid)
    {
        // Value noise: a 12×12 grid of random levels, interpolated bilinearly over the image. Its spectrum is broad at
        // the scales PDQ's 16×16 DCT keeps, so few coefficients sit at the median (where float rounding would decide
        // bits) and the hash has quality.
        const int g = 12;
        var luma = new float[w * h];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                double gx = (x + 0.5) / w * (g - 1), gy = (y + 0.5) / h * (g - 1);
                int x0 = (int)gx, y0 = (int)gy, x1 = Math.Min(x0 + 1, g - 1), y1 = Math.Min(y0 + 1, g - 1);
                double fx = gx - x0, fy = gy - y0;
                var top = grid[y0 * g + x0] * (1 - fx) + grid[y0 * g + x1] * fx;
                var bottom = grid[y1 * g + x0] * (1 - fx) + grid[y1 * g + x1] * fx;
                luma[y * w + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        }

        return luma;
    }

    /// <summary>The image transformed as each variant names it: (new width, new height, pixel at new (x, y) taken from old (sx, sy)).</summary>
    private static (int W, int H, float[] Luma) Transform(PdqDihedral variant, int w, int h, float[] src)
    {
        var (nw, nh) = variant is PdqDihedral.Rotate90 or PdqDihedral.Rotate270 or PdqDihedral.FlipPlus1 or PdqDihedral.FlipMinus1 ? (h, w) : (w, h);
        var dst = new float[nw * nh];
        for (var y = 0; y < nh; y++)
        {
            for (var x = 0; x < nw; x++)
            {
                var (sx, sy) = variant switch
                {
                    PdqDihedral.Original => (x, y),
                    PdqDihedral.Rotate90 => (w - 1 - y, x), // counter-clockwise
                    PdqDihedral.Rotate180 => (w - 1 - x, h - 1 - y),
                    PdqDihedral.Rotate270 => (y, h - 1 - x), // clockwise
                    PdqDihedral.FlipX => (x, h - 1 - y), // top and bottom swapped
                    PdqDihedral.FlipY => (w - 1 - x, y), // left and right swapped
                    PdqDihedral.FlipPlus1 => (y, x),
                    _ => (w - 1 - y, h - 1 - x),
                };
                dst[y * nw + x] = src[sy * w + sx];
            }
        }

        return (nw, nh, dst);
    }

    /// <summary>
    /// At 64×64 PDQ skips the blur, so the DCT of the transformed image is the permuted, sign-flipped DCT: equal hashes up
    /// to float rounding, which can put a coefficient on the other side of the median. Seen: 2 bits once (seed
    /// 6RzVJLLl_Wt1, with and without hardware intrinsics), 0 in 24,000 other comparisons; the bound is 4.
    /// </summary>
    [Fact]
    public void At_64x64_each_dihedral_hash_is_the_hash_of_the_transformed_image_up_to_rounding() =>
        Field.Sample(f =>
        {
            var d = PdqHasher.HashDihedralLuma(f.Luma, f.W, f.H);
            return d.Quality < MinQuality || Enum.GetValues<PdqDihedral>().All(v =>
            {
                var (w, h, luma) = Transform(v, f.W, f.H, f.Luma);
                return d[v].DistanceTo(PdqHasher.HashLuma(luma, w, h).Hash) <= 4;
            });
        }, iter: 200, threads: 1, seed: FixedSeed);

    /// <summary>
    /// Larger images go through the blur and the decimation first, which do not commute with the transform (the
    /// reference samples at floor((i + 0.5)·size/64), not symmetric in every size), so the law is weaker: each
    /// dihedral hash is the nearest of the eight (or tied for it) to the hash of the transformed image. How near is not a law: on this
    /// value noise (65–260 px, 300 images × 8 variants, seed 0N0XIzNsQ0O2) the distance had median 16, 95th percentile
    /// 40 and maximum 58 bits, so a flipped copy of a small, busy picture can fall outside PDQ's 31.
    /// </summary>
    [Fact]
    public void Larger_images_are_nearest_to_their_own_dihedral_hash() =>
        LargerField.Sample(f =>
        {
            var d = PdqHasher.HashDihedralLuma(f.Luma, f.W, f.H);
            return d.Quality < MinQuality || Enum.GetValues<PdqDihedral>().All(v =>
            {
                var (w, h, luma) = Transform(v, f.W, f.H, f.Luma);
                var actual = PdqHasher.HashLuma(luma, w, h).Hash;
                var own = d[v].DistanceTo(actual);
                return Enum.GetValues<PdqDihedral>().All(o => o == v || d[o].DistanceTo(actual) >= own);
            });
        }, iter: 100, threads: 1, seed: FixedSeed);

    /// <summary>The laws above skip near-flat images; this keeps them from passing by skipping everything.</summary>
    [Fact]
    public void Most_generated_images_are_hashable()
    {
        var small = 0;
        var large = 0;
        Field.Sample(f => { small += PdqHasher.HashDihedralLuma(f.Luma, f.W, f.H).Quality >= MinQuality ? 1 : 0; }, iter: 100, threads: 1, seed: FixedSeed);
        LargerField.Sample(f => { large += PdqHasher.HashDihedralLuma(f.Luma, f.W, f.H).Quality >= MinQuality ? 1 : 0; }, iter: 100, threads: 1, seed: FixedSeed);
        Assert.True(small >= 80 && large >= 80, $"hashable: {small} of 100 at 64x64, {large} of 100 larger");
    }
}
