using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Pdq;

/// <summary>The off-centre crop and de-rotation hypotheses (issue 21, items 2 and 4) on benign repository photos.</summary>
public sealed class PdqHypothesisTests
{
    /// <summary>Every 40th benign photo of data/photos (15 photos), in a fixed order.</summary>
    private static List<string> Photos() =>
        [.. Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 40 == 0)];

    [Fact]
    public void An_off_centre_crop_is_far_from_its_original_plainly_and_as_a_centre_crop_and_near_it_as_an_off_centre_one()
    {
        var photos = Photos();
        Assert.True(photos.Count >= 12, $"expected the repository photos (data/photos), found {photos.Count}");
        var plain = new List<int>();
        var centred = new List<int>();
        var offCentre = new List<int>();
        var unrelated = new List<int>();
        var originals = new List<Hash256>();
        var hypotheses = new List<Hash256[]>();
        foreach (var path in photos)
        {
            using var image = ImageDecoder.Decode(path);
            var original = PdqImageHasher.Hash(image).Hash;
            var format = PdqImageHasher.PixelFormatOf(image);
            var (pixels, w, h) = PhotoTransforms.Cut(image, 0.12, 0, 0, 0); // 12 %: between the 10 and 12.5 % steps
            var stride = w * image.BytesPerPixel;
            plain.Add(PdqHasher.Hash(pixels, format, w, h, stride).Hash.DistanceTo(original));
            centred.Add(PdqReframe.Hash(pixels, format, w, h, stride, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Min(r => r.Hash.DistanceTo(original)));
            var mine = PdqOffCentre.Hash(pixels, format, w, h, stride, PdqOffCentre.DefaultCrops).Select(r => r.Hash).ToArray();
            offCentre.Add(mine.Min(x => x.DistanceTo(original)));
            originals.Add(original);
            hypotheses.Add(mine);
        }

        for (var i = 0; i < originals.Count; i++)
        {
            unrelated.AddRange(originals.Where((_, j) => j != i).Select(o => hypotheses[i].Min(x => x.DistanceTo(o))));
        }

        Assert.All(plain, d => Assert.True(d > 31, $"plain distance {d}"));
        Assert.True(offCentre.Count(d => d <= 36) >= offCentre.Count * 9 / 10, $"off-centre distances: {string.Join(' ', offCentre)}");
        Assert.True(centred.Count(d => d <= 60) < offCentre.Count(d => d <= 36), $"centre-crop distances: {string.Join(' ', centred)}");
        Assert.True(unrelated.Min() > 36, $"nearest unrelated photo: {unrelated.Min()}");
    }

    [Fact]
    public void The_hypothesis_for_the_side_that_was_cut_is_the_nearest()
    {
        using var image = ImageDecoder.Decode(Photos()[5]);
        var original = PdqImageHasher.Hash(image).Hash;
        var (pixels, w, h) = PhotoTransforms.Cut(image, 0, 0, 0, 0.10);
        var crops = new[] { (CropSides.Bottom, 0.10), (CropSides.Top, 0.10), (CropSides.Left, 0.10), (CropSides.Right, 0.10) };
        var d = PdqOffCentre.Hash(pixels, PdqImageHasher.PixelFormatOf(image), w, h, w * image.BytesPerPixel, crops).Select(r => r.Hash.DistanceTo(original)).ToArray();
        Assert.True(d[0] < d.Skip(1).Min(), string.Join(' ', d));
    }

    [Fact]
    public void A_two_degree_turn_is_beyond_the_plain_radius_and_near_its_original_once_turned_back_the_right_way()
    {
        var photos = Photos();
        var plain = new List<int>();
        var back = new List<int>();
        var wrongWay = new List<int>();
        foreach (var path in photos)
        {
            using var image = ImageDecoder.Decode(path);
            var original = PdqImageHasher.Hash(image).Hash;
            var format = PdqImageHasher.PixelFormatOf(image);
            var turned = PhotoTransforms.Rotate(image, 2);
            var stride = image.Width * image.BytesPerPixel;
            plain.Add(PdqHasher.Hash(turned, format, image.Width, image.Height, stride).Hash.DistanceTo(original));
            var r = PdqDerotate.Hash(turned, format, image.Width, image.Height, stride, [2, -2]);
            back.Add(r[0].Hash.DistanceTo(original));
            wrongWay.Add(r[1].Hash.DistanceTo(original));
        }

        Assert.True(plain.Count(d => d > 31) >= plain.Count * 3 / 4, $"plain distances: {string.Join(' ', plain)}");
        Assert.True(back.Count(d => d <= 28) >= back.Count * 4 / 5, $"turned back: {string.Join(' ', back)}");
        Assert.True(back.Sum() + (10 * back.Count) < wrongWay.Sum(), $"turned back {string.Join(' ', back)}; the wrong way {string.Join(' ', wrongWay)}");
    }

    [Fact]
    public void The_stable_bits_are_those_three_fills_of_the_missing_band_agree_on_and_over_them_a_true_crop_is_nearer_its_original()
    {
        // Bits 3 and 70 flip under one fill or the other: every other bit is stable.
        var faded = new Hash256(0x0F, 0xF0, 0, 0);
        Assert.Equal(new Hash256(~(1UL << 3), ~(1UL << 6), ulong.MaxValue, ulong.MaxValue),
            ReframeCanvas.StableBits(faded, new Hash256(0x07, 0xF0, 0, 0), new Hash256(0x0F, 0xB0, 0, 0)));

        // The one-render shortcut (the covered pixels sampled once, the uncovered ones rewritten for each fill) gives what
        // three whole renders give: a grey ramp reduced to 100 × 80, put into a 130 × 80 canvas with a band on its left.
        var luma = Enumerable.Range(0, 100 * 80).Select(i => (float)(((i % 100) * 2) + ((i / 100) % 7 * 9) + (i % 13))).ToArray();
        var map = (1.0, 0.0, -30.0, 0.0, 1.0, 0.0);
        var mean = ReframeCanvas.Mean(luma, luma.Length);
        var fadedRender = ReframeCanvas.Hash(luma, 100, 80, 130, 80, map, mean, 30);
        var flatRender = ReframeCanvas.Hash(luma, 100, 80, 130, 80, map, mean, 30, BandFill.Flat).Hash;
        var edgeRender = ReframeCanvas.Hash(luma, 100, 80, 130, 80, map, mean, 30, BandFill.Edge).Hash;
        Assert.NotEqual(fadedRender.Hash, flatRender);
        Assert.NotEqual(fadedRender.Hash, edgeRender);
        Assert.Equal((fadedRender, ReframeCanvas.StableBits(fadedRender.Hash, flatRender, edgeRender)),
            ReframeCanvas.HashWithStableBits(luma, 100, 80, 130, 80, map, mean, 30));

        var masked = new List<double>();
        var plain = new List<int>();
        var unstable = 0;
        foreach (var path in Photos())
        {
            using var image = ImageDecoder.Decode(path);
            var original = PdqImageHasher.Hash(image).Hash;
            var format = PdqImageHasher.PixelFormatOf(image);
            var (pixels, w, h) = PhotoTransforms.Cut(image, 0.15, 0, 0, 0);
            var stride = w * image.BytesPerPixel;
            var withStable = PdqOffCentre.HashWithStableBits(pixels, format, w, h, stride, PdqOffCentre.DefaultCrops);

            // The hashes are the step's own.
            Assert.Equal(PdqOffCentre.Hash(pixels, format, w, h, stride, PdqOffCentre.DefaultCrops), withStable.Select(x => x.Result));

            // The crop that was made: its distance over the stable bits (scaled to 256) against the plain distance.
            var (result, stableBits) = withStable[PdqOffCentre.DefaultCrops.ToList().IndexOf((CropSides.Left, 0.15))];
            var bits = Enumerable.Range(0, 256).Where(b => Bit(stableBits, b)).ToList();
            Assert.InRange(bits.Count, 128, 256);
            unstable += 256 - bits.Count;
            masked.Add(256.0 * bits.Count(b => Bit(result.Hash, b) != Bit(original, b)) / bits.Count);
            plain.Add(result.Hash.DistanceTo(original));
        }

        Assert.True(unstable > 0);
        Assert.True(masked.Average() < plain.Average() - 4, $"masked {string.Join(' ', masked.Select(m => (int)m))}; plain {string.Join(' ', plain)}");
    }

    [Fact]
    public void A_turns_stable_bits_leave_out_bits_of_the_uncovered_border_and_over_them_a_three_degree_turn_is_nearer_its_original()
    {
        var masked = new List<int>();
        var plain = new List<int>();
        foreach (var path in Photos())
        {
            using var image = ImageDecoder.Decode(path);
            var original = PdqImageHasher.Hash(image).Hash;
            var format = PdqImageHasher.PixelFormatOf(image);
            var turned = PhotoTransforms.Rotate(image, 3);
            var stride = image.Width * image.BytesPerPixel;
            var withStable = PdqDerotate.HashWithStableBits(turned, format, image.Width, image.Height, stride, PdqDerotate.DefaultAngles);

            // The hashes are the step's own; the stable bits leave some out, never most.
            Assert.Equal(PdqDerotate.Hash(turned, format, image.Width, image.Height, stride, PdqDerotate.DefaultAngles), withStable.Select(x => x.Result));
            Assert.All(withStable, x => Assert.InRange(x.Stable.PopCount(), 128, 256));
            Assert.Contains(withStable, x => x.Stable.PopCount() < 256);
            var (result, stable) = withStable[PdqDerotate.DefaultAngles.ToList().IndexOf(3)];
            masked.Add(PdqOffCentre.MaskedDistance(result.Hash, stable, original));
            plain.Add(result.Hash.DistanceTo(original));
        }

        Assert.True(masked.Average() < plain.Average() - 2, $"masked {string.Join(' ', masked)}; plain {string.Join(' ', plain)}");
    }

    [Fact]
    public void The_masked_distance_counts_differing_stable_bits_only_scaled_to_256_and_rounded_up()
    {
        var target = new Hash256(0, 0, 0, 0);
        // Three bits differ in W0 (bits 0, 1, 2) and one in W3 (bit 255).
        var hash = new Hash256(0b111, 0, 0, 1UL << 63);
        var all = new Hash256(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        Assert.Equal(hash.DistanceTo(target), PdqOffCentre.MaskedDistance(hash, all, target));
        // 128 stable bits (W0, W1), 3 of them differ: 3 · 256 / 128 = 6 exactly.
        Assert.Equal(6, PdqOffCentre.MaskedDistance(hash, new Hash256(ulong.MaxValue, ulong.MaxValue, 0, 0), target));
        // 192 stable bits (W0 without bit 1, W1, W2 and bit 63 of W3): 2 + 1 = 3 differ, 768 / 192 = 4 exactly.
        Assert.Equal(4, PdqOffCentre.MaskedDistance(hash, new Hash256(~2UL, ulong.MaxValue, ulong.MaxValue, 1UL << 63), target));
        // 100 stable bits (the low 64 of W0 and 36 of W1), 3 differ: 7.68, rounded up to 8.
        Assert.Equal(8, PdqOffCentre.MaskedDistance(hash, new Hash256(ulong.MaxValue, (1UL << 36) - 1, 0, 0), target));
        // A differing bit outside the mask does not count; no stable bit at all is as far as can be.
        Assert.Equal(0, PdqOffCentre.MaskedDistance(hash, new Hash256(~0b111UL, 0, 0, 0), target));
        Assert.Equal(256, PdqOffCentre.MaskedDistance(hash, Hash256.Zero, target));
    }

    private static bool Bit(Hash256 h, int b) => ((b switch { < 64 => h.W0, < 128 => h.W1, < 192 => h.W2, _ => h.W3 }) >> (b % 64) & 1) == 1;

    [Fact]
    public void Tiny_images_hash_to_zero_and_invalid_requests_are_refused()
    {
        Assert.Equal(0, PdqOffCentre.Hash(new byte[4], PdqPixelFormat.Gray8, 2, 2, 2, [(CropSides.Left, 0.1)])[0].Quality);
        Assert.Equal(0, PdqDerotate.Hash(new byte[4], PdqPixelFormat.Gray8, 2, 2, 2, [1.0])[0].Quality);
        var grey = new byte[64 * 48];
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqOffCentre.Hash(grey, PdqPixelFormat.Gray8, 64, 48, 64, [(CropSides.None, 0.1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqOffCentre.Hash(grey, PdqPixelFormat.Gray8, 64, 48, 64, [(CropSides.Left, 0.5)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqDerotate.Hash(grey, PdqPixelFormat.Gray8, 64, 48, 64, [20.0]));
        Assert.Equal(24, PdqOffCentre.DefaultCrops.Count);
        Assert.Equal(6, PdqDerotate.DefaultAngles.Count);
    }
}
