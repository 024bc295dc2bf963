using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// The frame features triage stores for a video: vPDQ frame hashes (the same PDQ path as <see cref="VpdqHasher"/>)
/// sampled more densely than the 1-per-second interchange default, so that a short bank clip's frames are all met,
/// plus, for frames with a dark border (letterbox, pillarbox), the PDQ of the content inside the border, so a
/// letterboxed re-upload still meets its source; and, for a video with a static overlay (a logo stamped on a re-upload,
/// <see cref="StaticOverlayFinder"/>), the PDQ of each frame with the overlay painted out. All go into one bag of
/// features; matching treats frames as a bag. Apart from that bag, each frame's reframed hashes (<see cref="PdqReframe"/>:
/// the frame as the centre of a larger picture), which triage compares with bank videos only, at a looser radius.
/// </summary>
internal static class TriageVideoHasher
{
    /// <summary>A pixel whose brightest channel is at most this is border.</summary>
    private const int DarkLevel = 40;

    /// <summary>Sampled frames looked at (and held) before deciding whether the video carries a static overlay.</summary>
    private const int OverlayFrames = 8;

    /// <summary>
    /// Hashes the video at <paramref name="path"/>; with <paramref name="strip"/>, also makes its blurred greyscale
    /// keyframe strip from the same decoded frames (the first sampled frame of each of <see cref="ThumbnailOptions.StripFrames"/>
    /// equal stretches of the duration, turned upright), so the strip costs no second decode.
    /// </summary>
    public static async Task<(VideoStreamInfo Info, List<VpdqFeature> Features, List<VpdqFeature>? Overlay, List<VpdqFeature> Reframed, GreyImage? Strip)> HashAsync(string path,
        double secondsPerHash, FfmpegOptions ffmpeg, ThumbnailOptions? strip, CancellationToken cancellationToken)
    {
        var reader = new VideoFrameReader(ffmpeg);
        var info = await reader.ProbeAsync(path, cancellationToken);
        var fps = info.FramesPerSecond;
        if (fps <= 0)
        {
            throw new VideoException(path, "the video stream declares no frame rate");
        }

        var modulus = Math.Max(1, (int)(secondsPerHash * fps));
        var features = new List<VpdqFeature>();
        var painted = new List<VpdqFeature>();
        var reframed = new List<VpdqFeature>();
        var reframeEvery = Math.Max(1, (int)Math.Round(1 / secondsPerHash));
        var sampled = 0;
        StaticOverlayFinder? finder = null;
        var held = new List<(int FrameNumber, int Width, int Height, byte[] Rgb)>();
        PixelRegion? overlay = null;
        var decided = false;
        var tiles = new List<GreyImage>();
        var lastBucket = -1;
        var stripFrames = strip?.StripFrames ?? 0;
        var duration = info.DurationSeconds is > 0 ? info.DurationSeconds.Value : 0;
        await foreach (var frame in reader.ReadFramesAsync(path, info, VideoFrameRequest.Vpdq(modulus), null, cancellationToken))
        {
            var rgb = frame.Rgb24.Span;
            var (w, h) = (frame.Width, frame.Height);
            var seconds = frame.FrameNumber / fps;
            Hash(features, frame.FrameNumber, rgb, w, h, seconds);
            // Reframed hashes for one sampled frame a second (the bank interchange rate), not every one: 18 hashes a frame
            // would otherwise be most of what a video stores.
            if (sampled++ % reframeEvery == 0)
            {
                foreach (var r in PdqReframe.Hash(rgb, PdqPixelFormat.Rgb24, w, h, w * 3, PdqReframe.DefaultCrops, PdqReframe.DefaultFills))
                {
                    reframed.Add(new VpdqFeature(frame.FrameNumber, r.Quality, r.Hash, seconds));
                }
            }

            if (strip is not null)
            {
                // Without a duration every sampled frame is a candidate and the strip takes evenly spaced ones at the end.
                var bucket = duration > 0 ? Math.Min(stripFrames - 1, (int)(seconds / duration * stripFrames)) : tiles.Count;
                if (bucket > lastBucket && (duration > 0 || tiles.Count < 8 * stripFrames))
                {
                    tiles.Add(Upright(BlurredThumbnail.FromRgb24(rgb, w, h, w * 3, strip), info.Rotation));
                    lastBucket = bucket;
                }
            }

            if (decided)
            {
                AddOverlayFeature(painted, frame.FrameNumber, rgb, w, h, seconds, overlay);
                continue;
            }

            if (w < 8 || h < 8 || (finder is not null && (finder.Width != w || finder.Height != h)))
            {
                decided = true;
                continue;
            }

            finder ??= new StaticOverlayFinder(w, h);
            finder.Add(rgb);
            held.Add((frame.FrameNumber, w, h, rgb.ToArray()));
            if (finder.Frames >= OverlayFrames)
            {
                (overlay, decided) = (finder.Find(), true);
                Flush(painted, held, overlay, fps);
            }
        }

        if (!decided && finder is not null)
        {
            Flush(painted, held, finder.Find(), fps);
        }

        GreyImage? image = null;
        if (strip is not null && tiles.Count > 0)
        {
            image = BlurredThumbnail.Strip(tiles.Count <= stripFrames ? tiles
                : [.. Enumerable.Range(0, stripFrames).Select(i => tiles[(int)((i + 0.5) * tiles.Count / stripFrames)])]);
        }

        return (info, features, painted.Count > 0 ? painted : null, reframed, image);
    }

    /// <summary>A tile turned by the stream's display rotation (vPDQ frames come as stored, the strip as displayed).</summary>
    internal static GreyImage Upright(GreyImage tile, int rotation)
    {
        if (rotation is not (90 or 180 or 270))
        {
            return tile;
        }

        var (w, h) = (tile.Width, tile.Height);
        var (ow, oh) = rotation == 180 ? (w, h) : (h, w);
        var output = new byte[ow * oh];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var (tx, ty) = rotation switch
                {
                    90 => (h - 1 - y, x),
                    180 => (w - 1 - x, h - 1 - y),
                    _ => (y, w - 1 - x),
                };
                output[(ty * ow) + tx] = tile.Pixels[(y * w) + x];
            }
        }

        return new GreyImage(ow, oh, output);
    }

    private static void Flush(List<VpdqFeature> features, List<(int FrameNumber, int Width, int Height, byte[] Rgb)> held, PixelRegion? overlay, double fps)
    {
        foreach (var (n, w, h, rgb) in held)
        {
            AddOverlayFeature(features, n, rgb, w, h, n / fps, overlay);
        }

        held.Clear();
    }

    /// <summary>The frame hashed again with the static overlay painted out (on a copy), when the video has one.</summary>
    private static void AddOverlayFeature(List<VpdqFeature> features, int frameNumber, ReadOnlySpan<byte> rgb, int w, int h, double seconds, PixelRegion? overlay)
    {
        if (overlay is not { } box)
        {
            return;
        }

        var copy = rgb[..(w * h * 3)].ToArray();
        StaticOverlayFinder.Fill(copy, w, h, box);
        var filled = PdqHasher.HashRgb24(copy, w, h, w * 3);
        features.Add(new VpdqFeature(frameNumber, filled.Quality, filled.Hash, seconds));
    }

    /// <summary>The frame's hash and, when it has a dark border, the hash of the content inside it.</summary>
    private static void Hash(List<VpdqFeature> features, int frameNumber, ReadOnlySpan<byte> rgb, int w, int h, double seconds)
    {
        var full = PdqHasher.HashRgb24(rgb, w, h, w * 3);
        features.Add(new VpdqFeature(frameNumber, full.Quality, full.Hash, seconds));
        var (x0, y0, x1, y1) = ContentBox(rgb, w, h);
        var cw = x1 - x0;
        var ch = y1 - y0;
        if ((cw < w || ch < h) && cw >= w / 4 && ch >= h / 4 && cw >= 8 && ch >= 8)
        {
            var inner = PdqHasher.HashRgb24(rgb[(((y0 * w) + x0) * 3)..], cw, ch, w * 3);
            features.Add(new VpdqFeature(frameNumber, inner.Quality, inner.Hash, seconds));
        }
    }

    /// <summary>The box inside uniform dark rows and columns at the edges (exclusive upper bounds).</summary>
    internal static (int X0, int Y0, int X1, int Y1) ContentBox(ReadOnlySpan<byte> rgb, int w, int h)
    {
        var y0 = 0;
        while (y0 < h && DarkRow(rgb, w, y0))
        {
            y0++;
        }

        var y1 = h;
        while (y1 > y0 && DarkRow(rgb, w, y1 - 1))
        {
            y1--;
        }

        var x0 = 0;
        while (x0 < w && DarkColumn(rgb, w, x0, y0, y1))
        {
            x0++;
        }

        var x1 = w;
        while (x1 > x0 && DarkColumn(rgb, w, x1 - 1, y0, y1))
        {
            x1--;
        }

        return (x0, y0, x1, y1);
    }

    private static bool DarkRow(ReadOnlySpan<byte> rgb, int w, int y)
    {
        var row = rgb.Slice(y * w * 3, w * 3);
        foreach (var b in row)
        {
            if (b > DarkLevel)
            {
                return false;
            }
        }

        return true;
    }

    private static bool DarkColumn(ReadOnlySpan<byte> rgb, int w, int x, int y0, int y1)
    {
        for (var y = y0; y < y1; y++)
        {
            var p = ((y * w) + x) * 3;
            if (rgb[p] > DarkLevel || rgb[p + 1] > DarkLevel || rgb[p + 2] > DarkLevel)
            {
                return false;
            }
        }

        return true;
    }
}
