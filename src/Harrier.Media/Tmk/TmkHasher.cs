using Harrier.Media.Video;

namespace Harrier.Media.Tmk;

/// <summary>
/// TMK+PDQF hashing of a video file (spec §3): ffmpeg resamples to 15 fps and scales to 64×64 with its default bicubic
/// scaler, exactly the reference's command line, and each frame's PDQF feature goes into a <see cref="TmkAccumulator"/>.
/// </summary>
public static class TmkHasher
{
    /// <summary>Hashes one video file.</summary>
    /// <exception cref="VideoException">The file is missing, empty, not a video, corrupt, or ffmpeg stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg/ffprobe are not installed.</exception>
    public static Task<TmkFeatures> HashFileAsync(string path, FfmpegOptions? ffmpeg = null, CancellationToken cancellationToken = default) =>
        HashFileAsync(path, ffmpeg, null, cancellationToken);

    /// <summary>As the public overload, with the stream facts already read by ffprobe (<paramref name="probed"/>; null probes here).</summary>
    internal static async Task<TmkFeatures> HashFileAsync(string path, FfmpegOptions? ffmpeg, VideoStreamInfo? probed, CancellationToken cancellationToken)
    {
        var reader = new VideoFrameReader(ffmpeg);
        var info = probed ?? await reader.ProbeAsync(path, cancellationToken);
        var accumulator = new TmkAccumulator();
        await foreach (var frame in reader.ReadFramesAsync(path, info, VideoFrameRequest.Tmk(), cancellationToken: cancellationToken))
        {
            accumulator.AddRgb64(frame.Rgb24.Span);
        }

        return accumulator.Finish();
    }
}
