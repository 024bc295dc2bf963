using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Features;

/// <summary>
/// The frame features ingest stores for a video besides its plain vPDQ hashes, fed by <see cref="VpdqHasher"/>'s frame
/// pump (one decode): vPDQ frames are sampled more densely than the 1-per-second interchange default, so that a short
/// bank clip's frames are all met; for frames with a dark border (letterbox, pillarbox), the PDQ of the content inside
/// the border, so a letterboxed re-upload still meets its source; and, for a video with a static overlay (a logo stamped
/// on a re-upload, <see cref="StaticOverlayFinder"/>), the PDQ of each frame with the overlay painted out. The plain and
/// inner hashes go into one bag of features; matching treats frames as a bag. Apart from that bag, for the frame at each
/// whole second (decoded besides the sampled ones, the frames a bank video is hashed at): its reframed hashes
/// (<see cref="PdqReframe"/>: the frame as the centre of a larger picture), which triage compares with bank videos only,
/// at a looser radius, and its eight dihedral hashes (mirrored and rotated: triage's hypothesis that the video is a
/// mirrored or rotated re-upload). With thumbnail options, also the blurred greyscale keyframe strip from the sampled
/// frames.
/// </summary>
internal sealed class FrameFeatureSink : IVpdqFrameSink
{
    /// <summary>A pixel whose brightest channel is at most this is border.</summary>
    private const int DarkLevel = 40;

    /// <summary>Sampled frames looked at (and held) before deciding whether the video carries a static overlay.</summary>
    private const int OverlayFrames = 8;

    private readonly ThumbnailOptions? _strip;
    private readonly List<VpdqFeature> _inner = [];
    private readonly List<VpdqFeature> _painted = [];
    private readonly List<VpdqFeature> _reframed = [];
    private readonly List<VpdqDihedralFrame> _dihedral = [];
    private readonly List<(int FrameNumber, int Width, int Height, byte[] Rgb)> _held = [];
    private readonly List<GreyImage> _tiles = [];
    private StaticOverlayFinder? _finder;
    private PixelRegion? _overlay;
    private bool _decided;
    private int _lastBucket = -1;
    private double _fps;

    /// <summary>A sink for a video's sampled and whole-second frames; with <paramref name="strip"/>, a keyframe strip too.</summary>
    public FrameFeatureSink(ThumbnailOptions? strip) => _strip = strip;

    /// <summary>The hashes of the content inside a frame's dark border, for the frames that have one, in frame order.</summary>
    public IReadOnlyList<VpdqFeature> Inner => _inner;

    /// <summary>The reframed hashes of the frame at each whole second, every crop share with both fills, in frame order.</summary>
    public IReadOnlyList<VpdqFeature> Reframed => _reframed;

    /// <summary>The eight dihedral hashes of the frame at each whole second, in frame order.</summary>
    public IReadOnlyList<VpdqDihedralFrame> Dihedral => _dihedral;

    /// <inheritdoc/>
    public bool WantsWholeSecondFrames => true;

    /// <summary>
    /// The frame at each whole second (decoder frame s · ⌊fps⌋, where a bank video is hashed at the interchange rate):
    /// <list type="bullet">
    /// <item>its eight dihedral hashes, for triage's mirrored/rotated hypothesis (issue 21.1). PDQ's variants need the
    /// frame's DCT, not its hash (the median that thresholds them moves with the signs flipped), so they are made here,
    /// at ingest, and stored. One frame a second bounds what a video stores to 8 hashes a second (7 new ones beside the
    /// plain hash), against 4 plain and 18 reframed; it costs one more PDQ a second and, where the second is not a
    /// sampled frame, its conversion to RGB;</item>
    /// <item>its reframed hashes (18: the frame as the centre of a larger picture), for triage's centre-crop hypothesis.
    /// One frame a second, not every sampled one: 18 hashes a frame would otherwise be most of what a video stores.</item>
    /// </list>
    /// The exact frame, not the nearest sampled one: a sampled frame can be up to half a sampling step away (a 7-frame
    /// step at 30 fps meets the bank's 30-frame grid once in 210 frames), and across a cut or in fast motion that is
    /// another picture (docs/benchmarks.md, "Video dihedral").
    /// </summary>
    public void OnWholeSecondFrame(VideoStreamInfo info, VideoFrame frame, double seconds)
    {
        var rgb = frame.Rgb24.Span;
        var (w, h) = (frame.Width, frame.Height);
        _dihedral.Add(new VpdqDihedralFrame(frame.FrameNumber, PdqHasher.HashDihedralRgb24(rgb, w, h, w * 3), seconds));
        foreach (var r in PdqReframe.Hash(rgb, PdqPixelFormat.Rgb24, w, h, w * 3, PdqReframe.DefaultCrops, PdqReframe.DefaultFills))
        {
            _reframed.Add(new VpdqFeature(frame.FrameNumber, r.Quality, r.Hash, seconds));
        }
    }

    /// <inheritdoc/>
    public void OnFrame(VideoStreamInfo info, VideoFrame frame, double seconds)
    {
        _fps = info.FramesPerSecond;
        var rgb = frame.Rgb24.Span;
        var (w, h) = (frame.Width, frame.Height);
        AddInner(frame.FrameNumber, rgb, w, h, seconds);

        if (_strip is { } strip)
        {
            // Without a duration every sampled frame is a candidate and the strip takes evenly spaced ones at the end.
            var duration = info.DurationSeconds is > 0 ? info.DurationSeconds.Value : 0;
            var bucket = duration > 0 ? Math.Min(strip.StripFrames - 1, (int)(seconds / duration * strip.StripFrames)) : _tiles.Count;
            if (bucket > _lastBucket && (duration > 0 || _tiles.Count < 8 * strip.StripFrames))
            {
                _tiles.Add(Upright(BlurredThumbnail.FromRgb24(rgb, w, h, w * 3, strip), info.Rotation));
                _lastBucket = bucket;
            }
        }

        if (_decided)
        {
            AddOverlayFeature(_painted, frame.FrameNumber, rgb, w, h, seconds, _overlay);
            return;
        }

        if (w < 8 || h < 8 || (_finder is not null && (_finder.Width != w || _finder.Height != h)))
        {
            _decided = true;
            return;
        }

        _finder ??= new StaticOverlayFinder(w, h);
        _finder.Add(rgb);
        _held.Add((frame.FrameNumber, w, h, rgb.ToArray()));
        if (_finder.Frames >= OverlayFrames)
        {
            (_overlay, _decided) = (_finder.Find(), true);
            Flush(_painted, _held, _overlay, _fps);
        }
    }

    /// <summary>
    /// Ends the video: decides on an overlay for a video shorter than <see cref="OverlayFrames"/> sampled frames and
    /// returns the painted-out features (null when it has no overlay) and the keyframe strip (null when none was asked
    /// for or no frame decoded).
    /// </summary>
    public (List<VpdqFeature>? Painted, GreyImage? Strip) Finish()
    {
        if (!_decided && _finder is not null)
        {
            Flush(_painted, _held, _finder.Find(), _fps);
            _decided = true;
        }

        GreyImage? image = null;
        if (_strip is { } strip && _tiles.Count > 0)
        {
            var n = strip.StripFrames;
            image = BlurredThumbnail.Strip(_tiles.Count <= n ? _tiles
                : [.. Enumerable.Range(0, n).Select(i => _tiles[(int)((i + 0.5) * _tiles.Count / n)])]);
        }

        return (_painted.Count > 0 ? [.. _painted] : null, image);
    }

    /// <summary>
    /// The plain frame hashes (<paramref name="plain"/>, one per frame, in frame order) with each frame's inner hash
    /// after it: the bag of features ingest has always stored.
    /// </summary>
    public List<VpdqFeature> Merge(IReadOnlyList<VpdqFeature> plain)
    {
        var merged = new List<VpdqFeature>(plain.Count + _inner.Count);
        var k = 0;
        foreach (var p in plain)
        {
            merged.Add(p);
            while (k < _inner.Count && _inner[k].FrameNumber == p.FrameNumber)
            {
                merged.Add(_inner[k++]);
            }
        }

        return merged;
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

    /// <summary>When the frame has a dark border, the hash of the content inside it (its plain hash comes from the pump).</summary>
    private void AddInner(int frameNumber, ReadOnlySpan<byte> rgb, int w, int h, double seconds)
    {
        var (x0, y0, x1, y1) = ContentBox(rgb, w, h);
        var cw = x1 - x0;
        var ch = y1 - y0;
        if ((cw < w || ch < h) && cw >= w / 4 && ch >= h / 4 && cw >= 8 && ch >= 8)
        {
            var inner = PdqHasher.HashRgb24(rgb[(((y0 * w) + x0) * 3)..], cw, ch, w * 3);
            _inner.Add(new VpdqFeature(frameNumber, inner.Quality, inner.Hash, seconds));
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
