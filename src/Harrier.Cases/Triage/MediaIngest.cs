using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Tmk;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// <c>ingest media</c>: for every registered file of an exhibit, sniff its type from the content and compute the
/// perceptual hashes and facts triage needs (dihedral PDQ for images, vPDQ at one frame per second for videos,
/// dimensions, duration, codec), on all cores. Resumable and exactly-once: a file's facts are written once, after
/// they are complete, keyed by the evidence row; a rerun skips what is done. Undecodable media is recorded with
/// the reason. Evidence files are opened read-only and checked against their registered size. Embedded metadata
/// (camera, GPS, dates) is read for images, MP4/MOV/AVI, HEIF and TIFF; malformed metadata is a note on the file,
/// never a failure. Unless <see cref="Thumbnails"/> is null, a blurred greyscale thumbnail (images) or keyframe strip
/// (videos) is written under <c>CASE/derived/</c> and nowhere else.
/// </summary>
public sealed class MediaIngest
{
    private const int BatchSize = 64;
    private readonly CaseStore _store;

    /// <summary>Creates the ingest over <paramref name="store"/>.</summary>
    public MediaIngest(CaseStore store) => _store = store;

    /// <summary>Files processed at once (default: one per core).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Seconds between hashed video frames (0.25: four per second; the interchange default is 1).</summary>
    public double SecondsPerFrame { get; init; } = 0.25;

    /// <summary>ffmpeg location and stall timeout.</summary>
    public FfmpegOptions Ffmpeg { get; init; } = FfmpegOptions.Default;

    /// <summary>How derived thumbnails and keyframe strips are made; null: none are made.</summary>
    public ThumbnailOptions? Thumbnails { get; init; } = ThumbnailOptions.Default;

    /// <summary>In the stored frame features, the line after which come the features of frames with a static overlay painted out.</summary>
    private const string OverlayMarker = "overlay";

    /// <summary>The folder, under the case folder, that holds derived files.</summary>
    public const string DerivedFolder = "derived";

    /// <summary>Ingests every not-yet-ingested file of <paramref name="exhibitId"/>.</summary>
    public async Task<MediaIngestResult> RunAsync(string exhibitId, string actor, string? justification,
        IProgress<EvidenceProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var exhibit = (await _store.Evidence.ExhibitsAsync(cancellationToken)).FirstOrDefault(x => x.ExhibitId == exhibitId)
            ?? throw new CaseStoreException($"no exhibit {exhibitId} in this case");
        var files = (await _store.Evidence.ListAsync(exhibitId, cancellationToken)).Where(f => f.Status == EvidenceStatus.Ok).ToList();
        var db = _store.Database;
        await using var connection = await db.OpenAsync(cancellationToken);
        Thumbnails?.Validate();
        var done = await IngestedAsync(connection, cancellationToken);
        var pending = files.Where(f => !done.Contains(f.Id)).ToList();
        var derivedNote = Thumbnails is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"blurred greyscale thumbnails (≤ {t.MaxSide} px, blur σ {t.BlurSigma:0.##} px, {t.StripFrames}-frame strips)")
            : "no thumbnails";
        await _store.Audit.AppendAsync(actor, "ingest.media.start",
            string.Create(CultureInfo.InvariantCulture, $"exhibit {exhibitId}: {pending.Count} of {files.Count} files to ingest; {derivedNote}"), justification, cancellationToken);

        var kinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new ConcurrentBag<EvidenceProblem>();
        var notes = new ConcurrentBag<EvidenceProblem>();
        int withMetadata = 0, withGps = 0, withSerial = 0, thumbnails = 0, strips = 0;
        long processed = 0;
        var written = await ParallelPipeline.RunAsync(pending, Parallelism, BatchSize * 4,
            async (file, ct) =>
            {
                var path = File.Exists(exhibit.SourceRoot) ? exhibit.SourceRoot : Path.Combine(exhibit.SourceRoot, file.RelPath);
                var facts = await ExtractAsync(file, path, ct);
                kinds.AddOrUpdate(facts.Kind, 1, (_, c) => c + 1);
                if (facts.Error is not null)
                {
                    problems.Add(new EvidenceProblem(file.RelPath, facts.Error));
                }

                foreach (var note in facts.Notes)
                {
                    notes.Add(new EvidenceProblem(file.RelPath, note));
                }

                if (facts.Metadata is { } m)
                {
                    Count(ref withMetadata, m.HasFacts);
                    Count(ref withGps, m.HasGps);
                    Count(ref withSerial, m.CameraSerial is not null);
                }

                Count(ref thumbnails, facts.Derived is not null && facts.Kind == MediaKinds.Image);
                Count(ref strips, facts.Derived is not null && facts.Kind == MediaKinds.Video);

                progress?.Report(new EvidenceProgress("ingest", Interlocked.Increment(ref processed), pending.Count, 0, 0));
                return facts;
            },
            (reader, ct) => WriteAsync(connection, reader, ct),
            cancellationToken);

        var result = new MediaIngestResult(exhibitId, files.Count, files.Count - pending.Count, written,
            new SortedDictionary<string, int>(kinds, StringComparer.Ordinal),
            [.. problems.OrderBy(p => p.RelPath, StringComparer.Ordinal)], Stopwatch.GetElapsedTime(started))
        {
            WithMetadata = withMetadata,
            WithGps = withGps,
            WithCameraSerial = withSerial,
            Thumbnails = thumbnails,
            KeyframeStrips = strips,
            Notes = [.. notes.OrderBy(p => p.RelPath, StringComparer.Ordinal).ThenBy(p => p.Reason, StringComparer.Ordinal)],
        };

        // Counts only: metadata values, media and file names never reach the audit log.
        await _store.Audit.AppendAsync(actor, "ingest.media",
            string.Create(CultureInfo.InvariantCulture,
                $"exhibit {exhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already, {string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}, {result.Unreadable.Count} unreadable; metadata: {withMetadata} with facts, {withGps} with GPS, {withSerial} with a camera serial, {result.Notes.Count} notes; derived files written under {DerivedFolder}/: {thumbnails} thumbnails, {strips} keyframe strips"),
            justification, cancellationToken);
        return result;
    }

    private static void Count(ref int counter, bool condition)
    {
        if (condition)
        {
            Interlocked.Increment(ref counter);
        }
    }

    private async Task<MediaFacts> ExtractAsync(EvidenceFile file, string path, CancellationToken cancellationToken)
    {
        string kind;
        string? format;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != file.Size)
            {
                return Unreadable(file, null, "the evidence file is missing or its size changed since registration");
            }

            (kind, format) = MediaSniffer.Sniff(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(file, null, "cannot read: " + e.Message);
        }

        // Metadata is read even when the pixels do not decode: EXIF often survives a truncated image.
        var metadata = CarriesMetadata(kind, format) ? MediaMetadataReader.Read(path) : null;
        var notes = new List<string>(metadata?.Notes ?? []);
        MediaFacts facts;
        if (kind == MediaKinds.Image)
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
                // And the hypotheses that the image is a centre crop of a bank picture (PdqReframe): a crop moves PDQ
                // as far as an unrelated image, so neither the plain nor the trimmed hashes can find it.
                var reframed = PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash).ToList();
                string? derived = null;
                if (Thumbnails is { } options)
                {
                    derived = TryWriteDerived(file.Id, "thumbs", () => BlurredThumbnail.FromImage(image, options), notes);
                }

                facts = new MediaFacts(file.Id, kind, format, image.Width, image.Height, null, null, null, pdq, null, null) { Derived = derived, PdqTrimmed = trimmed, PdqReframed = reframed };
            }
            catch (Exception e) when (e is ImageDecodeException or IOException or InvalidDataException)
            {
                facts = Unreadable(file, format, "image does not decode: " + e.Message);
            }
        }
        else if (kind == MediaKinds.Video)
        {
            try
            {
                var (s, features, overlay, reframedFrames, strip) = await TriageVideoHasher.HashAsync(path, SecondsPerFrame, Ffmpeg, Thumbnails, cancellationToken);
                // TMK+PDQF's level-1 feature (spec §3: 15 fps, 64×64): a 256-value summary of the whole video that triage
                // uses to skip frame-by-frame comparisons of videos that cannot be the same. Only level 1 is kept (1 KiB;
                // the full hash with its Fourier features is 256 KiB a video).
                float[]? tmk = null;
                try
                {
                    tmk = (await TmkHasher.HashFileAsync(path, Ffmpeg, cancellationToken)).Average.ToArray();
                }
                catch (VideoException e)
                {
                    notes.Add("TMK not computed: " + e.Detail);
                }

                // The keyframe strip comes from the frames hashed above (no second decode).
                string? derived = null;
                if (Thumbnails is not null)
                {
                    if (strip is not null)
                    {
                        derived = TryWriteDerived(file.Id, "strips", () => strip, notes);
                    }
                    else
                    {
                        notes.Add("keyframe strip not made: no frame decoded");
                    }
                }

                facts = new MediaFacts(file.Id, kind, format, s.DisplayWidth, s.DisplayHeight, s.DurationSeconds, s.FramesPerSecond, s.Codec,
                    null, features, null) { Derived = derived, VpdqOverlay = overlay, TmkLevel1 = tmk, VpdqReframed = reframedFrames };
            }
            catch (VideoException e)
            {
                facts = Unreadable(file, format, "video does not decode: " + e.Detail);
            }
        }
        else
        {
            facts = new MediaFacts(file.Id, kind, format, null, null, null, null, null, null, null, null);
        }

        return facts with { Metadata = metadata, Notes = notes };
    }

    /// <summary>Whether MetadataExtractor reads metadata from this kind of file (ffmpeg-only containers carry none it reads).</summary>
    private static bool CarriesMetadata(string kind, string? format) => kind switch
    {
        MediaKinds.Image => true,
        MediaKinds.Video => format is "mp4" or "mov" or "avi",
        _ => format is "heif" or "tiff",
    };

    /// <summary>
    /// Writes a derived picture as CASE/derived/SUB/ID.png (through a temporary file, so a killed run leaves no half
    /// file under the final name) and returns its path relative to the case folder; a failure is a note, not an error.
    /// </summary>
    private string? TryWriteDerived(long evidenceId, string sub, Func<GreyImage> make, List<string> notes)
    {
        try
        {
            var png = BlurredThumbnail.EncodePng(make());
            var folder = Path.Combine(_store.CaseDir, DerivedFolder, sub);
            Directory.CreateDirectory(folder);
            var name = evidenceId.ToString(CultureInfo.InvariantCulture) + ".png";
            var target = Path.Combine(folder, name);
            var temp = Path.Combine(folder, "." + name + ".tmp");
            File.WriteAllBytes(temp, png);
            File.Move(temp, target, overwrite: true);
            return $"{DerivedFolder}/{sub}/{name}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            notes.Add($"{sub} not written: {e.Message}");
            return null;
        }
    }

    private static MediaFacts Unreadable(EvidenceFile file, string? format, string reason) =>
        new(file.Id, MediaKinds.Unreadable, format, null, null, null, null, null, null, null, reason);

    private async Task<int> WriteAsync(DbConnection connection, ChannelReader<MediaFacts> reader, CancellationToken cancellationToken)
    {
        var db = _store.Database;
        var written = 0;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var now = Timestamps.Format(_store.Time.GetUtcNow());
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            await using var cmd = CaseDatabase.Command(connection, tx, """
                INSERT INTO media_facts (evidence_id, kind, format, width, height, duration_s, frame_rate, codec, pdq, pdq_quality, vpdq, error, ingested_utc,
                    camera_make, camera_model, camera_serial, software, gps_lat, gps_lon, gps_alt, taken_original, taken_digitized, container_created,
                    notes, derived, tmk_level1, reframed)
                VALUES (@i, @k, @f, @w, @h, @d, @r, @c, @p, @q, @v, @e, @t, @mk, @md, @sn, @sw, @la, @lo, @al, @to, @td, @cc, @no, @dv, @tk, @rf)
                ON CONFLICT (evidence_id) DO NOTHING
                """, ("@i", null), ("@k", null), ("@f", null), ("@w", null), ("@h", null), ("@d", null), ("@r", null), ("@c", null),
                ("@p", null), ("@q", null), ("@v", null), ("@e", null), ("@t", now), ("@mk", null), ("@md", null), ("@sn", null), ("@sw", null),
                ("@la", null), ("@lo", null), ("@al", null), ("@to", null), ("@td", null), ("@cc", null), ("@no", null), ("@dv", null), ("@tk", null), ("@rf", null));
            var inBatch = 0;
            while (inBatch < BatchSize && reader.TryRead(out var f))
            {
                Set(cmd, "@i", f.EvidenceId);
                Set(cmd, "@k", f.Kind);
                Set(cmd, "@f", f.Format);
                Set(cmd, "@w", f.Width);
                Set(cmd, "@h", f.Height);
                Set(cmd, "@d", f.DurationSeconds);
                Set(cmd, "@r", f.FrameRate);
                Set(cmd, "@c", f.Codec);
                // Eight plain dihedral hashes, then eight per border-trimmed region.
                Set(cmd, "@p", f.Pdq is { } p ? string.Join(' ', p.ToArray().Concat(f.PdqTrimmed.SelectMany(t => t.ToArray())).Select(h => h.ToString())) : null);
                Set(cmd, "@q", f.Pdq?.Quality);
                // The frame features, then (for a video with a static overlay) the marker line and the painted-out features.
                Set(cmd, "@v", f.Vpdq is null ? null : string.Join('\n', f.Vpdq.Select(VpdqFormats.ToLine)
                    .Concat(f.VpdqOverlay is { Count: > 0 } o ? [OverlayMarker, .. o.Select(VpdqFormats.ToLine)] : [])));
                Set(cmd, "@e", f.Error);
                var m = f.Metadata;
                Set(cmd, "@mk", m?.CameraMake);
                Set(cmd, "@md", m?.CameraModel);
                Set(cmd, "@sn", m?.CameraSerial);
                Set(cmd, "@sw", m?.Software);
                Set(cmd, "@la", m?.Latitude);
                Set(cmd, "@lo", m?.Longitude);
                Set(cmd, "@al", m?.Altitude);
                Set(cmd, "@to", m?.TakenOriginal);
                Set(cmd, "@td", m?.TakenDigitized);
                Set(cmd, "@cc", m?.ContainerCreated);
                Set(cmd, "@no", f.Notes.Count == 0 ? null : string.Join('\n', f.Notes));
                Set(cmd, "@dv", f.Derived);
                Set(cmd, "@rf", ReframedText(f));
                Set(cmd, "@tk", f.TmkLevel1 is { } tk ? Convert.ToBase64String(MemoryMarshal.AsBytes(tk.AsSpan())) : null);
                written += await cmd.ExecuteNonQueryAsync(cancellationToken);
                inBatch++;
            }

            await tx.CommitAsync(cancellationToken);
        }

        return written;
    }

    /// <summary>The facts of every ingested file, keyed by evidence id.</summary>
    public async Task<IReadOnlyDictionary<long, MediaFacts>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            $"SELECT evidence_id, kind, format, width, height, duration_s, frame_rate, codec, pdq, pdq_quality, vpdq, error, {MetadataColumns}, tmk_level1, reframed FROM media_facts");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var map = new Dictionary<long, MediaFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            PdqDihedralResult? pdq = null;
            var trimmed = new List<PdqDihedralResult>();
            if (!reader.IsDBNull(8))
            {
                var h = reader.GetString(8).Split(' ').Select(x => Hash256.Parse(x)).ToArray();
                pdq = new PdqDihedralResult(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], Int(reader, 9) ?? 0);
                for (var k = 8; k + 8 <= h.Length; k += 8)
                {
                    trimmed.Add(new PdqDihedralResult(h[k], h[k + 1], h[k + 2], h[k + 3], h[k + 4], h[k + 5], h[k + 6], h[k + 7], Int(reader, 9) ?? 0));
                }
            }

            var lines = reader.IsDBNull(10) ? null : reader.GetString(10) is { Length: > 0 } text ? text.Split('\n') : [];
            var marker = lines is null ? -1 : Array.IndexOf(lines, OverlayMarker);
            map[reader.GetInt64(0)] = new MediaFacts(reader.GetInt64(0), reader.GetString(1), Str(reader, 2), Int(reader, 3), Int(reader, 4),
                reader.IsDBNull(5) ? null : Convert.ToDouble(reader.GetValue(5), CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : Convert.ToDouble(reader.GetValue(6), CultureInfo.InvariantCulture),
                Str(reader, 7), pdq,
                lines?.Take(marker < 0 ? lines.Length : marker).Select(VpdqFormats.ParseLine).ToList(),
                Str(reader, 11))
            {
                Metadata = ReadMetadata(reader, 12),
                Notes = ReadNotes(reader, 12),
                Derived = ReadDerived(reader, 12),
                PdqTrimmed = trimmed,
                VpdqOverlay = marker < 0 ? null : lines![(marker + 1)..].Select(VpdqFormats.ParseLine).ToList(),
                TmkLevel1 = Str(reader, 12 + MetadataColumns.Split(',').Length) is { } tk ? MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(tk)).ToArray() : null,
            };
            if (Str(reader, 13 + MetadataColumns.Split(',').Length) is { } rf)
            {
                var id = reader.GetInt64(0);
                map[id] = ParseReframed(map[id], rf);
            }
        }

        return map;
    }

    /// <summary>
    /// The reframed column: a header line naming the crop shares tried (so a later build can tell what it reads), then
    /// an image's hashes on one line in that order, or a video's frame features, one per line.
    /// </summary>
    private static string? ReframedText(MediaFacts f)
    {
        var header = "crops " + string.Join(' ', PdqReframe.DefaultCrops.Select(c => c.ToString("0.####", CultureInfo.InvariantCulture)))
            + " fills " + string.Join(' ', PdqReframe.DefaultFills.Select(f => f.ToString().ToLowerInvariant()));
        if (f.PdqReframed.Count > 0)
        {
            return header + "\n" + string.Join(' ', f.PdqReframed.Select(h => h.ToString()));
        }

        return f.VpdqReframed is { Count: > 0 } v ? header + "\n" + string.Join('\n', v.Select(VpdqFormats.ToLine)) : null;
    }

    private static MediaFacts ParseReframed(MediaFacts facts, string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2 || !lines[0].StartsWith("crops ", StringComparison.Ordinal))
        {
            return facts;
        }

        return facts.Kind == MediaKinds.Video
            ? facts with { VpdqReframed = lines[1..].Select(VpdqFormats.ParseLine).ToList() }
            : facts with { PdqReframed = lines[1].Split(' ').Select(x => Hash256.Parse(x)).ToList() };
    }

    /// <summary>The metadata, notes and derived-file columns of media_facts, in the order the Read* helpers expect.</summary>
    internal const string MetadataColumns =
        "camera_make, camera_model, camera_serial, software, gps_lat, gps_lon, gps_alt, taken_original, taken_digitized, container_created, notes, derived";

    /// <summary>
    /// The metadata read from <see cref="MetadataColumns"/> starting at column <paramref name="at"/>; null when the file had
    /// none. Its notes are stored with the file's other notes (<see cref="ReadNotes"/>).
    /// </summary>
    internal static MediaMetadata? ReadMetadata(DbDataReader reader, int at)
    {
        var m = new MediaMetadata
        {
            CameraMake = Str(reader, at),
            CameraModel = Str(reader, at + 1),
            CameraSerial = Str(reader, at + 2),
            Software = Str(reader, at + 3),
            Latitude = Dbl(reader, at + 4),
            Longitude = Dbl(reader, at + 5),
            Altitude = Dbl(reader, at + 6),
            TakenOriginal = Str(reader, at + 7),
            TakenDigitized = Str(reader, at + 8),
            ContainerCreated = Str(reader, at + 9),
        };
        return m.HasFacts ? m : null;
    }

    internal static IReadOnlyList<string> ReadNotes(DbDataReader reader, int at) => Str(reader, at + 10)?.Split('\n') ?? [];

    internal static string? ReadDerived(DbDataReader reader, int at) => Str(reader, at + 11);

    private static double? Dbl(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static async Task<HashSet<long>> IngestedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var set = new HashSet<long>();
        await using var cmd = CaseDatabase.Command(connection, null, "SELECT evidence_id FROM media_facts");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            set.Add(reader.GetInt64(0));
        }

        return set;
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static int? Int(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static void Set(DbCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;
}
