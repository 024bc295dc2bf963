using System.Threading.Channels;
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
    public static Task<VpdqVideoHash> HashFileAsync(string path, VpdqOptions? options = null, CancellationToken cancellationToken = default) =>
        HashFileAsync(path, options, null, cancellationToken);

    /// <summary>
    /// Hashes one video file and hands every sampled frame to <paramref name="sink"/> as it is decoded (the one frame
    /// pump: ingest's extra frame features come from the same decode as the vPDQ hashes). With a sink the video is
    /// always decoded fully: a keyframe plan that turns out not to line up would have fed the sink frames it cannot
    /// take back.
    /// </summary>
    /// <exception cref="VideoException">The file is missing, empty, not a video, corrupt, or ffmpeg stalled.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg/ffprobe are not installed.</exception>
    public static Task<VpdqVideoHash> HashFileAsync(string path, VpdqOptions? options, IVpdqFrameSink? sink, CancellationToken cancellationToken) =>
        HashFileAsync(path, options, sink, null, cancellationToken);

    /// <summary>As the public overload, with the stream facts already read by ffprobe (<paramref name="probed"/>; null probes here).</summary>
    internal static async Task<VpdqVideoHash> HashFileAsync(string path, VpdqOptions? options, IVpdqFrameSink? sink, VideoStreamInfo? probed,
        CancellationToken cancellationToken)
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
        var info = probed ?? await reader.ProbeAsync(path, cancellationToken);
        var fps = info.FramesPerSecond;
        if (fps <= 0)
        {
            throw new VideoException(path, "the video stream declares no frame rate (avg_frame_rate and r_frame_rate are both unknown)");
        }

        var frameMod = options.FrameModulus(fps);
        var (frameWidth, frameHeight) = options.FrameSize(info.Width, info.Height);
        var request = (frameWidth, frameHeight) == (info.Width, info.Height)
            ? VideoFrameRequest.Vpdq(frameMod, options.DownsampleSize)
            : VideoFrameRequest.Vpdq(frameMod) with { Width = frameWidth, Height = frameHeight };
        var reason = "";
        if (options.KeyframeDecoding && frameMod > 1 && sink is null)
        {
            var plan = await reader.PlanKeyframesAsync(path, info, frameMod, cancellationToken);
            reason = plan.Reason;
            if (plan.Usable)
            {
                try
                {
                    var keyDiagnostics = new VideoDiagnostics();
                    var keyed = await HashFramesAsync(
                        reader.ReadFramesAsync(path, info, request with { KeyframeNumbers = plan.KeyframeNumbers }, keyDiagnostics, cancellationToken),
                        info, null, frameMod, 0, options.MaxDegreeOfParallelism, cancellationToken);
                    return new VpdqVideoHash(path, info, frameMod, keyed, keyDiagnostics.Messages)
                    {
                        KeyframeDecoding = true, DecodingReason = reason, FrameWidth = frameWidth, FrameHeight = frameHeight,
                    };
                }
                catch (KeyframePlanMismatchException e)
                {
                    // The decoder did not line up with the packet table: throw the frames away and decode fully.
                    reason = e.Detail;
                }
            }
        }

        var diagnostics = new VideoDiagnostics();
        var second = sink is { WantsWholeSecondFrames: true } ? (options with { SecondsPerHash = 1 }).FrameModulus(fps) : 0;
        if (second > 0)
        {
            request = request with { AlsoFrameModulus = second };
        }

        var features = await HashFramesAsync(reader.ReadFramesAsync(path, info, request, diagnostics, cancellationToken), info, sink, frameMod, second,
            options.MaxDegreeOfParallelism, cancellationToken);
        return new VpdqVideoHash(path, info, frameMod, features, diagnostics.Messages) { DecodingReason = reason, FrameWidth = frameWidth, FrameHeight = frameHeight };
    }

    /// <summary>
    /// Hashes frames on worker threads while the reader keeps decoding. Frames are copied into pooled buffers and handed
    /// over through a channel bounded in bytes (at most ~64 MiB of frames in flight), so memory stays flat. The sink, if
    /// any, sees each frame first, in order, on this thread. With <paramref name="second"/> &gt; 0 the frames include the
    /// whole-second ones (multiples of it), which go to the sink's <see cref="IVpdqFrameSink.OnWholeSecondFrame"/> and,
    /// unless they are multiples of <paramref name="frameMod"/> too, nowhere else.
    /// </summary>
    private static async Task<List<VpdqFeature>> HashFramesAsync(IAsyncEnumerable<VideoFrame> frames, VideoStreamInfo info, IVpdqFrameSink? sink,
        int frameMod, int second, int parallelism, CancellationToken cancellationToken)
    {
        var fps = info.FramesPerSecond;
        const long maxBytesInFlight = 64L << 20;
        var results = new List<VpdqFeature>();
        if (parallelism <= 1)
        {
            await foreach (var frame in frames.WithCancellation(cancellationToken))
            {
                if (!Sampled(frame, info, sink, frameMod, second, fps))
                {
                    continue;
                }

                sink?.OnFrame(info, frame, frame.FrameNumber / fps);
                results.Add(HashFrame(frame.FrameNumber, frame.Rgb24.Span, frame.Width, frame.Height, fps));
            }

            return results;
        }

        Channel<(int FrameNumber, int Width, int Height, byte[] Pixels, int Length)>? channel = null;
        var workers = new List<Task>();
        var gate = new object();
        try
        {
            await foreach (var frame in frames.WithCancellation(cancellationToken))
            {
                if (!Sampled(frame, info, sink, frameMod, second, fps))
                {
                    continue;
                }

                sink?.OnFrame(info, frame, frame.FrameNumber / fps);
                if (channel is null)
                {
                    var capacity = (int)Math.Clamp(maxBytesInFlight / Math.Max(1, frame.Rgb24.Length), 1, 2 * parallelism);
                    channel = Channel.CreateBounded<(int, int, int, byte[], int)>(new BoundedChannelOptions(capacity) { SingleWriter = true });
                    var reader = channel.Reader;
                    for (var w = 0; w < parallelism; w++)
                    {
                        workers.Add(Task.Run(async () =>
                        {
                            await foreach (var item in reader.ReadAllAsync(cancellationToken))
                            {
                                try
                                {
                                    var feature = HashFrame(item.FrameNumber, item.Pixels.AsSpan(0, item.Length), item.Width, item.Height, fps);
                                    lock (gate)
                                    {
                                        results.Add(feature);
                                    }
                                }
                                catch (Exception e)
                                {
                                    // Unblock the producer: its next write fails with this error instead of waiting for ever.
                                    channel.Writer.TryComplete(e);
                                    throw;
                                }
                                finally
                                {
                                    MediaBuffers.Return(item.Pixels);
                                }
                            }
                        }, cancellationToken));
                    }
                }

                var copy = MediaBuffers.Rent<byte>(frame.Rgb24.Length);
                frame.Rgb24.Span.CopyTo(copy);
                await channel.Writer.WriteAsync((frame.FrameNumber, frame.Width, frame.Height, copy, frame.Rgb24.Length), cancellationToken);
            }
        }
        finally
        {
            channel?.Writer.TryComplete();
            try
            {
                await Task.WhenAll(workers);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller's cancellation surfaces from the enumeration; workers stopping on it is expected.
            }
        }

        results.Sort((a, b) => a.FrameNumber.CompareTo(b.FrameNumber));
        return results;
    }

    /// <summary>Hands a whole-second frame to the sink; true when the frame is one of vPDQ's sampled frames.</summary>
    private static bool Sampled(VideoFrame frame, VideoStreamInfo info, IVpdqFrameSink? sink, int frameMod, int second, double fps)
    {
        if (second > 0 && frame.FrameNumber % second == 0)
        {
            sink?.OnWholeSecondFrame(info, frame, frame.FrameNumber / fps);
        }

        return frame.FrameNumber % frameMod == 0;
    }

    private static VpdqFeature HashFrame(int frameNumber, ReadOnlySpan<byte> rgb, int width, int height, double fps)
    {
        var r = PdqHasher.HashRgb24(rgb, width, height, width * 3);
        return new VpdqFeature(frameNumber, r.Quality, r.Hash, frameNumber / fps);
    }
}
