using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Pdq;

/// <summary>The content-inside-content hypotheses (issue 21, item 3) on benign repository photos.</summary>
public sealed class PdqInsetTests
{
    /// <summary>The radius triage gives the step (TriageOptions.InsetRadius in Harrier.Matching).</summary>
    private const int Radius = 31;

    /// <summary>Every 40th benign photo of data/photos (15 photos), in a fixed order.</summary>
    private static List<string> Photos() =>
        [.. Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 40 == 0)];

    /// <summary>The nearest of the inset hypotheses of a composite to <paramref name="original"/>, and how many hypotheses there were.</summary>
    private static (int Distance, int Count) Nearest(byte[] pixels, int w, int h, DecodedImage like, Hash256 original)
    {
        var found = PdqInset.Hash(pixels, PdqImageHasher.PixelFormatOf(like), w, h, w * like.BytesPerPixel);
        return (found.Length == 0 ? 256 : found.Min(r => r.Result.Hash.DistanceTo(original)), found.Length);
    }

    [Fact]
    public void A_picture_in_picture_at_half_the_width_and_a_screenshot_are_often_found_inside_their_surround()
    {
        var photos = Photos();
        Assert.True(photos.Count >= 12, $"expected the repository photos (data/photos), found {photos.Count}");
        var pip = new List<int>();
        var shot = new List<int>();
        var plain = new List<int>();
        for (var i = 0; i < photos.Count; i++)
        {
            using var content = ImageDecoder.Decode(photos[i]);
            using var background = ImageDecoder.Decode(photos[(i + 1) % photos.Count]);
            var original = PdqImageHasher.Hash(content).Hash;
            var (composite, cw, ch) = PhotoTransforms.PictureInPicture(content, background, 0.5, i % 4);
            var format = PdqImageHasher.PixelFormatOf(background);
            plain.Add(PdqHasher.Hash(composite, format, cw, ch, cw * background.BytesPerPixel).Hash.DistanceTo(original));
            var (d, count) = Nearest(composite, cw, ch, background, original);
            Assert.InRange(count, 0, PdqInset.MaxRegions);
            pip.Add(d);
            var (pixels, w, h) = PhotoTransforms.Screenshot(content, background, i);
            shot.Add(Nearest(pixels, w, h, content, original).Distance);
        }

        Assert.True(plain.Count(d => d <= 31) <= 1, $"plain distances: {string.Join(' ', plain)}");
        // Measured on these 15: 12 insets and 8 screenshots within the radius (the benchmark has the 571-photo
        // figures, docs/benchmarks.md); a guard against losing them, not the target of 0.9, which this misses.
        Assert.True(pip.Count(d => d <= Radius) >= pip.Count * 3 / 4, $"picture-in-picture distances: {string.Join(' ', pip)}");
        Assert.True(shot.Count(d => d <= Radius) >= shot.Count * 2 / 5, $"screenshot distances: {string.Join(' ', shot)}");
    }

    [Fact]
    public void The_found_region_is_where_the_inset_was_put()
    {
        var photos = Photos();
        using var content = ImageDecoder.Decode(photos[3]);
        using var background = ImageDecoder.Decode(photos[4]);
        var (composite, cw, ch) = PhotoTransforms.PictureInPicture(content, background, 0.5, 3);
        var found = PdqInset.Hash(composite, PdqImageHasher.PixelFormatOf(background), cw, ch, cw * background.BytesPerPixel);
        Assert.NotEmpty(found);
        var r = found.MinBy(f => f.Result.Hash.DistanceTo(PdqImageHasher.Hash(content).Hash)).Region;
        var w = (int)Math.Round(background.Width * 0.5);
        var margin = (int)Math.Round(background.Width * 0.02);
        Assert.InRange(r.X, background.Width - margin - w - 8, background.Width - margin - w + 8);
        Assert.InRange(r.Width, w - 16, w + 4);
    }

    [Fact]
    public void Plain_photos_mostly_have_no_region_and_never_more_than_the_bound()
    {
        var counts = Photos().Select(p =>
        {
            using var image = ImageDecoder.Decode(p);
            return PdqInset.Hash(image).Length;
        }).ToList();
        Assert.All(counts, c => Assert.InRange(c, 0, PdqInset.MaxRegions));
        Assert.True(counts.Count(c => c == 0) >= counts.Count / 2, $"regions per photo: {string.Join(' ', counts)}");
    }

    [Fact]
    public void A_tiny_image_has_no_region()
    {
        var pixels = new byte[16 * 16 * 4];
        Assert.Empty(PdqInset.Hash(pixels, PdqPixelFormat.Rgba32, 16, 16, 64));
    }
}
