using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Harrier.Cases;

/// <summary>
/// The append-only, hash-chained audit log. Each entry's hash is SHA-256 over a canonical JSON array of
/// (seq, time, actor, action, object, justification, prev_hash); entry 1 chains to a genesis hash derived from
/// the case id. The last entry's seq and hash are also written to <c>audit.head</c> in the case folder, so
/// cutting entries off the end is detected too.
/// </summary>
public sealed class AuditLog
{
    private readonly CaseStore _store;
    private readonly CaseDatabase _db;
    private readonly string _caseDir;
    private readonly string _caseId;
    private readonly TimeProvider _time;

    internal AuditLog(CaseStore store, CaseDatabase db, string caseDir, string caseId, TimeProvider time)
    {
        _store = store;
        _db = db;
        _caseDir = caseDir;
        _caseId = caseId;
        _time = time;
    }

    /// <summary>The prev_hash of entry 1.</summary>
    public string GenesisHash => Sha256Hex("harrier-audit-genesis:" + _caseId);

    /// <summary>Appends one entry in its own write transaction (see <see cref="CaseStore.RecordAsync"/>, which this is).</summary>
    internal Task<AuditEntry> AppendAsync(string actor, string action, string target, string? justification,
        CancellationToken cancellationToken) =>
        _store.RecordAsync(new AuditIntent(actor, action, justification), target, cancellationToken);

    /// <summary>
    /// Appends one entry inside the write scope's transaction (so the entry commits with the change it records);
    /// only <see cref="CaseStore.WriteAsync{T}"/> calls it, and writes the head after committing.
    /// </summary>
    internal async Task<AuditEntry> AppendAsync(DbConnection connection, DbTransaction tx, string actor, string action,
        string target, string? justification, CancellationToken cancellationToken)
    {
        await using (var last = CaseDatabase.Command(connection, tx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"))
        await using (var reader = await last.ExecuteReaderAsync(cancellationToken))
        {
            long seq = 1;
            var prev = GenesisHash;
            if (await reader.ReadAsync(cancellationToken))
            {
                seq = reader.GetInt64(0) + 1;
                prev = reader.GetString(1);
            }

            var time = Timestamps.Format(_time.GetUtcNow());
            var entry = new AuditEntry(seq, time, actor, action, target, justification ?? string.Empty, prev, string.Empty);
            entry = entry with { Hash = ComputeHash(entry) };
            await reader.DisposeAsync();
            await CaseDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO audit_log (seq, time_utc, actor, action, object, justification, prev_hash, hash) VALUES (@s, @t, @a, @n, @o, @j, @p, @h)",
                cancellationToken,
                ("@s", entry.Seq), ("@t", entry.TimeUtc), ("@a", entry.Actor), ("@n", entry.Action), ("@o", entry.Target),
                ("@j", entry.Justification), ("@p", entry.PrevHash), ("@h", entry.Hash));
            return entry;
        }
    }

    /// <summary>Records the chain's head in <c>audit.head</c> (atomically: write a temp file, then rename).</summary>
    internal void WriteHead(AuditEntry entry)
    {
        var path = Path.Combine(_caseDir, CaseFolder.AuditHeadFileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, string.Create(CultureInfo.InvariantCulture, $"{entry.Seq} {entry.Hash}\n"));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>All entries in sequence order (optionally the last <paramref name="tail"/> only).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(int? tail, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenAsync(cancellationToken);
        var list = new List<AuditEntry>();
        var sql = tail is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM (SELECT seq, time_utc, actor, action, object, justification, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT {n}) t ORDER BY seq")
            : "SELECT seq, time_utc, actor, action, object, justification, prev_hash, hash FROM audit_log ORDER BY seq";
        await using var cmd = CaseDatabase.Command(connection, null, sql);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AuditEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7)));
        }

        return list;
    }

    /// <summary>
    /// Walks the whole chain and names the first entry that was edited, deleted, inserted or reordered,
    /// then checks the chain's end against <c>audit.head</c>.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var entries = await ReadAsync(null, cancellationToken);
        var expectedPrev = GenesisHash;
        long expectedSeq = 1;
        foreach (var e in entries)
        {
            if (e.Seq != expectedSeq)
            {
                var what = e.Seq > expectedSeq
                    ? $"entry {expectedSeq} is missing (next present is {e.Seq}): deleted"
                    : $"sequence goes back from {expectedSeq - 1} to {e.Seq}: inserted or reordered";
                return new AuditVerification(entries.Count, false, expectedSeq, what, 0);
            }

            if (!string.Equals(e.PrevHash, expectedPrev, StringComparison.Ordinal))
            {
                return new AuditVerification(entries.Count, false, e.Seq,
                    $"entry {e.Seq} does not chain to entry {e.Seq - 1} (prev_hash differs): an entry was inserted, deleted or reordered", 0);
            }

            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(entries.Count, false, e.Seq,
                    $"entry {e.Seq} ({e.Action}) does not match its hash: its contents were edited", 0);
            }

            expectedPrev = e.Hash;
            expectedSeq++;
        }

        return CheckHead(entries);
    }

    private AuditVerification CheckHead(IReadOnlyList<AuditEntry> entries)
    {
        var path = Path.Combine(_caseDir, CaseFolder.AuditHeadFileName);
        if (!File.Exists(path))
        {
            return entries.Count == 0
                ? new AuditVerification(0, true, null, null, 0)
                : new AuditVerification(entries.Count, false, 1, $"{CaseFolder.AuditHeadFileName} is missing: the chain's end cannot be checked", 0);
        }

        var parts = File.ReadAllText(path).Trim().Split(' ');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var headSeq))
        {
            return new AuditVerification(entries.Count, false, null, $"{CaseFolder.AuditHeadFileName} is malformed", 0);
        }

        if (headSeq > entries.Count)
        {
            return new AuditVerification(entries.Count, false, entries.Count + 1,
                $"the log ends at entry {entries.Count} but {CaseFolder.AuditHeadFileName} records entry {headSeq}: entries were cut off the end", 0);
        }

        if (headSeq > 0 && !string.Equals(entries[(int)headSeq - 1].Hash, parts[1], StringComparison.Ordinal))
        {
            return new AuditVerification(entries.Count, false, headSeq,
                $"entry {headSeq} differs from the hash anchored in {CaseFolder.AuditHeadFileName}: the chain was rewritten", 0);
        }

        return new AuditVerification(entries.Count, true, null, null, entries.Count - headSeq);
    }

    /// <summary>SHA-256 over the canonical JSON array of every field but the hash itself.</summary>
    public static string ComputeHash(AuditEntry e)
    {
        var canonical = JsonSerializer.Serialize(new object[]
        {
            e.Seq, e.TimeUtc, e.Actor, e.Action, e.Target, e.Justification, e.PrevHash,
        });
        return Sha256Hex(canonical);
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
