using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// <c>ingest media</c>: for every registered file of an exhibit, sniff its type from the content and compute the
/// perceptual hashes and facts triage needs (dihedral PDQ for images, vPDQ at one frame per second for videos,
/// dimensions, duration, codec), on all cores. Resumable and exactly-once: a file's facts are written once, after
/// they are complete, keyed by the evidence row; a rerun skips what is done. Undecodable media is recorded with
/// the reason. Evidence files are opened read-only and checked against their registered size.
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
        var done = await IngestedAsync(connection, cancellationToken);
        var pending = files.Where(f => !done.Contains(f.Id)).ToList();
        await _store.Audit.AppendAsync(actor, "ingest.media.start",
            string.Create(CultureInfo.InvariantCulture, $"exhibit {exhibitId}: {pending.Count} of {files.Count} files to ingest"), justification, cancellationToken);

        var kinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new ConcurrentBag<EvidenceProblem>();
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

                progress?.Report(new EvidenceProgress("ingest", Interlocked.Increment(ref processed), pending.Count, 0, 0));
                return facts;
            },
            (reader, ct) => WriteAsync(connection, reader, ct),
            cancellationToken);

        var result = new MediaIngestResult(exhibitId, files.Count, files.Count - pending.Count, written,
            new SortedDictionary<string, int>(kinds, StringComparer.Ordinal),
            [.. problems.OrderBy(p => p.RelPath, StringComparer.Ordinal)], Stopwatch.GetElapsedTime(started));
        await _store.Audit.AppendAsync(actor, "ingest.media",
            string.Create(CultureInfo.InvariantCulture,
                $"exhibit {exhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already, {string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}, {result.Unreadable.Count} unreadable"),
            justification, cancellationToken);
        return result;
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

        if (kind == MediaKinds.Image)
        {
            try
            {
                // A uniform border (a frame added around a re-post) is trimmed before hashing, as `hash pdq --trim-borders` does.
                using var image = ImageDecoder.Decode(path);
                var pdq = PdqImageHasher.HashDihedral(image, BorderTrimmer.FindContent(image));
                return new MediaFacts(file.Id, kind, format, image.Width, image.Height, null, null, null, pdq, null, null);
            }
            catch (Exception e) when (e is ImageDecodeException or IOException or InvalidDataException)
            {
                return Unreadable(file, format, "image does not decode: " + e.Message);
            }
        }

        if (kind == MediaKinds.Video)
        {
            try
            {
                var (s, features) = await TriageVideoHasher.HashAsync(path, SecondsPerFrame, Ffmpeg, cancellationToken);
                return new MediaFacts(file.Id, kind, format, s.DisplayWidth, s.DisplayHeight, s.DurationSeconds, s.FramesPerSecond, s.Codec,
                    null, features, null);
            }
            catch (VideoException e)
            {
                return Unreadable(file, format, "video does not decode: " + e.Detail);
            }
        }

        return new MediaFacts(file.Id, kind, format, null, null, null, null, null, null, null, null);
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
                INSERT INTO media_facts (evidence_id, kind, format, width, height, duration_s, frame_rate, codec, pdq, pdq_quality, vpdq, error, ingested_utc)
                VALUES (@i, @k, @f, @w, @h, @d, @r, @c, @p, @q, @v, @e, @t)
                ON CONFLICT (evidence_id) DO NOTHING
                """, ("@i", null), ("@k", null), ("@f", null), ("@w", null), ("@h", null), ("@d", null), ("@r", null), ("@c", null),
                ("@p", null), ("@q", null), ("@v", null), ("@e", null), ("@t", now));
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
                Set(cmd, "@p", f.Pdq is { } p ? string.Join(' ', p.ToArray().Select(h => h.ToString())) : null);
                Set(cmd, "@q", f.Pdq?.Quality);
                Set(cmd, "@v", f.Vpdq is null ? null : string.Join('\n', f.Vpdq.Select(VpdqFormats.ToLine)));
                Set(cmd, "@e", f.Error);
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
            "SELECT evidence_id, kind, format, width, height, duration_s, frame_rate, codec, pdq, pdq_quality, vpdq, error FROM media_facts");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var map = new Dictionary<long, MediaFacts>();
        while (await reader.ReadAsync(cancellationToken))
        {
            PdqDihedralResult? pdq = null;
            if (!reader.IsDBNull(8))
            {
                var h = reader.GetString(8).Split(' ').Select(x => Hash256.Parse(x)).ToArray();
                pdq = new PdqDihedralResult(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], Int(reader, 9) ?? 0);
            }

            var vpdq = reader.IsDBNull(10) ? null : reader.GetString(10);
            map[reader.GetInt64(0)] = new MediaFacts(reader.GetInt64(0), reader.GetString(1), Str(reader, 2), Int(reader, 3), Int(reader, 4),
                reader.IsDBNull(5) ? null : Convert.ToDouble(reader.GetValue(5), CultureInfo.InvariantCulture),
                reader.IsDBNull(6) ? null : Convert.ToDouble(reader.GetValue(6), CultureInfo.InvariantCulture),
                Str(reader, 7), pdq,
                vpdq is null ? null : vpdq.Length == 0 ? [] : vpdq.Split('\n').Select(VpdqFormats.ParseLine).ToList(),
                Str(reader, 11));
        }

        return map;
    }

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
