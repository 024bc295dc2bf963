using System.Globalization;
using System.Runtime;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Tmk;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Media.Features;

/// <summary>
/// Everything ingest computes for one media file, from its content alone: the kind and format sniffed from its first
/// bytes (never its name); embedded metadata (camera, GPS, dates) for images, MP4/MOV/AVI, HEIF and TIFF, malformed
/// metadata being a note, never a failure; for an image, its dihedral PDQ hashes plain and inside a uniform border (the
/// image hypotheses, for images nothing else matched, come from <see cref="HypothesesAsync"/>); for a video, its vPDQ frame features (with border-trimmed and overlay-painted ones, reframed and dihedral ones) from
/// one decode through <see cref="VpdqHasher"/>'s frame pump, and its TMK level-1 feature; with
/// <see cref="Thumbnails"/>, a blurred greyscale thumbnail or keyframe strip. Undecodable media comes back as kind
/// unreadable with the reason. Thread-safe: one extractor serves files in parallel.
/// </summary>
public sealed class MediaFeatureExtractor
{
    /// <summary>Seconds between hashed video frames (0.25: four per second; the interchange default is 1).</summary>
    public double SecondsPerFrame { get; init; } = 0.25;

    /// <summary>ffmpeg location and stall timeout.</summary>
    public FfmpegOptions Ffmpeg { get; init; } = FfmpegOptions.Default;

    /// <summary>How blurred thumbnails and keyframe strips are made; null: none are made.</summary>
    public ThumbnailOptions? Thumbnails { get; init; } = ThumbnailOptions.Default;

    /// <summary>What is decoded, at what size, and the memory estimate reserved for each file.</summary>
    public MediaLimits Limits { get; init; } = MediaLimits.Default;

    /// <summary>
    /// The run's memory budget: each file's estimated working set is reserved here before it is decoded (a file waits
    /// until it fits; one that can never fit is refused with the reason). Null: no budget (one file at a time, say).
    /// </summary>
    public MemoryBudget? Budget { get; init; }

    /// <summary>
    /// The features of the file at <paramref name="path"/>; with <paramref name="expectedSize"/>, a file whose size is
    /// not that (changed since it was registered) comes back unreadable.
    /// </summary>
    /// <exception cref="FfmpegNotFoundException">ffmpeg/ffprobe are not installed (a video needs them).</exception>
    public async Task<MediaFeatures> ExtractAsync(string path, long? expectedSize, CancellationToken cancellationToken)
    {
        string kind;
        string? format;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || (expectedSize is { } size && info.Length != size))
            {
                return Unreadable(null, "the evidence file is missing or its size changed since registration");
            }

            (kind, format) = MediaSniffer.Sniff(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(null, "cannot read: " + e.Message);
        }

        // Metadata is read even when the pixels do not decode: EXIF often survives a truncated image.
        var metadata = CarriesMetadata(kind, format) ? MediaMetadataReader.Read(path) : null;
        var notes = new List<string>(metadata?.Notes ?? []);
        var features = kind switch
        {
            MediaKinds.Image => await ImageAsync(path, format, notes, cancellationToken),
            MediaKinds.Video => await VideoAsync(path, format, notes, cancellationToken),
            _ => new MediaFeatures(kind, format),
        };
        return features with { Metadata = metadata, Notes = notes };
    }

    private async Task<MediaFeatures> ImageAsync(string path, string? format, List<string> notes, CancellationToken cancellationToken)
    {
        long need;
        try
        {
            need = ImageEstimate(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(format, "cannot read: " + e.Message);
        }

        if (OverBudget(need) is { } refusal)
        {
            return Unreadable(format, refusal);
        }

        var lease = Budget is { } budget ? await budget.ReserveAsync(need, cancellationToken) : null;
        try
        {
            return Image(path, format, notes);
        }
        finally
        {
            Release(lease, need);
        }
    }

    /// <summary>Reservations of this size or more give their memory back to the system before the next file may take it.</summary>
    internal const long LargeReservationBytes = 256L << 20;

    /// <summary>
    /// Ends a file's reservation. After a large one, a blocking, compacting full collection first: the budget counts memory
    /// as free once a file is done, and the garbage collector would otherwise keep the file's large arrays (and the pages
    /// under them) until some later collection, while the next file's decode already counts on that room. A few
    /// milliseconds against the seconds such a file takes to decode.
    /// </summary>
    private static void Release(IDisposable? lease, long bytes)
    {
        if (lease is null)
        {
            return;
        }

        if (bytes >= LargeReservationBytes)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        lease.Dispose();
    }

    /// <summary>
    /// The memory to reserve for an image, from the size its header declares (read from the first bytes, before any pixel
    /// memory exists); a header that does not say is taken at the decoder's pixel cap, the most it could cost.
    /// </summary>
    private static long ImageEstimate(string path)
    {
        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete });
        var length = stream.Length;
        var prefix = new byte[(int)Math.Min(length, 1 << 20)];
        stream.ReadExactly(prefix);
        var cap = ImageDecoderOptions.Default.MaxPixels;
        if (ImageDecoder.TryReadSize(prefix, out var width, out var height) && (long)width * height <= cap)
        {
            return MediaLimits.ImageBytes(width, height, length);
        }

        var side = (int)Math.Sqrt(cap);
        return MediaLimits.ImageBytes(side, side, length);
    }

    /// <summary>Why a file needing <paramref name="bytes"/> cannot be decoded within the budget, or null when it can.</summary>
    private string? OverBudget(long bytes) => Budget is { } budget && !budget.Fits(bytes)
        ? string.Create(CultureInfo.InvariantCulture,
            $"not decoded: it needs an estimated {bytes >> 20} MiB, more than the whole ingest memory budget of {budget.CapacityBytes >> 20} MiB (raise it with --memory-budget)")
        : null;

    private MediaFeatures Image(string path, string? format, List<string> notes)
    {
        try
        {
            // The plain hashes (what a bank's PDQ list holds) and, when the image has a uniform border (a frame added
            // around a re-post), the hashes of the content inside it, as `hash pdq --trim-borders` does: inside the
            // outermost layer, inside every layer (a screenshot's chrome, then the page around a picture) and inside an
            // even frame (BorderTrimmer.FindFrame: a photo on black in a black frame loses its background to the
            // other two, and with it the match). All, not the trimmed ones alone: a photo whose own edge is nearly
            // uniform loses that edge to trimming and then no longer matches its bank hash (docs/benchmarks.md,
            // "+ trimmed hash"), and a frame around such a photo is peeled with it unless only one layer is taken.
            using var image = ImageDecoder.Decode(path);
            var pdq = PdqImageHasher.HashDihedral(image);
            var trimmed = new[] { BorderTrimmer.FindContent(image, maxLayers: 1), BorderTrimmer.FindContent(image), BorderTrimmer.FindFrame(image) }
                .Distinct().Where(r => r != PixelRegion.Whole(image.Width, image.Height))
                .Select(r => PdqImageHasher.HashDihedral(image, r)).ToList();
            // The image hypotheses (centre and off-centre crops, small rotations, content inside a surround) are not
            // computed here: triage computes them only for the images nothing else matched (HypothesesAsync, issue 21.6).
            GreyImage? thumbnail = null;
            if (Thumbnails is { } options)
            {
                try
                {
                    thumbnail = BlurredThumbnail.FromImage(image, options);
                }
                catch (InvalidOperationException e)
                {
                    notes.Add("thumbs not written: " + e.Message);
                }
            }

            return new MediaFeatures(MediaKinds.Image, format)
            {
                Width = image.Width, Height = image.Height, Pdq = pdq, PdqTrimmed = trimmed, Thumbnail = thumbnail,
            };
        }
        catch (Exception e) when (e is ImageDecodeException or IOException or InvalidDataException)
        {
            return Unreadable(format, "image does not decode: " + e.Message);
        }
    }

    /// <summary>
    /// The hypotheses of the image or video at <paramref name="path"/>, which triage tries only for files nothing else
    /// matched (issue 21.6: computed then, not at ingest). For an image: its centre crops (<see cref="PdqReframe"/>),
    /// off-centre crops (<see cref="PdqOffCentre"/>), small rotations (<see cref="PdqDerotate"/>) and the content found
    /// inside a surround (<see cref="PdqInset"/>), from one decode within <see cref="Budget"/>; comes back as kind image
    /// with only those and the size set. For a video: the same off-centre, de-rotation and inset hashes of a bounded set
    /// of sampled frames (<see cref="VideoHypothesisFrames"/>, <see cref="MediaFeatures.VpdqHypotheses"/>); comes back as
    /// kind video with only those and the size set. Otherwise kind unreadable with the reason (missing, size changed,
    /// neither an image nor a video, does not decode).
    /// </summary>
    public async Task<MediaFeatures> HypothesesAsync(string path, long? expectedSize, CancellationToken cancellationToken)
    {
        string kind;
        string? format;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || (expectedSize is { } size && info.Length != size))
            {
                return Unreadable(null, "the evidence file is missing or its size changed since registration");
            }

            (kind, format) = MediaSniffer.Sniff(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(null, "cannot read: " + e.Message);
        }

        return kind switch
        {
            MediaKinds.Image => await ImageHypothesesAsync(path, format, cancellationToken),
            MediaKinds.Video => await VideoHypothesesAsync(path, format, cancellationToken),
            _ => Unreadable(format, "not an image or a video (sniffed as " + kind + "); no hypotheses"),
        };
    }

    private async Task<MediaFeatures> ImageHypothesesAsync(string path, string? format, CancellationToken cancellationToken)
    {
        long need;
        try
        {
            need = ImageEstimate(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(null, "cannot read: " + e.Message);
        }

        if (OverBudget(need) is { } refusal)
        {
            return Unreadable(format, refusal);
        }

        var lease = Budget is { } budget ? await budget.ReserveAsync(need, cancellationToken) : null;
        try
        {
            using var image = ImageDecoder.Decode(path);
            return Hypotheses(image, format);
        }
        catch (Exception e) when (e is ImageDecodeException or IOException or InvalidDataException)
        {
            return Unreadable(format, "image does not decode: " + e.Message);
        }
        finally
        {
            Release(lease, need);
        }
    }

    /// <summary>The image hypotheses of a decoded image (<see cref="HypothesesAsync"/>).</summary>
    internal static MediaFeatures Hypotheses(DecodedImage image, string? format)
    {
        // That the image is a centre crop of a bank picture (PdqReframe): a crop moves PDQ as far as an unrelated image,
        // so neither the plain nor the trimmed hashes can find it; that it is an off-centre crop (one side cut, or a corner
        // kept) or a slightly turned copy (issue 21: 24 + 6 hashes); and that it shows another picture inside a
        // non-uniform surround (a screenshot, a picture-in-picture inset: at most PdqInset.MaxRegions hashes, none for
        // most photos, issue 21.3).
        var reframed = PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash).ToList();
        var g = Geometric(image.Pixels, PdqImageHasher.PixelFormatOf(image), image.Width, image.Height, image.Stride);
        return new MediaFeatures(MediaKinds.Image, format)
        {
            Width = image.Width, Height = image.Height, PdqReframed = reframed, PdqOffCentre = g.OffCentre, PdqOffCentreStable = g.OffCentreStable,
            PdqDerotated = g.Derotated, PdqDerotatedStable = g.DerotatedStable, PdqInset = g.Inset,
        };
    }

    /// <summary>
    /// The geometric hypotheses of one picture (an image, or a sampled video frame): off-centre crops and small rotations,
    /// each with its stable bits (the bits three fills of the guessed border agree on, three hashes a hypothesis, which
    /// triage compares by the masked distance: docs/benchmarks.md, "One-side 15 % crops" and "Turns"), and the content
    /// regions found inside a surround, with the default crops, angles and region limit.
    /// </summary>
    private static (List<Hash256> OffCentre, List<Hash256> OffCentreStable, List<Hash256> Derotated, List<Hash256> DerotatedStable,
        List<(PixelRegion, Hash256)> Inset) Geometric(ReadOnlySpan<byte> pixels, PdqPixelFormat pixelFormat, int width, int height, int stride)
    {
        var offCentre = PdqOffCentre.HashWithStableBits(pixels, pixelFormat, width, height, stride, PdqOffCentre.DefaultCrops);
        var derotated = PdqDerotate.HashWithStableBits(pixels, pixelFormat, width, height, stride, PdqDerotate.DefaultAngles);
        return ([.. offCentre.Select(c => c.Result.Hash)], [.. offCentre.Select(c => c.Stable)],
            [.. derotated.Select(c => c.Result.Hash)], [.. derotated.Select(c => c.Stable)],
            [.. PdqInset.Hash(pixels, pixelFormat, width, height, stride).Select(r => (r.Region, r.Result.Hash))]);
    }

    /// <summary>
    /// Sampled frames a video's hypotheses are computed for, at most (8): each carries 24 + 6 hashes and the inset regions
    /// found in any of the 8 frames (at most 24; about 5 on the benchmark's sources), so a video brings at most 432
    /// hypothesis hashes; 8 frames also let the whole-video rule (a share of
    /// the frames under one geometry) tell a majority of the frames from chance, which 3 or 4 frames could not.
    /// </summary>
    public const int VideoHypothesisFrames = 8;

    /// <summary>
    /// A video's hypotheses: up to <see cref="VideoHypothesisFrames"/> frames at whole seconds evenly spread over its
    /// duration, each a frame a bank video is hashed at (decoder frame s · ⌊fps⌋, the interchange rate's frames), so the
    /// hypothesis of a re-encode meets the bank's frame of the same moment; a near-blank frame (PDQ quality under 50,
    /// which triage would not match anyway) is passed over for the next whole second. One decode, one frame held at a
    /// time, within the run's memory budget as ingest reserves it.
    /// </summary>
    private async Task<MediaFeatures> VideoHypothesesAsync(string path, string? format, CancellationToken cancellationToken)
    {
        try
        {
            var reader = new VideoFrameReader(Ffmpeg);
            var info = await reader.ProbeAsync(path, cancellationToken);
            var native = (long)info.Width * info.Height;
            if (native > Limits.MaxVideoPixels)
            {
                return Unreadable(format, string.Create(CultureInfo.InvariantCulture,
                    $"video frame of {info.Width}×{info.Height} = {native} pixels, over the {Limits.MaxVideoPixels}-pixel cap for video; not decoded"));
            }

            var fps = info.FramesPerSecond;
            if (fps <= 0)
            {
                return Unreadable(format, "the video stream declares no frame rate; no video hypotheses");
            }

            var large = native > Limits.MaxHashPixels;
            var options = new VpdqOptions { SecondsPerHash = 1, Ffmpeg = large ? Ffmpeg with { DecoderThreads = 1 } : Ffmpeg, MaxFramePixels = Limits.MaxHashPixels };
            var (frameWidth, frameHeight) = options.FrameSize(info.Width, info.Height);
            var need = Limits.VideoBytes(info.Width, info.Height, frameWidth, frameHeight);
            if (OverBudget(need) is { } refusal)
            {
                return Unreadable(format, refusal);
            }

            var modulus = options.FrameModulus(fps);
            var targets = HypothesisSeconds(info.DurationSeconds ?? (info.FrameCount is { } n ? n / fps : null), VideoHypothesisFrames);
            var frames = new List<VpdqFrameHypotheses>();
            var lease = Budget is { } budget ? await budget.ReserveAsync(need, cancellationToken) : null;
            try
            {
                var request = VideoFrameRequest.Vpdq(modulus) with { Width = frameWidth, Height = frameHeight };
                var next = 0;
                await foreach (var frame in new VideoFrameReader(options.Ffmpeg).ReadFramesAsync(path, info, request, null, cancellationToken))
                {
                    var second = frame.FrameNumber / modulus;
                    if (second < targets[next])
                    {
                        continue;
                    }

                    var rgb = frame.Rgb24.Span;
                    var plain = PdqHasher.HashRgb24(rgb, frame.Width, frame.Height, frame.Width * 3);
                    if (plain.Quality < MinHypothesisQuality)
                    {
                        continue;
                    }

                    var g = Geometric(rgb, PdqPixelFormat.Rgb24, frame.Width, frame.Height, frame.Width * 3);
                    frames.Add(new VpdqFrameHypotheses(frame.FrameNumber, frame.FrameNumber / fps, plain.Quality, g.OffCentre, g.Derotated, g.Inset)
                    {
                        OffCentreStable = g.OffCentreStable, DerotatedStable = g.DerotatedStable,
                    });
                    while (next < targets.Count && targets[next] <= second)
                    {
                        next++;
                    }

                    if (next == targets.Count)
                    {
                        break;
                    }
                }

                await AddPooledInsetsAsync(path, info, options.Ffmpeg, request, frames, cancellationToken);
            }
            finally
            {
                Release(lease, need);
            }

            return new MediaFeatures(MediaKinds.Video, format) { Width = info.DisplayWidth, Height = info.DisplayHeight, VpdqHypotheses = frames };
        }
        catch (VideoException e)
        {
            return Unreadable(format, "video does not decode: " + e.Detail);
        }
    }

    /// <summary>
    /// A picture-in-picture inset stays where it is for the whole video, but the region search finds it frame by frame,
    /// and in some frames it takes another rectangle for it (a test pattern's colour bars, a UI panel beside the inset):
    /// so every region found in any sampled frame (<see cref="InsetPool.Regions"/>, at most 8 × 3 = 24) is hashed in every
    /// sampled frame that did not find it itself, and the whole-video rule sees the inset in each frame. Costs a second
    /// decode of the sampled frames, only for a video where some frame lacks some region (7 in 10 of the videos
    /// hypothesised on benchmarks/video-hypotheses.sh: the search finds some rectangle in most busy frames), and up to 24
    /// region hashes a frame, as many as the off-centre crops, whose radius bound covers it (docs/triage.md, "Off-centre,
    /// turned and inset video").
    /// </summary>
    private static async Task AddPooledInsetsAsync(string path, VideoStreamInfo info, FfmpegOptions ffmpeg, VideoFrameRequest request,
        List<VpdqFrameHypotheses> frames, CancellationToken cancellationToken)
    {
        var regions = InsetPool.Regions(frames);
        var missing = frames.Select(f => InsetPool.Missing(f, regions)).ToList();
        if (missing.All(m => m.Count == 0))
        {
            return;
        }

        var at = frames.Select((f, i) => (f.FrameNumber, i)).ToDictionary(x => x.FrameNumber, x => x.i);
        var last = frames[^1].FrameNumber;
        await foreach (var frame in new VideoFrameReader(ffmpeg).ReadFramesAsync(path, info, request, null, cancellationToken))
        {
            if (at.TryGetValue(frame.FrameNumber, out var i) && missing[i].Count > 0)
            {
                frames[i] = frames[i] with { Inset = [.. frames[i].Inset, .. InsetPool.Hash(frame.Rgb24.Span, frame.Width, frame.Height, missing[i])] };
            }

            if (frame.FrameNumber >= last)
            {
                break;
            }
        }
    }

    /// <summary>A frame under this PDQ quality is near-blank: triage does not match it (pytx's floor), so no hypotheses are made for it.</summary>
    private const int MinHypothesisQuality = 50;

    /// <summary>
    /// Up to <paramref name="count"/> distinct whole seconds evenly spread over <paramref name="durationSeconds"/> (the
    /// middle of each of <paramref name="count"/> equal parts, rounded down); without a duration, the first seconds.
    /// </summary>
    internal static IReadOnlyList<int> HypothesisSeconds(double? durationSeconds, int count)
    {
        if (durationSeconds is not { } d || !(d > 0) || double.IsInfinity(d))
        {
            return [.. Enumerable.Range(0, count)];
        }

        return [.. Enumerable.Range(0, count).Select(k => (int)Math.Floor((k + 0.5) * d / count)).Distinct()];
    }

    private async Task<MediaFeatures> VideoAsync(string path, string? format, List<string> notes, CancellationToken cancellationToken)
    {
        try
        {
            // One decode: the pump hashes each sampled frame and hands it to the sink for the other frame features and
            // the keyframe strip. One frame at a time: ingest runs files in parallel, one per core.
            // The coded size is known before anything is decoded: over the video pixel cap the file is refused; over the
            // hashing cap ffmpeg scales its frames down before they reach this process, with one decoder thread (each frame
            // thread holds native frames); and the file's estimated working set is reserved from the run's budget.
            var info = await new VideoFrameReader(Ffmpeg).ProbeAsync(path, cancellationToken);
            var native = (long)info.Width * info.Height;
            if (native > Limits.MaxVideoPixels)
            {
                return Unreadable(format, string.Create(CultureInfo.InvariantCulture,
                    $"video frame of {info.Width}×{info.Height} = {native} pixels, over the {Limits.MaxVideoPixels}-pixel cap for video; not decoded"));
            }

            var large = native > Limits.MaxHashPixels;
            var ffmpeg = large ? Ffmpeg with { DecoderThreads = 1 } : Ffmpeg;
            var options = new VpdqOptions
            {
                SecondsPerHash = SecondsPerFrame, MaxDegreeOfParallelism = 1, KeyframeDecoding = false, Ffmpeg = ffmpeg, MaxFramePixels = Limits.MaxHashPixels,
            };
            var (frameWidth, frameHeight) = options.FrameSize(info.Width, info.Height);
            var need = Limits.VideoBytes(info.Width, info.Height, frameWidth, frameHeight);
            if (OverBudget(need) is { } refusal)
            {
                return Unreadable(format, refusal);
            }

            var lease = Budget is { } budget ? await budget.ReserveAsync(need, cancellationToken) : null;
            try
            {
                return await HashVideoAsync(path, format, info, options, ffmpeg, notes, cancellationToken);
            }
            finally
            {
                Release(lease, need);
            }
        }
        catch (VideoException e)
        {
            return Unreadable(format, "video does not decode: " + e.Detail);
        }
    }

    private async Task<MediaFeatures> HashVideoAsync(string path, string? format, VideoStreamInfo info, VpdqOptions options, FfmpegOptions ffmpeg,
        List<string> notes, CancellationToken cancellationToken)
    {
        var sink = new FrameFeatureSink(Thumbnails);
        // The probe taken for the caps serves both decodes: one ffprobe per video, not three.
        var hash = await VpdqHasher.HashFileAsync(path, options, sink, info, cancellationToken);
        if (hash.Scaled)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"frames hashed at {hash.FrameWidth}×{hash.FrameHeight}, scaled by ffmpeg from the coded {info.Width}×{info.Height} (over the {Limits.MaxHashPixels}-pixel hashing cap): its hashes may differ by a few bits from a reference hasher's at native size"));
        }

        var (painted, strip) = sink.Finish();
        var s = hash.Stream;
        // TMK+PDQF's level-1 feature (spec §3: 15 fps, 64×64): a 256-value summary of the whole video that triage
        // uses to skip frame-by-frame comparisons of videos that cannot be the same. Only level 1 is kept (1 KiB;
        // the full hash with its Fourier features is 256 KiB a video).
        float[]? tmk = null;
        try
        {
            tmk = (await TmkHasher.HashFileAsync(path, ffmpeg, info, cancellationToken)).Average.ToArray();
        }
        catch (VideoException e)
        {
            notes.Add("TMK not computed: " + e.Detail);
        }

        if (Thumbnails is not null && strip is null)
        {
            notes.Add("keyframe strip not made: no frame decoded");
        }

        if (ShortDecode(s.DurationSeconds, hash.Features, SecondsPerFrame) is { } shortfall)
        {
            notes.Add(shortfall);
        }

        return new MediaFeatures(MediaKinds.Video, format)
        {
            Width = s.DisplayWidth, Height = s.DisplayHeight, DurationSeconds = s.DurationSeconds, FrameRate = s.FramesPerSecond, Codec = s.Codec,
            Vpdq = sink.Merge(hash.Features), VpdqOverlay = painted, VpdqReframed = [.. sink.Reframed], VpdqDihedral = [.. sink.Dihedral], TmkLevel1 = tmk, Thumbnail = strip,
        };
    }

    /// <summary>
    /// A note when the frames decoded end well before the duration the container declares (a file cut short, a damaged
    /// tail): more than a second and more than 5 % short, beyond the sampling step. Null when the decode reached the end,
    /// or when the container declares no duration.
    /// </summary>
    internal static string? ShortDecode(double? declaredSeconds, IReadOnlyList<Vpdq.VpdqFeature> frames, double step)
    {
        if (declaredSeconds is not { } declared || declared <= 0 || double.IsNaN(declared))
        {
            return null;
        }

        var decoded = frames.Count == 0 ? 0 : frames.Max(f => f.TimestampSeconds);
        var missing = declared - decoded;
        return missing > Math.Max(1.0, 0.05 * declared) + step
            ? string.Create(CultureInfo.InvariantCulture,
                $"decoded only {decoded:0.#} s of the {declared:0.#} s its container declares: the file may be cut short or damaged; its features cover what decoded")
            : null;
    }

    /// <summary>Whether MetadataExtractor reads metadata from this kind of file (ffmpeg-only containers carry none it reads).</summary>
    private static bool CarriesMetadata(string kind, string? format) => kind switch
    {
        MediaKinds.Image => true,
        MediaKinds.Video => format is "mp4" or "mov" or "avi",
        _ => format is "heif" or "tiff",
    };

    private static MediaFeatures Unreadable(string? format, string reason) => new(MediaKinds.Unreadable, format) { Error = reason };
}
