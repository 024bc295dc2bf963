using Harrier.Media.Pdq;
using Harrier.Media.Video;

namespace Harrier.Media.Vpdq;

/// <summary>
/// vPDQ (spec §2.1): frames decoded by ffmpeg to RGB24 with area scaling at native size (or N×N), every frameMod-th
/// decoder frame hashed with the full-resolution PDQ front end. Compatible with <c>vpdq-hash-video</c> and pytx within
/// the upstream tolerance (decoder and swscale versions move pixels slightly).
/// </summary>
public static class VpdqHasher
{
    /// <summary>Hashes one video file.</summary>
    /// <exception cref="VideoException">The file is missing, empty, not a video, corrupt, or ffmpeg stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg/ffprobe are not installed.</exception>
    public static async Task<VpdqVideoHash> HashFileAsync(string path, VpdqOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new VpdqOptions();
        if (options.SecondsPerHash < 0 || double.IsNaN(options.SecondsPerHash))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "SecondsPerHash must be 0 or more");
        }

        if (options.DownsampleSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DownsampleSize must be at least 1");
        }

        var reader = new VideoFrameReader(options.Ffmpeg);
        var info = await reader.ProbeAsync(path, cancellationToken);
        var fps = info.FramesPerSecond;
        if (fps <= 0)
        {
            throw new VideoException(path, "the video stream declares no frame rate (avg_frame_rate and r_frame_rate are both unknown)");
        }

        var frameMod = options.FrameModulus(fps);
        var request = VideoFrameRequest.Vpdq(frameMod, options.DownsampleSize);
        var diagnostics = new VideoDiagnostics();
        var features = new List<VpdqFeature>();
        await foreach (var frame in reader.ReadFramesAsync(path, info, request, diagnostics, cancellationToken))
        {
            var r = PdqHasher.HashRgb24(frame.Rgb24.Span, frame.Width, frame.Height, frame.Width * 3);
            features.Add(new VpdqFeature(frame.FrameNumber, r.Quality, r.Hash, frame.FrameNumber / fps));
        }

        return new VpdqVideoHash(path, info, frameMod, features, diagnostics.Messages);
    }
}
