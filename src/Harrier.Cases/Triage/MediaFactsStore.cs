using System.Data.Common;
using System.Globalization;
using System.Threading.Channels;
using Harrier.Media.Imaging;

namespace Harrier.Cases.Triage;

/// <summary>
/// The <c>media_facts</c> table and the derived pictures under <c>CASE/derived/</c>: which files are ingested, writing
/// facts exactly once (a row is written once, after it is complete, keyed by the evidence row; a second write of the
/// same file is ignored), and reading them back. The column encodings are <see cref="MediaFactsFormat"/>'s; computing
/// the facts is the media engine's (<see cref="Harrier.Media.Features.MediaFeatureExtractor"/>).
/// </summary>
public sealed class MediaFactsStore
{
    /// <summary>Rows written in one transaction.</summary>
    public const int BatchSize = 64;

    /// <summary>The folder, under the case folder, that holds derived files.</summary>
    public const string DerivedFolder = CaseFolder.DerivedFolderName;

    /// <summary>The stored columns in <see cref="MediaFactsRow"/> order, as they are named in the table.</summary>
    private static readonly string[] Columns =
    [
        "kind", "format", "width", "height", "duration_s", "frame_rate", "codec", "pdq", "pdq_quality", "vpdq", "error",
        "camera_make", "camera_model", "camera_serial", "software", "gps_lat", "gps_lon", "gps_alt", "taken_original", "taken_digitized", "container_created",
        "notes", "derived", "tmk_level1", "reframed",
    ];

    /// <summary>The metadata columns and the derived column, in the order <see cref="ReadMetadata"/> reads them.</summary>
    private static readonly string[] MetadataColumns =
    [
        "camera_make", "camera_model", "camera_serial", "software", "gps_lat", "gps_lon", "gps_alt", "taken_original", "taken_digitized", "container_created",
        "derived",
    ];

    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public MediaFactsStore(CaseStore store) => _store = store;

    /// <summary>
    /// The evidence ids ingested for good: facts without an error. A file whose ingest failed (unreadable, changed since
    /// registration) is not among them, so every run tries it again and lists it again while it fails.
    /// </summary>
    public async Task<IReadOnlySet<long>> IngestedAsync(CancellationToken cancellationToken)
    {
        var set = new HashSet<long>();
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, "SELECT evidence_id FROM media_facts WHERE error IS NULL");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            set.Add(reader.GetInt64(0));
        }

        return set;
    }

    /// <summary>Writes <paramref name="facts"/> (files with facts already are left as they are, unless those facts were a failure); returns the rows written.</summary>
    public Task<int> WriteAsync(IReadOnlyCollection<MediaFacts> facts, CancellationToken cancellationToken) =>
        WriteAsync(ReaderOf(facts), cancellationToken);

    /// <summary>A completed channel holding <paramref name="items"/>: the collection overloads feed the streaming writers.</summary>
    private static ChannelReader<T> ReaderOf<T>(IReadOnlyCollection<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var channel = Channel.CreateBounded<T>(Math.Max(1, items.Count));
        foreach (var item in items)
        {
            channel.Writer.TryWrite(item);
        }

        channel.Writer.Complete();
        return channel.Reader;
    }

    /// <summary>
    /// Writes the facts <paramref name="reader"/> yields until it completes, in transactions of up to
    /// <see cref="BatchSize"/> rows (what is committed stays committed if the run stops); returns the rows written. A file
    /// with facts already keeps them, unless they record a failure: a retry replaces those (exactly once still holds for
    /// every file ingested without an error).
    /// </summary>
    public async Task<int> WriteAsync(ChannelReader<MediaFacts> reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var db = _store.Database;
        await using var connection = await db.OpenAsync(cancellationToken);
        var written = 0;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            await using var cmd = InsertCommand(connection, tx, Timestamps.Format(_store.Time.GetUtcNow()));
            var inBatch = 0;
            while (inBatch < BatchSize && reader.TryRead(out var f))
            {
                written += await InsertAsync(cmd, f, cancellationToken);
                inBatch++;
            }

            await _store.CommitSealedAsync(connection, tx, cancellationToken);
        }

        return written;
    }

    /// <summary>
    /// Writes <paramref name="facts"/> as <see cref="WriteAsync(IReadOnlyCollection{MediaFacts}, CancellationToken)"/> does, in
    /// one transaction with the audit entry of <paramref name="intent"/> (its target made by <paramref name="target"/> from
    /// the evidence ids whose row this call wrote): the facts and their record land together or not at all. Returns those ids.
    /// </summary>
    public Task<IReadOnlySet<long>> WriteAuditedAsync(IReadOnlyCollection<MediaFacts> facts, AuditIntent intent, Func<IReadOnlySet<long>, string> target,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return _store.WriteAsync<IReadOnlySet<long>>(intent, async (w, ct) =>
        {
            var written = new HashSet<long>();
            await using var cmd = InsertCommand(w.Connection, w.Transaction, w.NowUtc);
            foreach (var f in facts)
            {
                if (await InsertAsync(cmd, f, ct) > 0)
                {
                    written.Add(f.EvidenceId);
                }
            }

            return written;
        }, target, cancellationToken);
    }

    /// <summary>The facts row insert (a row that exists is replaced only when it records a failure), its values set per row by <see cref="InsertAsync"/>.</summary>
    private static DbCommand InsertCommand(DbConnection connection, DbTransaction tx, string nowUtc) => CaseDatabase.Command(connection, tx, $"""
        INSERT INTO media_facts (evidence_id, ingested_utc, {string.Join(", ", Columns)})
        VALUES (@evidence_id, @ingested_utc, {string.Join(", ", Columns.Select(c => "@" + c))})
        ON CONFLICT (evidence_id) DO UPDATE SET ingested_utc = excluded.ingested_utc, {string.Join(", ", Columns.Select(c => $"{c} = excluded.{c}"))}
        WHERE media_facts.error IS NOT NULL
        """, [("@evidence_id", null), ("@ingested_utc", nowUtc), .. Columns.Select(c => ("@" + c, (object?)null))]);

    private static async Task<int> InsertAsync(DbCommand cmd, MediaFacts f, CancellationToken cancellationToken)
    {
        var row = MediaFactsFormat.Write(f.Features, f.Derived);
        Set(cmd, "@evidence_id", f.EvidenceId);
        object?[] values =
        [
            row.Kind, row.Format, row.Width, row.Height, row.DurationS, row.FrameRate, row.Codec, row.Pdq, row.PdqQuality, row.Vpdq, row.Error,
            row.CameraMake, row.CameraModel, row.CameraSerial, row.Software, row.GpsLat, row.GpsLon, row.GpsAlt, row.TakenOriginal,
            row.TakenDigitized, row.ContainerCreated, row.Notes, row.Derived, row.TmkLevel1, row.Reframed,
        ];
        for (var i = 0; i < Columns.Length; i++)
        {
            Set(cmd, "@" + Columns[i], values[i]);
        }

        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The images and videos ingested for good whose hypotheses are not stored: an image whose <c>reframed</c> column is
    /// empty (since issue 21.6 ingest leaves it so), a video whose column holds no frame hypotheses section
    /// (<see cref="MediaFactsFormat.FrameHypothesesText"/>); triage fills them for the files nothing else matched
    /// (<see cref="WriteHypothesesAsync(System.Threading.Channels.ChannelReader{ValueTuple{long, Harrier.Media.Features.MediaFeatures}}, CancellationToken)"/>). An image ingested by an older build has them already and is not among these.
    /// </summary>
    public Task<IReadOnlySet<long>> WithoutHypothesesAsync(CancellationToken cancellationToken) => WithoutHypothesesAsync(null, cancellationToken);

    /// <summary>Whether evidence file <paramref name="evidenceId"/> is one of <see cref="WithoutHypothesesAsync(CancellationToken)"/>.</summary>
    public async Task<bool> LacksHypothesesAsync(long evidenceId, CancellationToken cancellationToken) =>
        (await WithoutHypothesesAsync(evidenceId, cancellationToken)).Contains(evidenceId);

    private async Task<IReadOnlySet<long>> WithoutHypothesesAsync(long? only, CancellationToken cancellationToken)
    {
        var set = new HashSet<long>();
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        const string Sql = """
            SELECT evidence_id FROM media_facts WHERE error IS NULL
              AND ((kind = 'image' AND reframed IS NULL) OR (kind = 'video' AND (reframed IS NULL OR reframed NOT LIKE @m)))
            """;
        await using var cmd = only is { } id
            ? CaseDatabase.Command(connection, null, Sql + " AND evidence_id = @i", ("@m", MediaFactsFormat.FrameHypothesesPattern), ("@i", id))
            : CaseDatabase.Command(connection, null, Sql, ("@m", MediaFactsFormat.FrameHypothesesPattern));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            set.Add(reader.GetInt64(0));
        }

        return set;
    }

    /// <summary>
    /// Stores the hypotheses of each (evidence id, features from <see cref="Harrier.Media.Features.MediaFeatureExtractor.HypothesesAsync"/>)
    /// that <paramref name="reader"/> yields, in transactions of up to <see cref="BatchSize"/> (what is committed stays if
    /// the run stops): an image's into the <c>reframed</c> column of an image ingested for good whose column is still
    /// empty; a video's frame hypotheses appended as a section to the <c>reframed</c> column of a video ingested for good
    /// that has none yet. Once: nothing else in the row changes. An item that is neither (kind unreadable, with the reason
    /// they could not be computed) is skipped: nothing is stored for it, so the next triage tries it again. Returns the rows written.
    /// </summary>
    public async Task<int> WriteHypothesesAsync(ChannelReader<(long EvidenceId, Harrier.Media.Features.MediaFeatures Hypotheses)> reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var db = _store.Database;
        await using var connection = await db.OpenAsync(cancellationToken);
        const string ImageSql = "UPDATE media_facts SET reframed = @r WHERE evidence_id = @i AND kind = 'image' AND error IS NULL AND reframed IS NULL";
        const string VideoSql = """
            UPDATE media_facts SET reframed = COALESCE(reframed, @h) || @r
            WHERE evidence_id = @i AND kind = 'video' AND error IS NULL AND (reframed IS NULL OR reframed NOT LIKE @m)
            """;
        var written = 0;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            await using var image = CaseDatabase.Command(connection, tx, ImageSql, ("@r", null), ("@i", null));
            await using var video = CaseDatabase.Command(connection, tx, VideoSql,
                ("@h", MediaFactsFormat.ReframedHeader), ("@r", null), ("@i", null), ("@m", MediaFactsFormat.FrameHypothesesPattern));
            var inBatch = 0;
            while (inBatch < BatchSize && reader.TryRead(out var item))
            {
                var f = item.Hypotheses;
                if (f.Error is not null || (f.Kind, f.VpdqHypotheses) is not (Harrier.Media.Features.MediaKinds.Image, _) and not (Harrier.Media.Features.MediaKinds.Video, not null))
                {
                    continue;
                }

                var cmd = f.Kind == Harrier.Media.Features.MediaKinds.Image ? image : video;
                Set(cmd, "@r", f.Kind == Harrier.Media.Features.MediaKinds.Image ? MediaFactsFormat.HypothesesText(f) : MediaFactsFormat.FrameHypothesesText(f.VpdqHypotheses!));
                Set(cmd, "@i", item.EvidenceId);
                written += await cmd.ExecuteNonQueryAsync(cancellationToken);
                inBatch++;
            }

            await _store.CommitSealedAsync(connection, tx, cancellationToken);
        }

        return written;
    }

    /// <summary>Stores the hypotheses of <paramref name="items"/>, as the streaming overload does.</summary>
    public Task<int> WriteHypothesesAsync(IReadOnlyCollection<(long EvidenceId, Harrier.Media.Features.MediaFeatures Hypotheses)> items, CancellationToken cancellationToken) =>
        WriteHypothesesAsync(ReaderOf(items), cancellationToken);

    /// <summary>The facts of every ingested file, keyed by evidence id.</summary>
    public async Task<IReadOnlyDictionary<long, MediaFacts>> LoadAsync(CancellationToken cancellationToken)
    {
        var map = new Dictionary<long, MediaFacts>();
        foreach (var (id, row) in await LoadRowsAsync(cancellationToken))
        {
            map[id] = new MediaFacts(id, MediaFactsFormat.Read(row)) { Derived = row.Derived };
        }

        return map;
    }

    /// <summary>The facts of one evidence file; null when it is not ingested.</summary>
    public async Task<MediaFacts?> LoadAsync(long evidenceId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, $"SELECT {string.Join(", ", Columns)} FROM media_facts WHERE evidence_id = @i", ("@i", evidenceId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var row = ReadRow(reader, 0);
        return new MediaFacts(evidenceId, MediaFactsFormat.Read(row)) { Derived = row.Derived };
    }

    /// <summary>The stored rows as the database holds them, keyed by evidence id.</summary>
    public async Task<IReadOnlyDictionary<long, MediaFactsRow>> LoadRowsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, $"SELECT evidence_id, {string.Join(", ", Columns)} FROM media_facts");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var map = new Dictionary<long, MediaFactsRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            map[reader.GetInt64(0)] = ReadRow(reader, 1);
        }

        return map;
    }

    /// <summary>
    /// Writes a derived picture as SUB/ID.png to the case's <see cref="CaseStore.DerivedStore"/> (CASE/derived/ by default;
    /// whole or not at all) and returns its path relative to the case folder; a failure is a note, not an error.
    /// </summary>
    /// <param name="evidenceId">The evidence file the picture is derived from.</param>
    /// <param name="sub"><c>thumbs</c> for an image's thumbnail, <c>strips</c> for a video's keyframe strip.</param>
    /// <param name="picture">The blurred greyscale picture.</param>
    /// <param name="note">Why it was not written, when it was not.</param>
    public string? TryWriteDerived(long evidenceId, string sub, GreyImage picture, out string? note)
    {
        note = null;
        try
        {
            var png = BlurredThumbnail.EncodePng(picture);
            return _store.DerivedStore.Write(sub, evidenceId.ToString(CultureInfo.InvariantCulture) + ".png", png);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            note = $"{sub} not written: {e.Message}";
            return null;
        }
    }

    /// <summary>The metadata columns and the derived column, each prefixed with <paramref name="alias"/>, for a SELECT list read by <see cref="ReadMetadata"/>.</summary>
    public static string MetadataSelectList(string alias) => string.Join(", ", MetadataColumns.Select(c => alias + "." + c));

    /// <summary>The metadata read from a <see cref="MetadataSelectList"/> starting at column <paramref name="at"/>; null when the file had none.</summary>
    public static Harrier.Media.Metadata.MediaMetadata? ReadMetadata(DbDataReader reader, int at) => MediaFactsFormat.ReadMetadata(new MediaFactsRow
    {
        Kind = string.Empty,
        CameraMake = Str(reader, at),
        CameraModel = Str(reader, at + 1),
        CameraSerial = Str(reader, at + 2),
        Software = Str(reader, at + 3),
        GpsLat = Dbl(reader, at + 4),
        GpsLon = Dbl(reader, at + 5),
        GpsAlt = Dbl(reader, at + 6),
        TakenOriginal = Str(reader, at + 7),
        TakenDigitized = Str(reader, at + 8),
        ContainerCreated = Str(reader, at + 9),
    });

    /// <summary>The derived column of a <see cref="MetadataSelectList"/> starting at column <paramref name="at"/>.</summary>
    public static string? ReadDerived(DbDataReader reader, int at) => Str(reader, at + 10);

    private static MediaFactsRow ReadRow(DbDataReader r, int at) => new()
    {
        Kind = r.GetString(at),
        Format = Str(r, at + 1),
        Width = Int(r, at + 2),
        Height = Int(r, at + 3),
        DurationS = Dbl(r, at + 4),
        FrameRate = Dbl(r, at + 5),
        Codec = Str(r, at + 6),
        Pdq = Str(r, at + 7),
        PdqQuality = Int(r, at + 8),
        Vpdq = Str(r, at + 9),
        Error = Str(r, at + 10),
        CameraMake = Str(r, at + 11),
        CameraModel = Str(r, at + 12),
        CameraSerial = Str(r, at + 13),
        Software = Str(r, at + 14),
        GpsLat = Dbl(r, at + 15),
        GpsLon = Dbl(r, at + 16),
        GpsAlt = Dbl(r, at + 17),
        TakenOriginal = Str(r, at + 18),
        TakenDigitized = Str(r, at + 19),
        ContainerCreated = Str(r, at + 20),
        Notes = Str(r, at + 21),
        Derived = Str(r, at + 22),
        TmkLevel1 = Str(r, at + 23),
        Reframed = Str(r, at + 24),
    };

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static int? Int(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static double? Dbl(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static void Set(DbCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;
}
