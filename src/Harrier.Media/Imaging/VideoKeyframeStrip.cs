using Harrier.Media.Video;

namespace Harrier.Media.Imaging;

/// <summary>
/// A video's keyframe strip: <see cref="ThumbnailOptions.StripFrames"/> frames evenly spaced over its length, side
/// by side, each greyscale and blurred like an image thumbnail. Frames come from ffmpeg already scaled down to the
/// thumbnail size (display orientation), so no full-size frame is kept.
/// </summary>
public static class VideoKeyframeStrip
{
    /// <summary>Makes the strip of the video at <paramref name="path"/>.</summary>
    /// <exception cref="VideoException">The video cannot be decoded.</exception>
    public static async Task<GreyImage> MakeAsync(string path, VideoStreamInfo info, ThumbnailOptions options, FfmpegOptions? ffmpeg,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var (dw, dh) = (info.DisplayWidth, info.DisplayHeight);
        var scale = Math.Min(1.0, (double)options.MaxSide / Math.Max(dw, dh));
        var request = new VideoFrameRequest
        {
            Width = Math.Max(1, (int)Math.Round(dw * scale)),
            Height = Math.Max(1, (int)Math.Round(dh * scale)),
            ApplyRotation = true,
            ScaleFlags = "area",
            FrameModulus = Modulus(info, options.StripFrames),
        };

        // Keep every selected frame's (small) tile; when a wrong frame count in the header yields many more than
        // asked for, drop every other one so the survivors stay evenly spaced and memory stays small.
        var tiles = new List<GreyImage>();
        await foreach (var frame in new VideoFrameReader(ffmpeg).ReadFramesAsync(path, info, request, null, cancellationToken))
        {
            tiles.Add(BlurredThumbnail.FromRgb24(frame.Rgb24.Span, frame.Width, frame.Height, frame.Width * 3, options));
            if (tiles.Count >= 8 * options.StripFrames)
            {
                tiles = [.. tiles.Where((_, i) => i % 2 == 0)];
            }
        }

        return BlurredThumbnail.Strip(Pick(tiles, options.StripFrames));
    }

    /// <summary>Every how many decoded frames one is taken, from the declared or estimated frame count.</summary>
    internal static int Modulus(VideoStreamInfo info, int frames)
    {
        long? total = info.FrameCount is > 0 ? info.FrameCount
            : info.DurationSeconds is > 0 && info.FramesPerSecond > 0 ? (long)(info.DurationSeconds.Value * info.FramesPerSecond) : null;
        return total is { } n ? (int)Math.Clamp(n / frames, 1, int.MaxValue) : Math.Max(1, (int)Math.Round(info.FramesPerSecond));
    }

    /// <summary><paramref name="count"/> items evenly spaced over <paramref name="all"/> (all of them when there are fewer).</summary>
    internal static IReadOnlyList<T> Pick<T>(IReadOnlyList<T> all, int count)
    {
        if (all.Count <= count)
        {
            return all;
        }

        return [.. Enumerable.Range(0, count).Select(i => all[(int)((i + 0.5) * all.Count / count)])];
    }
}
