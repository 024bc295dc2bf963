using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Harrier.Media.Video;

/// <summary>
/// Decodes video through ffmpeg as a child process: ffprobe for the stream facts, then raw RGB24 frames over a pipe,
/// one frame buffer at a time, so memory stays flat however long the video is.
/// </summary>
/// <remarks>
/// Frames are the decoder's own output (<c>-vsync passthrough</c>: no duplication or dropping, so variable-frame-rate
/// files keep their frame numbering) unless a constant resampling rate is asked for (TMK). Files are opened with the
/// <c>file:</c> protocol so a file name can never be read as another ffmpeg protocol. Only the first video stream that
/// is not cover art is read.
/// </remarks>
public sealed class VideoFrameReader(FfmpegOptions? options = null)
{
    private readonly FfmpegOptions _options = options ?? FfmpegOptions.Default;

    /// <summary>The options in use.</summary>
    public FfmpegOptions Options => _options;

    /// <summary>Stream facts of the first video stream.</summary>
    /// <exception cref="VideoException">Missing or empty file, no video stream, or a file ffprobe cannot read.</exception>
    /// <exception cref="FfmpegNotFoundException">ffprobe is not installed.</exception>
    public async Task<VideoStreamInfo> ProbeAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckFile(path);
        string[] args =
        [
            "-v", "error", "-select_streams", "V:0",
            "-show_entries",
            "stream=codec_name,width,height,pix_fmt,avg_frame_rate,r_frame_rate,duration,nb_frames:stream_tags=rotate:stream_side_data=rotation:format=duration",
            "-of", "json", FileUrl(path),
        ];
        using var probe = FfmpegProcess.Start(_options.FfprobePath, args, _options, cancellationToken);
        string json;
        int exit;
        try
        {
            json = await probe.ReadAllTextAsync(cancellationToken);
            exit = await probe.WaitForExitAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            probe.ThrowIfKilled(path, cancellationToken);
            throw;
        }

        probe.ThrowIfKilled(path, cancellationToken);
        if (exit != 0)
        {
            throw new VideoException(path, IsEmptyFile(path) ? "empty file (0 bytes)" : $"not a readable video ({probe.StderrSummary()})");
        }

        return ParseProbe(path, json);
    }

    /// <summary>
    /// Codecs whose keyframes decode on their own to the same pixels as in a full decode, and whose decoders honour
    /// <c>-skip_frame nokey</c> (checked with ffmpeg 5.1: H.264, HEVC, MPEG-4, MPEG-2 and VP8 output exactly the keyframes;
    /// the VP9 decoder ignores the option and outputs every frame, so VP9 is decoded fully).
    /// </summary>
    private static readonly HashSet<string> KeyframeCodecs = new(StringComparer.Ordinal) { "h264", "hevc", "mpeg4", "mpeg2video", "vp8" };

    /// <summary>Packets held to put decode order back into presentation order (B-frame reordering is far shallower).</summary>
    private const int ReorderWindow = 64;

    /// <summary>Keyframe-only decoding must save work: at most this many keyframes per sampled frame.</summary>
    private const int MaxKeyframesPerSample = 4;

    /// <summary>
    /// Decides from the packet table alone (ffprobe <c>-show_entries packet=pts,flags</c>: demuxing, no decoding) whether
    /// <c>-skip_frame nokey</c> yields exactly the frames that sampling every <paramref name="frameModulus"/>-th decoder frame
    /// selects: every sampled frame must be a keyframe. Decoder frame numbers are the packets' ranks in presentation
    /// order. Refused (full decode instead) for: modulus 1, codecs outside a known list, a packet without a timestamp,
    /// duplicate timestamps, discarded or corrupt packets, reordering deeper than the window, a sampled frame that is not a
    /// keyframe (reading stops there), or keyframes so dense that skipping saves little. Memory: the window plus one int
    /// per keyframe.
    /// </summary>
    public async Task<KeyframePlan> PlanKeyframesAsync(string path, VideoStreamInfo info, int frameModulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameModulus, 1);
        if (frameModulus == 1)
        {
            return KeyframePlan.Refuse("every frame is sampled", 0);
        }

        if (!KeyframeCodecs.Contains(info.Codec))
        {
            return KeyframePlan.Refuse($"codec {info.Codec} is not on the keyframe list", 0);
        }

        string[] args = ["-v", "error", "-select_streams", "V:0", "-show_entries", "packet=pts,flags", "-of", "csv=p=0", FileUrl(path)];
        using var probe = FfmpegProcess.Start(_options.FfprobePath, args, _options, cancellationToken);
        var window = new PriorityQueue<bool, long>();
        var keyframes = new List<int>();
        long emitted = 0;
        long lastPts = long.MinValue;
        string? refusal = null;

        // Ranks a packet in presentation order; returns a refusal or null.
        string? Emit(long pts, bool key)
        {
            if (pts <= lastPts)
            {
                return string.Create(CultureInfo.InvariantCulture, $"timestamps repeat or reorder beyond {ReorderWindow} packets (pts {pts} after {lastPts})");
            }

            lastPts = pts;
            var frame = emitted++;
            if (frame > int.MaxValue)
            {
                return "too many frames";
            }

            if (key)
            {
                keyframes.Add((int)frame);
                if (keyframes.Count > MaxKeyframesPerSample * ((frame / frameModulus) + 1))
                {
                    return "keyframes too dense for keyframe-only decoding to save work";
                }
            }
            else if (frame % frameModulus == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"sampled frame {frame} is not a keyframe");
            }

            return null;
        }

        try
        {
            await foreach (var line in probe.ReadLinesAsync(cancellationToken))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                var comma = line.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || !long.TryParse(line.AsSpan(0, comma), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pts))
                {
                    refusal = "a packet has no timestamp";
                    break;
                }

                var flags = line.AsSpan(comma + 1);
                if (flags.Contains('D') || flags.Contains('C'))
                {
                    refusal = "discarded or corrupt packets";
                    break;
                }

                window.Enqueue(flags.Length > 0 && flags[0] == 'K', pts);
                if (window.Count > ReorderWindow && window.TryDequeue(out var key, out var p) && (refusal = Emit(p, key)) is not null)
                {
                    break;
                }
            }

            while (refusal is null && window.TryDequeue(out var key, out var p))
            {
                refusal = Emit(p, key);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            probe.ThrowIfKilled(path, cancellationToken);
            throw;
        }

        if (refusal is not null)
        {
            // Dispose kills the probe: the rest of the packet table is not needed.
            return KeyframePlan.Refuse(refusal, emitted);
        }

        var exit = await probe.WaitForExitAsync(cancellationToken);
        probe.ThrowIfKilled(path, cancellationToken);
        if (exit != 0 || probe.StderrLines.Count > 0)
        {
            return KeyframePlan.Refuse($"ffprobe reported problems reading the packets ({probe.StderrSummary()})", emitted);
        }

        if (emitted == 0)
        {
            return KeyframePlan.Refuse("no packets", 0);
        }

        return new KeyframePlan(true, string.Create(CultureInfo.InvariantCulture, $"{keyframes.Count} keyframes of {emitted} frames"), keyframes, emitted);
    }

    /// <summary>
    /// Streams the frames <paramref name="request"/> selects. The frame memory is reused between iterations.
    /// </summary>
    /// <exception cref="VideoException">The file cannot be decoded, decodes to no frames, or ffmpeg stalled and was killed.</exception>
    /// <exception cref="FfmpegNotFoundException">ffmpeg is not installed.</exception>
    public async IAsyncEnumerable<VideoFrame> ReadFramesAsync(
        string path,
        VideoStreamInfo info,
        VideoFrameRequest request,
        VideoDiagnostics? diagnostics = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.FrameModulus, 1);
        if (request.AlsoFrameModulus is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.AlsoFrameModulus, "AlsoFrameModulus must be at least 1");
        }

        var (width, height) = OutputSize(info, request);
        if (width < 1 || height < 1)
        {
            throw new VideoException(path, string.Create(CultureInfo.InvariantCulture, $"video stream has no usable size ({info.Width}×{info.Height})"));
        }

        var keyframes = request.KeyframeNumbers;
        if (keyframes is not null && request.ResampleFramesPerSecond is not null)
        {
            throw new ArgumentException("keyframe-only decoding cannot be combined with resampling", nameof(request));
        }

        var frameBytes = checked(width * height * 3);
        var buffer = MediaBuffers.Rent<byte>(frameBytes);
        using var ffmpeg = FfmpegProcess.Start(_options.FfmpegPath, BuildArguments(path, request, width, height), _options, cancellationToken);
        try
        {
            var index = 0;
            var decoded = 0;
            var step = request.ResampleFramesPerSecond is null ? request.FrameModulus : 1;
            var also = request.EffectiveAlsoModulus;
            var (nextStep, nextAlso) = (0L, 0L);
            while (true)
            {
                bool got;
                try
                {
                    got = await ffmpeg.ReadBlockAsync(buffer.AsMemory(0, frameBytes), cancellationToken);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    ffmpeg.ThrowIfKilled(path, cancellationToken);
                    if (e is EndOfStreamException)
                    {
                        throw new VideoException(path, $"ffmpeg output ended mid-frame ({ffmpeg.StderrSummary()})", e);
                    }

                    throw;
                }

                if (!got)
                {
                    break;
                }

                if (keyframes is null)
                {
                    var frameNumber = index * step;
                    if (also is { } a)
                    {
                        // Two series through one select: the output is their union in frame order, each frame once.
                        var n = Math.Min(nextStep, nextAlso);
                        if (n > int.MaxValue)
                        {
                            throw new VideoException(path, "more frames than a frame number can count");
                        }

                        nextStep += n == nextStep ? step : 0;
                        nextAlso += n == nextAlso ? a : 0;
                        frameNumber = (int)n;
                    }

                    yield return new VideoFrame(frameNumber, width, height, buffer.AsMemory(0, frameBytes));
                    index++;
                    continue;
                }

                if (decoded >= keyframes.Count)
                {
                    throw new KeyframePlanMismatchException(path, string.Create(CultureInfo.InvariantCulture,
                        $"keyframe-only decoding produced more than the {keyframes.Count} keyframes of the packet table"));
                }

                var number = keyframes[decoded++];
                if (number % request.FrameModulus == 0)
                {
                    yield return new VideoFrame(number, width, height, buffer.AsMemory(0, frameBytes));
                    index++;
                }
            }

            if (keyframes is not null && decoded != keyframes.Count)
            {
                throw new KeyframePlanMismatchException(path, string.Create(CultureInfo.InvariantCulture,
                    $"keyframe-only decoding produced {decoded} of the {keyframes.Count} keyframes of the packet table"));
            }

            int exit;
            try
            {
                exit = await ffmpeg.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                ffmpeg.ThrowIfKilled(path, cancellationToken);
                throw;
            }

            ffmpeg.ThrowIfKilled(path, cancellationToken);
            if (exit != 0)
            {
                throw new VideoException(path, $"ffmpeg failed (exit code {exit}): {ffmpeg.StderrSummary()}");
            }

            if (index == 0)
            {
                throw new VideoException(path, ffmpeg.StderrLines.Count > 0
                    ? $"no decodable video frames ({ffmpeg.StderrSummary()})"
                    : "no video frames (zero-length video)");
            }

            if (diagnostics is not null)
            {
                diagnostics.FramesRead = index;
                diagnostics.Add(ffmpeg.StderrLines);
            }
        }
        finally
        {
            MediaBuffers.Return(buffer);
        }
    }

    /// <summary>The output frame size for a request on a stream.</summary>
    public static (int Width, int Height) OutputSize(VideoStreamInfo info, VideoFrameRequest request)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(request);
        var w = request.ApplyRotation ? info.DisplayWidth : info.Width;
        var h = request.ApplyRotation ? info.DisplayHeight : info.Height;
        return (request.Width ?? w, request.Height ?? h);
    }

    /// <summary>The ffmpeg command line for a request (exposed for tests and for reproducing a run by hand).</summary>
    public IReadOnlyList<string> BuildArguments(string path, VideoFrameRequest request, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(request);
        var args = new List<string> { "-nostdin", "-hide_banner", "-loglevel", "error" };
        if (_options.DecoderThreads > 0)
        {
            args.AddRange(["-threads", _options.DecoderThreads.ToString(CultureInfo.InvariantCulture)]);
        }
        else if (request.KeyframeNumbers is not null)
        {
            // Frame threading only adds latency when every frame is independent (deps-here.md §2).
            args.AddRange(["-threads", "1"]);
        }

        if (request.KeyframeNumbers is not null)
        {
            // A decoder option, so before -i. No select filter: the decoder output is already the keyframes.
            args.AddRange(["-skip_frame", "nokey"]);
        }

        if (!request.ApplyRotation)
        {
            args.Add("-noautorotate");
        }

        args.AddRange(["-i", FileUrl(path), "-map", "0:V:0", "-an", "-sn", "-dn"]);
        var filters = new List<string>();
        if (request.ResampleFramesPerSecond is null && request.KeyframeNumbers is null && request.FrameModulus > 1)
        {
            // n counts the frames entering the graph, i.e. decoder output frames: the reference's frameNumber.
            filters.Add(request.EffectiveAlsoModulus is { } also
                ? string.Create(CultureInfo.InvariantCulture, $"select=not(mod(n\\,{request.FrameModulus}))+not(mod(n\\,{also}))")
                : string.Create(CultureInfo.InvariantCulture, $"select=not(mod(n\\,{request.FrameModulus}))"));
        }

        filters.Add(string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}:flags={request.ScaleFlags}"));
        filters.Add("format=rgb24");
        args.AddRange(["-vf", string.Join(',', filters)]);
        if (request.ResampleFramesPerSecond is { } fps)
        {
            args.AddRange(["-r", fps.ToString(CultureInfo.InvariantCulture)]);
        }
        else
        {
            args.AddRange(["-vsync", "passthrough"]);
        }

        args.AddRange(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]);
        return args;
    }

    internal static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    private static void CheckFile(string path)
    {
        FileInfo file;
        try
        {
            file = new FileInfo(path);
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException)
        {
            throw new VideoException(path, "invalid path", e);
        }

        if (Directory.Exists(path))
        {
            throw new VideoException(path, "is a directory, not a video file");
        }

        if (!file.Exists)
        {
            throw new VideoException(path, "file not found");
        }

    }

    /// <summary>A regular file of 0 bytes (a FIFO also reports 0, so this is only asked once ffprobe has failed).</summary>
    private static bool IsEmptyFile(string path)
    {
        try
        {
            return new FileInfo(path).Length == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static VideoStreamInfo ParseProbe(string path, string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new VideoException(path, "ffprobe returned unreadable output", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (!root.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array || streams.GetArrayLength() == 0)
            {
                throw new VideoException(path, "no video stream (audio-only or not a video)");
            }

            var s = streams[0];
            var width = GetInt(s, "width");
            var height = GetInt(s, "height");
            if (width < 1 || height < 1)
            {
                throw new VideoException(path, "video stream has no frame size (corrupt or unsupported codec)");
            }

            double? duration = GetDouble(s, "duration");
            if (duration is null && root.TryGetProperty("format", out var format))
            {
                duration = GetDouble(format, "duration");
            }

            long? frames = GetString(s, "nb_frames") is { } nb && long.TryParse(nb, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
            return new VideoStreamInfo(
                GetString(s, "codec_name") ?? "unknown",
                width,
                height,
                GetString(s, "pix_fmt") ?? "unknown",
                FrameRate.Parse(GetString(s, "avg_frame_rate")),
                FrameRate.Parse(GetString(s, "r_frame_rate")),
                duration,
                frames,
                Rotation(s));
        }
    }

    /// <summary>Clockwise display rotation: the display matrix (counter-clockwise degrees) wins over the old <c>rotate</c> tag.</summary>
    private static int Rotation(JsonElement stream)
    {
        double? degrees = null;
        if (stream.TryGetProperty("side_data_list", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var sd in list.EnumerateArray())
            {
                if (sd.TryGetProperty("rotation", out var r) && r.TryGetDouble(out var ccw))
                {
                    degrees = -ccw;
                }
            }
        }

        if (degrees is null && stream.TryGetProperty("tags", out var tags) && GetDouble(tags, "rotate") is { } cw)
        {
            degrees = cw;
        }

        var quarter = (int)Math.Round((degrees ?? 0) / 90.0);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    private static int GetInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : 0;

    private static string? GetString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? GetDouble(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }
}
