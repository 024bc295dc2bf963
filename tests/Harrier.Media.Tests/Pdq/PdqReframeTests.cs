using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Pdq;

public sealed class PdqReframeTests
{
    /// <summary>Every 40th benign photo of data/photos (15 photos), in a fixed order.</summary>
    private static List<string> Photos() =>
        [.. Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 40 == 0)];

    /// <summary>The centre of an image with <paramref name="crop"/> of each side cut away, as tightly packed RGBA.</summary>
    private static (byte[] Pixels, int Width, int Height) CentreCrop(DecodedImage image, double crop)
    {
        var x0 = (int)Math.Round(image.Width * crop);
        var y0 = (int)Math.Round(image.Height * crop);
        var (w, h) = (image.Width - (2 * x0), image.Height - (2 * y0));
        var bpp = image.BytesPerPixel;
        var output = new byte[w * h * bpp];
        for (var y = 0; y < h; y++)
        {
            image.Pixels.Slice((((y + y0) * image.Width) + x0) * bpp, w * bpp).CopyTo(output.AsSpan(y * w * bpp));
        }

        return (output, w, h);
    }

    [Fact]
    public void A_centre_crop_is_as_far_as_an_unrelated_photo_plainly_and_near_its_original_once_reframed()
    {
        var photos = Photos();
        Assert.True(photos.Count >= 12, $"expected the repository photos (data/photos), found {photos.Count}");
        var originals = new List<Hash256>();
        var reframed = new List<Hash256[]>();
        var plain = new List<int>();
        foreach (var path in photos)
        {
            using var image = ImageDecoder.Decode(path);
            var original = PdqImageHasher.Hash(image).Hash;
            var (pixels, w, h) = CentreCrop(image, 0.10);
            var format = PdqImageHasher.PixelFormatOf(image);
            originals.Add(original);
            plain.Add(PdqHasher.Hash(pixels, format, w, h, w * image.BytesPerPixel).Hash.DistanceTo(original));
            reframed.Add([.. PdqReframe.Hash(pixels, format, w, h, w * image.BytesPerPixel, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)]);
        }

        var own = reframed.Select((r, i) => r.Min(x => x.DistanceTo(originals[i]))).ToList();
        var others = reframed.SelectMany((r, i) => originals.Where((_, j) => j != i).Select(o => r.Min(x => x.DistanceTo(o)))).ToList();

        // Plainly, a 10 % crop is beyond PDQ's radius for every photo; reframed, most come within the triage radius of
        // their own original while no reframed crop comes that near another photo.
        Assert.All(plain, d => Assert.True(d > 31, $"plain crop distance {d}"));
        Assert.True(own.Count(d => d <= 60) >= own.Count * 3 / 4, $"reframed distances to the originals: {string.Join(' ', own)}");
        Assert.True(others.Min() > 60, $"nearest unrelated photo: {others.Min()}");
        Assert.True(own.Order().ElementAt(own.Count / 2) + 30 <= plain.Order().ElementAt(plain.Count / 2),
            $"median reframed {own.Order().ElementAt(own.Count / 2)} vs plain {plain.Order().ElementAt(plain.Count / 2)}");
    }

    [Fact]
    public void The_hypothesis_matching_the_crop_is_nearer_than_one_far_from_it()
    {
        using var image = ImageDecoder.Decode(Photos()[3]);
        var original = PdqImageHasher.Hash(image).Hash;
        var (pixels, w, h) = CentreCrop(image, 0.10);
        var r = PdqReframe.Hash(pixels, PdqImageHasher.PixelFormatOf(image), w, h, w * image.BytesPerPixel, [0.10, 0.30], [ReframeFill.Faded]);
        Assert.True(r[0].Hash.DistanceTo(original) < r[1].Hash.DistanceTo(original),
            $"{r[0].Hash.DistanceTo(original)} vs {r[1].Hash.DistanceTo(original)}");
    }

    [Fact]
    public void Large_images_are_reduced_before_padding_and_tiny_or_invalid_requests_are_handled()
    {
        // A 1,600×1,200 gradient hashes the same way as its 4× box reduction would within a few bits.
        var big = new byte[1600 * 1200];
        for (var y = 0; y < 1200; y++)
        {
            for (var x = 0; x < 1600; x++)
            {
                big[(y * 1600) + x] = (byte)(((x / 50) + (y / 40)) % 2 == 0 ? 40 + (x % 200) : 220 - (y % 150));
            }
        }

        var small = new byte[400 * 300];
        for (var y = 0; y < 300; y++)
        {
            for (var x = 0; x < 400; x++)
            {
                var sum = 0;
                for (var dy = 0; dy < 4; dy++)
                {
                    for (var dx = 0; dx < 4; dx++)
                    {
                        sum += big[(((y * 4) + dy) * 1600) + (x * 4) + dx];
                    }
                }

                small[(y * 400) + x] = (byte)Math.Round(sum / 16.0);
            }
        }

        var a = PdqReframe.Hash(big, PdqPixelFormat.Gray8, 1600, 1200, 1600, [0.1], [ReframeFill.Faded])[0];
        var b = PdqReframe.Hash(small, PdqPixelFormat.Gray8, 400, 300, 400, [0.1], [ReframeFill.Faded])[0];
        Assert.True(a.Hash.DistanceTo(b.Hash) <= 16, $"{a.Hash.DistanceTo(b.Hash)} bits");
        Assert.Equal(0, PdqReframe.Hash(new byte[4], PdqPixelFormat.Gray8, 2, 2, 2, [0.1], [ReframeFill.Faded])[0].Quality);
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqReframe.Hash(small, PdqPixelFormat.Gray8, 400, 300, 400, [0.5], [ReframeFill.Faded]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PdqReframe.Hash(small, PdqPixelFormat.Gray8, 400, 300, 400, [0], [ReframeFill.Faded]));
    }
}
