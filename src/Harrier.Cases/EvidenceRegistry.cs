using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Harrier.Media.Digests;

namespace Harrier.Cases;

/// <summary>
/// Registers evidence files with their digests, and re-verifies them. Evidence is opened read-only and never
/// written. Registration is resumable and exactly-once: a file's row is written only after it is fully hashed,
/// rows commit in batches, and (exhibit, relative path) is unique, so a run killed at any moment and run again
/// records every file once.
/// </summary>
public sealed class EvidenceRegistry
{
    private const int BatchSize = 256;
    private readonly CaseStore _store;

    internal EvidenceRegistry(CaseStore store) => _store = store;

    /// <summary>How many files are hashed at once (default: one per core).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Registers every file under <paramref name="path"/> as exhibit <paramref name="exhibitId"/>.</summary>
    public async Task<EvidenceAddResult> AddAsync(string path, string exhibitId, string? description, string actor,
        string? justification, IProgress<EvidenceProgress>? progress, CancellationToken cancellationToken)
    {
        ValidateExhibitId(exhibitId);
        var root = Path.GetFullPath(path);
        if (!File.Exists(root) && !Directory.Exists(root))
        {
            // Refused before the audited start entry, so a mistyped path leaves the case unchanged.
            throw new CaseStoreException($"evidence path not found: {root}");
        }

        var started = Stopwatch.GetTimestamp();
        var db = _store.Database;

        await using var connection = await db.OpenAsync(cancellationToken);
        await BeginExhibitAsync(connection, root, exhibitId, description, actor, justification, cancellationToken);

        var recorded = await RecordedPathsAsync(connection, exhibitId, cancellationToken);
        progress?.Report(new EvidenceProgress("scan", 0, 0, 0, 0));
        var scanned = EvidenceScanner.Scan(root, cancellationToken);
        var pending = scanned.Where(s => !recorded.Contains(s.RelPathBytes)).ToList();

        var unreadable = new ConcurrentBag<EvidenceProblem>();
        var skipped = new ConcurrentBag<EvidenceProblem>();
        long hashedFiles = 0, hashedBytes = 0;
        var registered = await ParallelPipeline.RunAsync(pending, Parallelism, BatchSize * 4,
            (entry, ct) =>
            {
                var file = HashEntry(entry, exhibitId, ct);
                if (file.Status == EvidenceStatus.Unreadable)
                {
                    unreadable.Add(new EvidenceProblem(file.RelPath, file.Error!));
                }
                else if (file.Status == EvidenceStatus.Skipped)
                {
                    skipped.Add(new EvidenceProblem(file.RelPath, file.Error!));
                }

                var bytes = Interlocked.Add(ref hashedBytes, file.Size ?? 0);
                progress?.Report(new EvidenceProgress("hash", Interlocked.Increment(ref hashedFiles), pending.Count, bytes, 0));
                return ValueTask.FromResult(file);
            },
            (reader, ct) => WriteAsync(connection, reader, ct),
            cancellationToken);

        // Already recorded: every file found that this run did not record, so found = new + already even when another writer
        // recorded a file between this run's scan and its write (the earlier record is kept; see WriteAsync).
        var result = new EvidenceAddResult(exhibitId, scanned.Count, scanned.Count - registered, registered, hashedBytes,
            [.. unreadable.OrderBy(p => p.RelPath, StringComparer.Ordinal)],
            [.. skipped.OrderBy(p => p.RelPath, StringComparer.Ordinal)],
            Stopwatch.GetElapsedTime(started));
        await FinishExhibitAsync(connection, result, actor, justification, cancellationToken);
        return result;
    }

    private async Task BeginExhibitAsync(DbConnection connection, string root, string exhibitId, string? description,
        string actor, string? justification, CancellationToken cancellationToken) =>
        await _store.WriteOnAsync(connection, new AuditIntent(actor, "evidence.add.start", justification),
            async (w, ct) =>
            {
                var existing = await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, "SELECT source_root FROM exhibits WHERE exhibit_id = @e",
                    ct, ("@e", exhibitId));
                if (existing is string existingRoot && !string.Equals(existingRoot, root, StringComparison.Ordinal))
                {
                    throw new CaseStoreException($"exhibit {exhibitId} was registered from {EvidenceName.Display(existingRoot)}, not {EvidenceName.Display(root)}; register another source as a new exhibit");
                }

                var resumed = existing is not null;
                if (!resumed)
                {
                    await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                        "INSERT INTO exhibits (exhibit_id, description, source_root, registered_utc, registered_by) VALUES (@e, @d, @r, @t, @a)",
                        ct, ("@e", exhibitId), ("@d", description), ("@r", root), ("@t", w.NowUtc), ("@a", actor));
                }

                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                    "INSERT INTO custody_events (exhibit_id, time_utc, actor, action, note) VALUES (@e, @t, @a, @n, @o)",
                    ct, ("@e", exhibitId), ("@t", w.NowUtc), ("@a", actor), ("@n", resumed ? "registration resumed" : "registration started"),
                    ("@o", "source " + EvidenceName.Display(root)));
                return resumed;
            },
            _ => $"exhibit {exhibitId} from {EvidenceName.Display(root)}", cancellationToken);

    private async Task FinishExhibitAsync(DbConnection connection, EvidenceAddResult result, string actor, string? justification,
        CancellationToken cancellationToken)
    {
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"exhibit {result.ExhibitId}: {result.Registered} new, {result.AlreadyRecorded} already recorded, {result.Unreadable.Count} unreadable, {result.Skipped.Count} skipped");
        await _store.WriteOnAsync(connection, new AuditIntent(actor, "evidence.add", justification),
            async (w, ct) => await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                "INSERT INTO custody_events (exhibit_id, time_utc, actor, action, note) VALUES (@e, @t, @a, 'registered', @o)",
                ct, ("@e", result.ExhibitId), ("@t", w.NowUtc), ("@a", actor), ("@o", summary)),
            _ => summary, cancellationToken);
    }

    /// <summary>
    /// Writes hashed files in batches of <see cref="BatchSize"/>, each its own transaction and deliberately without an
    /// audit entry: registration is bracketed by the audited <c>evidence.add.start</c> and <c>evidence.add</c> entries,
    /// and batch commits are what make a killed run resumable.
    /// </summary>
    private async Task<int> WriteAsync(DbConnection connection, ChannelReader<EvidenceFile> reader, CancellationToken cancellationToken)
    {
        var db = _store.Database;
        var written = 0;
        var now = Timestamps.Format(_store.Time.GetUtcNow());
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            await using var cmd = CaseDatabase.Command(connection, tx, """
                INSERT INTO evidence_files (exhibit_id, rel_path, rel_path_bytes, status, size, modified_utc, created_utc, md5, sha1, sha256, error, registered_utc)
                VALUES (@e, @p, @pb, @s, @z, @m, @c, @h1, @h2, @h3, @err, @t)
                ON CONFLICT (exhibit_id, rel_path_bytes) DO UPDATE SET
                    status = excluded.status, size = excluded.size, modified_utc = excluded.modified_utc,
                    created_utc = excluded.created_utc, md5 = excluded.md5, sha1 = excluded.sha1, sha256 = excluded.sha256,
                    error = excluded.error, registered_utc = excluded.registered_utc
                WHERE evidence_files.status <> 'ok'
                """,
                ("@e", null), ("@p", null), ("@pb", null), ("@s", null), ("@z", null), ("@m", null), ("@c", null),
                ("@h1", null), ("@h2", null), ("@h3", null), ("@err", null), ("@t", now));
            var inBatch = 0;
            while (inBatch < BatchSize && reader.TryRead(out var f))
            {
                SetParameters(cmd, f);
                written += await cmd.ExecuteNonQueryAsync(cancellationToken);
                inBatch++;
            }

            await _store.CommitSealedAsync(connection, tx, cancellationToken);
        }

        return written;
    }

    private static void SetParameters(DbCommand cmd, EvidenceFile f)
    {
        cmd.Parameters["@e"].Value = f.ExhibitId;
        cmd.Parameters["@p"].Value = f.RelPath;
        cmd.Parameters["@pb"].Value = f.RelPathBytes;
        cmd.Parameters["@s"].Value = f.Status;
        cmd.Parameters["@z"].Value = (object?)f.Size ?? DBNull.Value;
        cmd.Parameters["@m"].Value = (object?)f.ModifiedUtc ?? DBNull.Value;
        cmd.Parameters["@c"].Value = (object?)f.CreatedUtc ?? DBNull.Value;
        cmd.Parameters["@h1"].Value = (object?)f.Md5 ?? DBNull.Value;
        cmd.Parameters["@h2"].Value = (object?)f.Sha1 ?? DBNull.Value;
        cmd.Parameters["@h3"].Value = (object?)f.Sha256 ?? DBNull.Value;
        cmd.Parameters["@err"].Value = (object?)f.Error ?? DBNull.Value;
    }

    private static EvidenceFile HashEntry(ScannedEntry entry, string exhibitId, CancellationToken cancellationToken)
    {
        if (entry.Problem is not null)
        {
            return new EvidenceFile(0, exhibitId, entry.RelPath, entry.Skip ? EvidenceStatus.Skipped : EvidenceStatus.Unreadable,
                null, null, null, null, null, null, entry.Problem) { RelPathBytes = entry.RelPathBytes };
        }

        try
        {
            // Opened by its bytes, read-only; the times and size are the open file's, so they describe the bytes hashed.
            using var stream = EvidenceScanner.Open(entry);
            var handle = stream.SafeFileHandle;
            var modified = File.GetLastWriteTimeUtc(handle);
            var created = File.GetCreationTimeUtc(handle);
            var digest = FileDigester.Compute(stream, cancellationToken);
            if (File.GetLastWriteTimeUtc(handle) != modified || RandomAccess.GetLength(handle) != digest.Length)
            {
                return Unreadable(entry, exhibitId, "changed while it was being read (size or modification time moved)");
            }

            return new EvidenceFile(0, exhibitId, entry.RelPath, EvidenceStatus.Ok, digest.Length,
                Timestamps.Format(modified), Timestamps.Format(created), digest.Md5, digest.Sha1, digest.Sha256, null) { RelPathBytes = entry.RelPathBytes };
        }
        catch (NotRegularFileException)
        {
            return new EvidenceFile(0, exhibitId, entry.RelPath, EvidenceStatus.Skipped, null, null, null, null, null, null,
                "special file (FIFO, socket or character device; not read)") { RelPathBytes = entry.RelPathBytes };
        }
        catch (FileNotFoundException)
        {
            return Unreadable(entry, exhibitId, VanishedReason);
        }
        catch (DirectoryNotFoundException)
        {
            return Unreadable(entry, exhibitId, VanishedReason);
        }
        catch (UnauthorizedAccessException e)
        {
            return Unreadable(entry, exhibitId, "permission denied: " + e.Message);
        }
        catch (IOException e)
        {
            return Unreadable(entry, exhibitId, "I/O error: " + e.Message);
        }
    }

    private const string VanishedReason = "vanished before it could be read";

    private static EvidenceFile Unreadable(ScannedEntry entry, string exhibitId, string reason) =>
        new(0, exhibitId, entry.RelPath, EvidenceStatus.Unreadable, null, null, null, null, null, null, reason) { RelPathBytes = entry.RelPathBytes };

    private static async Task<HashSet<byte[]>> RecordedPathsAsync(DbConnection connection, string exhibitId, CancellationToken cancellationToken)
    {
        var set = new HashSet<byte[]>(NameBytesComparer.Instance);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT rel_path_bytes FROM evidence_files WHERE exhibit_id = @e AND status <> 'unreadable'", ("@e", exhibitId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            set.Add(reader.GetFieldValue<byte[]>(0));
        }

        return set;
    }

    private const string FileColumns = "SELECT id, exhibit_id, rel_path, status, size, modified_utc, created_utc, md5, sha1, sha256, error, rel_path_bytes FROM evidence_files";

    /// <summary>All registered files of one exhibit (or all), ordered by exhibit and path.</summary>
    public async Task<IReadOnlyList<EvidenceFile>> ListAsync(string? exhibitId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        // Two statements rather than "@e IS NULL OR …": PostgreSQL cannot type an untyped NULL parameter.
        await using var cmd = exhibitId is null
            ? CaseDatabase.Command(connection, null, FileColumns + " ORDER BY exhibit_id, rel_path")
            : CaseDatabase.Command(connection, null, FileColumns + " WHERE exhibit_id = @e ORDER BY exhibit_id, rel_path", ("@e", exhibitId));
        return await ReadFilesAsync(cmd, cancellationToken);
    }

    /// <summary>One registered file of an exhibit by its id, or null when the exhibit has no such file.</summary>
    public async Task<EvidenceFile?> FindAsync(string exhibitId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, FileColumns + " WHERE exhibit_id = @e AND id = @i", ("@e", exhibitId), ("@i", id));
        return (await ReadFilesAsync(cmd, cancellationToken)).SingleOrDefault();
    }

    /// <summary>
    /// Where the original of registered file <paramref name="id"/> lies (its exhibit's source folder and its path in it),
    /// or null when the case has no such file or it is no longer inside its exhibit. The path comes from the registry only;
    /// callers open it read-only.
    /// </summary>
    public async Task<(EvidenceFile File, string Path)?> OriginalAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, FileColumns + " WHERE id = @i", ("@i", id));
        var file = (await ReadFilesAsync(cmd, cancellationToken)).SingleOrDefault();
        if (file is null)
        {
            return null;
        }

        if (await CaseDatabase.ScalarAsync(connection, null, "SELECT source_root FROM exhibits WHERE exhibit_id = @e", cancellationToken, ("@e", file.ExhibitId)) is not string root)
        {
            return null;
        }

        // A name that is not UTF-8 has no path as text; such an original is opened by its bytes (OpenOriginal), not here.
        return PathOf(root, file) is { } bytes && TryText(bytes) is { } path && File.Exists(path) ? (file, path) : null;
    }

    /// <summary>
    /// The path of <paramref name="file"/>'s original as bytes (its exhibit's source folder, then its name's bytes), or null
    /// when the registry's name would leave that folder (an absolute path, an empty, <c>.</c> or <c>..</c> part: never
    /// written by registration, so a sign of an edited database). Open it with <see cref="OpenOriginal"/>.
    /// </summary>
    public static byte[]? PathOf(Exhibit exhibit, EvidenceFile file)
    {
        ArgumentNullException.ThrowIfNull(exhibit);
        return PathOf(exhibit.SourceRoot, file);
    }

    /// <summary>
    /// Opens the original at <paramref name="path"/> (from <see cref="PathOf(Exhibit, EvidenceFile)"/>) read-only, by its
    /// bytes where the platform allows (Linux), never following a link at its last part; <paramref name="shown"/> names it in errors.
    /// </summary>
    public static FileStream OpenOriginal(byte[] path, string shown) =>
        EvidenceScanner.Open(new ScannedEntry([], shown, path, null, false));

    private static byte[]? PathOf(string root, EvidenceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (File.Exists(root))
        {
            return Encoding.UTF8.GetBytes(root); // an exhibit registered as one file
        }

        var rel = file.RelPathBytes;
        if (rel.Length == 0 || rel[0] == (byte)'/')
        {
            return null;
        }

        foreach (var part in rel.AsSpan().Split((byte)'/'))
        {
            if (rel.AsSpan(part).IsEmpty || rel.AsSpan(part).SequenceEqual("."u8) || rel.AsSpan(part).SequenceEqual(".."u8))
            {
                return null;
            }
        }

        return [.. Encoding.UTF8.GetBytes(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root))), (byte)'/', .. rel];
    }

    private static string? TryText(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static async Task<List<EvidenceFile>> ReadFilesAsync(DbCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<EvidenceFile>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new EvidenceFile(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                NullableString(reader, 5), NullableString(reader, 6), NullableString(reader, 7),
                NullableString(reader, 8), NullableString(reader, 9), NullableString(reader, 10))
            {
                RelPathBytes = reader.GetFieldValue<byte[]>(11),
            });
        }

        return list;
    }

    /// <summary>The registered exhibits with file counts.</summary>
    public async Task<IReadOnlyList<Exhibit>> ExhibitsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        var list = new List<Exhibit>();
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT x.exhibit_id, x.description, x.source_root, x.registered_utc, x.registered_by,
                   COUNT(f.id), COALESCE(SUM(f.size), 0), SUM(CASE WHEN f.status <> 'ok' THEN 1 ELSE 0 END)
            FROM exhibits x LEFT JOIN evidence_files f ON f.exhibit_id = x.exhibit_id
            GROUP BY x.exhibit_id, x.description, x.source_root, x.registered_utc, x.registered_by
            ORDER BY x.exhibit_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Exhibit(reader.GetString(0), NullableString(reader, 1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture),
                reader.IsDBNull(7) ? 0 : Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture)));
        }

        return list;
    }

    /// <summary>
    /// Re-hashes every registered file of <paramref name="exhibitId"/> (or of every exhibit) and reports the files
    /// changed, missing, added or unreadable since registration. Records the check in the audit log.
    /// </summary>
    public async Task<EvidenceVerifyResult> VerifyAsync(string? exhibitId, string actor, string? justification,
        IProgress<EvidenceProgress>? progress, CancellationToken cancellationToken)
    {
        var exhibits = (await ExhibitsAsync(cancellationToken)).Where(x => exhibitId is null || x.ExhibitId == exhibitId).ToList();
        if (exhibitId is not null && exhibits.Count == 0)
        {
            throw new CaseStoreException($"no exhibit {exhibitId} in this case");
        }

        var changed = new ConcurrentBag<EvidenceProblem>();
        var missing = new ConcurrentBag<EvidenceProblem>();
        var added = new List<EvidenceProblem>();
        var unreadable = new ConcurrentBag<EvidenceProblem>();
        var checkedCount = 0;
        var unchanged = 0;
        foreach (var exhibit in exhibits)
        {
            var files = await ListAsync(exhibit.ExhibitId, cancellationToken);
            // Keyed by the name's bytes, never by decoded text: two names that decode alike are two files (issue 20.2: the
            // decoded key "bad\uFFFD.png" of two files made this throw "an item with the same key has already been added").
            var known = files.Select(f => f.RelPathBytes).ToHashSet(NameBytesComparer.Instance);
            var present = Directory.Exists(exhibit.SourceRoot) || File.Exists(exhibit.SourceRoot)
                ? EvidenceScanner.Scan(exhibit.SourceRoot, cancellationToken)
                : [];
            var presentByPath = present.ToDictionary(p => p.RelPathBytes, NameBytesComparer.Instance);
            added.AddRange(present.Where(p => !known.Contains(p.RelPathBytes))
                .Select(p => new EvidenceProblem($"{exhibit.ExhibitId}:{p.RelPath}", "not registered")));
            var toCheck = files.Where(f => f.Status == EvidenceStatus.Ok).ToList();
            long done = 0;
            await Parallel.ForEachAsync(toCheck, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                (f, ct) =>
                {
                    var name = $"{exhibit.ExhibitId}:{f.RelPath}";
                    if (!presentByPath.TryGetValue(f.RelPathBytes, out var entry))
                    {
                        missing.Add(new EvidenceProblem(name, "missing"));
                    }
                    else
                    {
                        var now = HashEntry(entry, f.ExhibitId, ct);
                        if (now.Status != EvidenceStatus.Ok)
                        {
                            (now.Error == VanishedReason ? missing : unreadable).Add(new EvidenceProblem(name, now.Error!));
                        }
                        else if (now.Size != f.Size || now.Sha256 != f.Sha256 || now.Sha1 != f.Sha1 || now.Md5 != f.Md5)
                        {
                            changed.Add(new EvidenceProblem(name, string.Create(CultureInfo.InvariantCulture,
                                $"size {f.Size} → {now.Size}, sha256 {f.Sha256} → {now.Sha256}")));
                        }
                        else
                        {
                            Interlocked.Increment(ref unchanged);
                        }
                    }

                    Interlocked.Increment(ref checkedCount);
                    progress?.Report(new EvidenceProgress("verify", Interlocked.Increment(ref done), toCheck.Count, 0, 0));
                    return ValueTask.CompletedTask;
                });
        }

        static List<EvidenceProblem> Sorted(IEnumerable<EvidenceProblem> items) => [.. items.OrderBy(p => p.RelPath, StringComparer.Ordinal)];
        var result = new EvidenceVerifyResult(checkedCount, unchanged, Sorted(changed), Sorted(missing), Sorted(added), Sorted(unreadable));
        await _store.RecordAsync(new AuditIntent(actor, "evidence.verify", justification),
            string.Create(CultureInfo.InvariantCulture,
                $"{exhibitId ?? "all exhibits"}: {result.Checked} checked, {result.Changed.Count} changed, {result.Missing.Count} missing, {result.Added.Count} added, {result.Unreadable.Count} unreadable"),
            cancellationToken);
        return result;
    }

    private static string? NullableString(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static void ValidateExhibitId(string exhibitId)
    {
        if (string.IsNullOrWhiteSpace(exhibitId) || exhibitId.Length > 128 || exhibitId.Any(char.IsControl))
        {
            throw new CaseStoreException("an exhibit id is 1–128 printable characters");
        }
    }
}
