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
        // Measured on these 15: 14 insets and 11 screenshots within the radius (12 and 8 before issue 21's second pass
        // on the step; the benchmark has the 571-photo figures, docs/benchmarks.md); a guard against losing them.
        Assert.True(pip.Count(d => d <= Radius) >= pip.Count * 4 / 5, $"picture-in-picture distances: {string.Join(' ', pip)}");
        Assert.True(shot.Count(d => d <= Radius) >= shot.Count * 2 / 3, $"screenshot distances: {string.Join(' ', shot)}");
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
    public void A_region_is_hashed_from_the_pictures_own_pixels_where_it_was_found()
    {
        // Frames twice the photos' size (over 512 pixels wide), so the lines are found on a luma reduced by 2: each
        // region's hash must still be the plain PDQ hash of the image's pixels inside the region reported.
        var photos = Photos();
        var (regions, near) = (0, 0);
        for (var i = 0; i < 8; i++)
        {
            using var content = ImageDecoder.Decode(photos[i]);
            using var small = ImageDecoder.Decode(photos[i + 1]);
            var (bw, bh) = (small.Width * 2, small.Height * 2);
            var scaled = PhotoTransforms.Scale(small, bw, bh);
            var buffer = MediaBuffers.Rent<byte>(scaled.Length);
            scaled.CopyTo(buffer, 0);
            using var background = new DecodedImage(buffer, bw, bh, small.Format, small.SourceFormat, small.SourceChannels, 1, orientationApplied: false);
            var (composite, cw, ch) = PhotoTransforms.PictureInPicture(content, background, 0.5, i % 4);
            var format = PdqImageHasher.PixelFormatOf(background);
            var found = PdqInset.Hash(composite, format, cw, ch, cw * background.BytesPerPixel);
            foreach (var (region, result) in found)
            {
                var at = ((region.Y * cw) + region.X) * background.BytesPerPixel;
                Assert.Equal(PdqHasher.Hash(composite.AsSpan(at), format, region.Width, region.Height, cw * background.BytesPerPixel).Hash, result.Hash);
                regions++;
            }

            near += found.Any(f => f.Result.Hash.DistanceTo(PdqImageHasher.Hash(content).Hash) <= Radius) ? 1 : 0;
        }

        // Measured: 22 regions, all 8 insets within the radius (5 with edges in brightness only).
        Assert.True(regions > 0 && near >= 6, $"{regions} regions; {near} of 8 insets within {Radius}");
    }

    [Fact]
    public void An_inset_a_little_way_in_from_the_corner_is_found_without_the_strip_of_the_picture_around_it()
    {
        // Every 10th photo (58) in each corner, 2 % of the width in from both edges: the best region's sides lie within
        // 2 pixels of the inset's (the frame-edge sides moved in to the inset's own), not on the frame.
        List<string> photos = [.. Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 10 == 0)];
        var exact = 0;
        var total = 0;
        for (var i = 0; i < photos.Count; i++)
        {
            using var content = ImageDecoder.Decode(photos[i]);
            using var background = ImageDecoder.Decode(photos[(i + 1) % photos.Count]);
            var original = PdqImageHasher.Hash(content).Hash;
            for (var corner = 0; corner < 4; corner++)
            {
                var (composite, cw, ch) = PhotoTransforms.PictureInPicture(content, background, 0.5, corner);
                var found = PdqInset.Hash(composite, PdqImageHasher.PixelFormatOf(background), cw, ch, cw * background.BytesPerPixel);
                var w = (int)Math.Round(background.Width * 0.5);
                var h = (int)Math.Round((double)w * content.Height / content.Width);
                var margin = (int)Math.Round(background.Width * 0.02);
                var x0 = corner % 2 == 0 ? margin : background.Width - margin - w;
                var y0 = corner < 2 ? Math.Min(margin, ch - h) : Math.Max(0, ch - margin - h);
                total++;
                if (found.Length > 0)
                {
                    var r = found.MinBy(f => f.Result.Hash.DistanceTo(original)).Region;
                    exact += Math.Abs(r.X - x0) <= 2 && Math.Abs(r.Y - y0) <= 2 && Math.Abs(r.X + r.Width - x0 - w) <= 2 && Math.Abs(r.Y + r.Height - y0 - h) <= 2 ? 1 : 0;
                }
            }
        }

        // Measured: 217 of the 232 (the rest: no region, or a side on a line of the other picture); 211 when the
        // frame-edge sides are judged as the inner sides are (along their whole length, at 60 % edge share).
        Assert.True(exact >= 214, $"{exact} of {total} insets found to within 2 pixels");
    }

    [Fact]
    public void An_inset_as_bright_as_its_surround_is_found_by_its_colour()
    {
        // A colour photo inside a grey surround that has, next to each side, the luma of the inset's nearest border pixel,
        // fading to mid-grey over 24 pixels (never a step of 10): no step in brightness along any side, only in colour
        // (red − green, yellow − blue).
        using var content = ImageDecoder.Decode(Path.Combine(TestPaths.Photos(), "flowers-ccby", "sunflowers", "24459548_27a783feda.jpg"));
        var (cw, chh, bpp) = (content.Width, content.Height, content.BytesPerPixel);
        Assert.Equal(4, bpp);
        var (w, h) = (cw * 2, chh * 2);
        var (x0, y0) = (cw * 9 / 10, chh / 20);
        var pixels = new byte[w * h * 4];
        var src = content.Pixels;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (sx, sy) = (Math.Clamp(x - x0, 0, cw - 1), Math.Clamp(y - y0, 0, chh - 1));
                var at = ((sy * cw) + sx) * 4;
                var o = ((y * w) + x) * 4;
                var inside = x >= x0 && x < x0 + cw && y >= y0 && y < y0 + chh;
                var fade = Math.Min(1.0, Math.Max(Math.Max(x0 - x, x - (x0 + cw - 1)), Math.Max(y0 - y, y - (y0 + chh - 1))) / 24.0);
                var luma = (byte)Math.Round((((0.299 * src[at]) + (0.587 * src[at + 1]) + (0.114 * src[at + 2])) * (1 - fade)) + (128 * fade));
                (pixels[o], pixels[o + 1], pixels[o + 2], pixels[o + 3]) = inside ? (src[at], src[at + 1], src[at + 2], (byte)255) : (luma, luma, luma, (byte)255);
            }
        }

        var found = PdqInset.Hash(pixels, PdqPixelFormat.Rgba32, w, h, w * 4);
        var original = PdqImageHasher.Hash(content).Hash;
        Assert.Contains(found, f => f.Result.Hash.DistanceTo(original) <= Radius);
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
