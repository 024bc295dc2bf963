using Harrier.Media.Features;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Features;

/// <summary>
/// A video's inset regions pooled across its sampled frames (a picture-in-picture stays in place): every region any frame
/// found is hashed in every frame that did not find it, from that frame's own pixels.
/// </summary>
public sealed class InsetPoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-inset-pool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static VpdqFrameHypotheses Frame(int n, params PixelRegion[] regions) =>
        new(n, n, 100, [], [], [.. regions.Select(r => (r, new Hash256((ulong)r.X, 0, 0, 0)))]);

    [Fact]
    public void Every_region_found_in_some_frame_is_pooled_once_and_a_frame_lacks_those_it_did_not_find()
    {
        var a = new PixelRegion(304, 16, 320, 180);
        var nearA = new PixelRegion(305, 16, 319, 180); // 99.7 % of their union: the same region
        var b = new PixelRegion(464, 16, 160, 180); // inside a, 44 % of it: another region
        var frames = new[] { Frame(0, a), Frame(30, nearA, b), Frame(60), Frame(90, b) };

        var regions = InsetPool.Regions(frames);
        Assert.Equal([a, b], regions);
        Assert.Equal([[b], [], [a, b], [a]], frames.Select(f => InsetPool.Missing(f, regions)));
        Assert.True(PdqInset.SameRegion(a, nearA));
        Assert.False(PdqInset.SameRegion(a, b));
        Assert.False(PdqInset.SameRegion(a, new PixelRegion(0, 200, 320, 100)));
    }

    [Fact]
    public void A_pooled_region_is_hashed_from_the_frames_own_pixels_and_one_outside_the_frame_or_blank_is_not()
    {
        // A frame of random 8-pixel blocks (PDQ quality high everywhere).
        var (w, h) = (320, 240);
        var rng = new Random(7);
        var blocks = new byte[(w / 8) * (h / 8) * 3];
        rng.NextBytes(blocks);
        var rgb = new byte[w * h * 3];
        for (var p = 0; p < w * h; p++)
        {
            var b = ((p / w / 8 * (w / 8)) + (p % w / 8)) * 3;
            (rgb[p * 3], rgb[(p * 3) + 1], rgb[(p * 3) + 2]) = (blocks[b], blocks[b + 1], blocks[b + 2]);
        }

        var inside = new PixelRegion(w / 4, h / 5, w / 2, h / 2);
        var crop = new byte[inside.Width * inside.Height * 3];
        for (var y = 0; y < inside.Height; y++)
        {
            rgb.AsSpan((((inside.Y + y) * w) + inside.X) * 3, inside.Width * 3).CopyTo(crop.AsSpan(y * inside.Width * 3));
        }

        var blank = new byte[rgb.Length];
        Assert.Equal([(inside, PdqHasher.HashRgb24(crop, inside.Width, inside.Height, inside.Width * 3).Hash)],
            InsetPool.Hash(rgb, w, h, [inside, new PixelRegion(w / 2, 0, w, h / 2)]));
        Assert.Empty(InsetPool.Hash(blank, w, h, [inside]));
    }

    [Fact]
    public async Task In_a_picture_in_picture_video_every_sampled_frame_carries_the_regions_other_frames_found()
    {
        // The moving test pattern at half the width in the top-right corner of a gradient: its colour bars give the
        // region search other rectangles than the inset, which differ from frame to frame.
        var video = Path.Combine(_dir, "pip.mp4");
        FfmpegTool.Run("-f lavfi -i gradients=size=640x360:rate=30:speed=0.02:n=4:seed=11:duration=8 -f lavfi -i testsrc2=size=320x180:rate=30:duration=8 "
            + "-filter_complex [0:v][1:v]overlay=W-w-16:16:shortest=1,format=yuv420p -c:v libx264 -preset veryfast -crf 28", video);
        var features = await new MediaFeatureExtractor().HypothesesAsync(video, new FileInfo(video).Length, CancellationToken.None);
        var frames = features.VpdqHypotheses!;
        var regions = InsetPool.Regions(frames);

        Assert.Equal(8, frames.Count);
        // More regions than one frame's search returns (else there would be nothing to pool), and frames carrying them.
        Assert.True(regions.Count > PdqInset.MaxRegions, $"{regions.Count} regions");
        Assert.Contains(frames, f => f.Inset.Count > PdqInset.MaxRegions);
        // The inset itself (320×180 at 16 px from the top-right corner) is hashed in every sampled frame.
        var inset = new PixelRegion(304, 16, 320, 180);
        Assert.All(frames, f => Assert.Contains(f.Inset, r => PdqInset.SameRegion(r.Region, inset)));
    }
}
