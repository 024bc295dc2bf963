using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Harrier.Cases.Keys;

namespace Harrier.Cases;

/// <summary>
/// The append-only, hash-chained audit log. Each entry's hash is SHA-256 over a canonical JSON array of
/// (seq, time, actor, action, object, justification, prev_hash); entry 1 chains to a genesis hash derived from
/// the case id. The last entry's seq and hash, signed by the case key (<see cref="SignedAuditHead"/>), are written to
/// <c>audit.head</c> in the case folder at every append, so cutting entries off the end, rehashing the chain, or appending
/// without the key is detected too; <c>case.json</c> commits to the key and to entry 1, so a wiped log is detected. Cases
/// made before case keys keep an unsigned <c>audit.head</c> ("seq hash").
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

    /// <summary>The last entry's seq and hash, read inside <paramref name="tx"/>.</summary>
    internal static async Task<(long Seq, string Hash)> LastAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        await using var last = CaseDatabase.Command(connection, tx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        await using var reader = await last.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetString(1))
            : throw new CaseStoreException("the audit log is empty: a batch can only be committed after the case's first entry");
    }

    /// <summary>
    /// Records the chain's head in <c>audit.head</c> (atomically: write a temp file, then rename): the signed head, or for a
    /// case made before case keys the plain "seq hash" line.
    /// </summary>
    internal void WriteHead(AuditEntry entry, SignedAuditHead? head)
    {
        var path = Path.Combine(_caseDir, CaseFolder.AuditHeadFileName);
        if (head is not null)
        {
            head.WriteTo(path);
            return;
        }

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
    /// Walks the whole chain and names the first entry that was edited, deleted, inserted or reordered, then checks the
    /// chain against its anchors: <c>case.json</c>'s key and entry-1 hash, and the heads signed by the case key.
    /// </summary>
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken) => VerifyAsync(null, cancellationToken);

    /// <summary>
    /// As <see cref="VerifyAsync(CancellationToken)"/>, and proves that the chain up to <paramref name="checkpoint"/>'s entry
    /// is unchanged (that entry has the checkpoint's hash, signed by the case key) and was not cut below it.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(SignedAuditHead? checkpoint, CancellationToken cancellationToken) =>
        (await VerifyCoreAsync(checkpoint, cancellationToken)).Verification;

    /// <summary>The signed head that covers the last entry, after a full check; throws when there is none.</summary>
    internal async Task<SignedAuditHead> ReadSignedHeadAsync(CancellationToken cancellationToken)
    {
        if (!_store.IsSigned)
        {
            throw new CaseStoreException($"case {_caseId} was made before case keys: its audit head is unsigned");
        }

        var (verification, head) = await VerifyCoreAsync(null, cancellationToken);
        return verification.Ok && head is not null
            ? head
            : throw new CaseStoreException($"the audit log does not verify: {verification.Problem}");
    }

    private async Task<(AuditVerification Verification, SignedAuditHead? Head)> VerifyCoreAsync(SignedAuditHead? checkpoint,
        CancellationToken cancellationToken)
    {
        var entries = await ReadAsync(null, cancellationToken);
        var fingerprint = _store.Manifest.Key?.Fingerprint;
        AuditVerification Broken(long? seq, string problem) =>
            new(entries.Count, false, seq, problem, 0, _store.IsSigned, fingerprint, null, checkpoint?.Seq);

        var expectedPrev = GenesisHash;
        long expectedSeq = 1;
        foreach (var e in entries)
        {
            if (e.Seq != expectedSeq)
            {
                var what = e.Seq > expectedSeq
                    ? $"entry {expectedSeq} is missing (next present is {e.Seq}): deleted"
                    : $"sequence goes back from {expectedSeq - 1} to {e.Seq}: inserted or reordered";
                return (Broken(expectedSeq, what), null);
            }

            if (!string.Equals(e.PrevHash, expectedPrev, StringComparison.Ordinal))
            {
                return (Broken(e.Seq, $"entry {e.Seq} does not chain to entry {e.Seq - 1} (prev_hash differs): an entry was inserted, deleted or reordered"), null);
            }

            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return (Broken(e.Seq, $"entry {e.Seq} ({e.Action}) does not match its hash: its contents were edited"), null);
            }

            expectedPrev = e.Hash;
            expectedSeq++;
        }

        if (_store.Manifest.Key is not { } key)
        {
            return (CheckUnsigned(entries, checkpoint), null);
        }

        var (verification, head) = CheckSigned(entries, key, checkpoint, Broken);
        return verification.Ok ? (await CheckTablesAsync(verification, entries.Count, cancellationToken), head) : (verification, head);
    }

    /// <summary>
    /// Recomputes every committed table's digest from its rows and compares it with what the heads that cover the last entry
    /// sign (<see cref="TableState"/>); names each table that differs. Needs the case key (the digests are keyed): without it
    /// here, the tables are left unchecked and the note says so.
    /// </summary>
    private async Task<AuditVerification> CheckTablesAsync(AuditVerification chain, long count, CancellationToken cancellationToken)
    {
        string Noted(string text) => chain.Note is null ? text : chain.Note + "; " + text;
        var covering = new List<(string Name, SignedAuditHead Head)>();
        foreach (var name in new[] { CaseFolder.AuditHeadFileName, CaseFolder.AuditHeadNextFileName })
        {
            var path = Path.Combine(_caseDir, name);
            if (File.Exists(path) && SignedAuditHead.TryParse(File.ReadAllText(path)) is { } h && h.Seq == count && h.HasValidSignature())
            {
                covering.Add((name, h));
            }
        }

        long pending;
        await using (var connection = await _db.OpenAsync(cancellationToken))
        {
            pending = await TableDigests.PendingAsync(connection, null, cancellationToken);
        }

        if (pending > 0)
        {
            return chain with
            {
                Ok = false,
                Problem = string.Create(CultureInfo.InvariantCulture,
                    $"{pending} row changes wait in audit_pending, sealed into no signed head: rows were written outside Harrier's write scope"),
            };
        }

        byte[]? secret;
        try
        {
            using var local = _store.KeyStore.TryLoad(_caseId);
            secret = local?.DeriveSecret(TableState.KeyPurpose);
        }
        catch (CaseStoreException)
        {
            secret = null;
        }

        if (secret is null)
        {
            return chain with { Note = Noted("table contents not checked: their digests are keyed by the case key, which is not on this machine") };
        }

        TableState now;
        await using (var connection = await _db.OpenAsync(cancellationToken))
        {
            // One read transaction: every table of one moment.
            await using var tx = await _db.BeginReadAsync(connection, cancellationToken);
            now = await TableDigests.ComputeAsync(_db.Kind, connection, tx, secret, cancellationToken);
            await tx.RollbackAsync(cancellationToken);
        }

        var signed = covering.Where(c => c.Head.Tables is not null).ToList();
        if (signed.Count == 0)
        {
            return chain with { Note = Noted("table contents not committed by the signed head: it predates table digests (schema 16); the next write commits them") };
        }

        var digest = now.Digest();
        if (signed.Any(c => c.Head.Tables!.Schema == now.Schema && c.Head.Tables.Digest() == digest))
        {
            return chain with { TablesChecked = now.Tables.Count };
        }

        var sameSchema = signed.Where(c => c.Head.Tables!.Schema == now.Schema).ToList();
        if (sameSchema.Count == 0)
        {
            return chain with
            {
                Note = Noted(string.Create(CultureInfo.InvariantCulture,
                    $"table contents not checked: the signed head took them at schema {signed[0].Head.Tables!.Schema}, the case is now at {now.Schema}; the next write commits them again")),
            };
        }

        // Name what differs from the newest covering head (audit.head.next, when present, is the latest signed).
        var (headName, head) = sameSchema[^1];
        return chain with
        {
            Ok = false,
            FirstBadSeq = null,
            Problem = $"the case's tables differ from what {headName} signs: {DescribeDifferences(head.Tables!, now)}; changed outside Harrier's write scope",
        };
    }

    private static string DescribeDifferences(TableState signed, TableState now)
    {
        var was = signed.Tables.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var isNow = now.Tables.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var name in was.Keys.Union(isNow.Keys).Order(StringComparer.Ordinal))
        {
            var a = was.GetValueOrDefault(name);
            var b = isNow.GetValueOrDefault(name);
            if (a is null)
            {
                parts.Add($"table {name} appeared");
            }
            else if (b is null)
            {
                parts.Add($"table {name} is gone");
            }
            else if (a.Rows != b.Rows)
            {
                var d = b.Rows - a.Rows;
                parts.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{name} holds {b.Rows} rows where {a.Rows} were signed ({Math.Abs(d)} {(d < 0 ? "deleted" : "added")})"));
            }
            else if (!string.Equals(a.Digest, b.Digest, StringComparison.Ordinal))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} holds the signed number of rows ({a.Rows}) but their contents were changed"));
            }
        }

        return parts.Count == 0 ? "the signed table list differs" : string.Join("; ", parts);
    }

    /// <summary>A case made before case keys: the plain head, and a refusal when something says it had a key after all.</summary>
    private AuditVerification CheckUnsigned(IReadOnlyList<AuditEntry> entries, SignedAuditHead? checkpoint)
    {
        const string Unsigned = "unsigned: made before case keys";
        string? localKey = null;
        try
        {
            using var found = _store.KeyStore.TryLoad(_caseId);
            localKey = found?.Fingerprint;
        }
        catch (CaseStoreException)
        {
            // A key file of another case, or no key file: nothing says this case had a key.
        }

        if (localKey is not null)
        {
            return new AuditVerification(entries.Count, false, null,
                $"case.json records no case key, but {_store.KeyStore.PathFor(_caseId)} holds this case's key ({localKey}): case.json was stripped of its key", 0);
        }

        if (checkpoint is not null)
        {
            return new AuditVerification(entries.Count, false, null,
                $"the checkpoint is signed by {checkpoint.KeyFingerprint}, but case.json records no case key: case.json was stripped of its key, or the checkpoint is another case's", 0,
                CheckpointSeq: checkpoint.Seq);
        }

        return CheckHead(entries) with { Note = Unsigned };
    }

    private (AuditVerification Verification, SignedAuditHead? Head) CheckSigned(IReadOnlyList<AuditEntry> entries, CaseKeyInfo key,
        SignedAuditHead? checkpoint, Func<long?, string, AuditVerification> broken)
    {
        (AuditVerification, SignedAuditHead?) Broken(long? seq, string problem) => (broken(seq, problem), null);

        byte[] publicKey;
        try
        {
            publicKey = Convert.FromBase64String(key.PublicKeyBase64);
        }
        catch (FormatException)
        {
            return Broken(null, "case.json's public key is not base64: case.json was edited");
        }

        if (!string.Equals(CaseKey.FingerprintOf(publicKey), key.Fingerprint, StringComparison.Ordinal))
        {
            return Broken(null, $"case.json's key fingerprint {key.Fingerprint} is not its public key's ({CaseKey.FingerprintOf(publicKey)}): case.json was edited");
        }

        // The key file on this machine, when it holds one, is an anchor outside the folder: a swapped public key shows here.
        string? note = null;
        try
        {
            using var local = _store.KeyStore.TryLoad(_caseId);
            if (local is null)
            {
                note = $"checked against case.json's public key only: no case key at {_store.KeyStore.Describe(_caseId)}";
            }
            else if (!string.Equals(local.PublicKeyBase64, key.PublicKeyBase64, StringComparison.Ordinal))
            {
                return Broken(null, $"case.json's public key ({key.Fingerprint}) is not the case key at {_store.KeyStore.PathFor(_caseId)} ({local.Fingerprint}): the key in case.json was swapped");
            }
        }
        catch (CaseStoreException e)
        {
            return Broken(null, e.Message);
        }

        if (_store.Manifest.GenesisEntryHash is not { } genesisEntry)
        {
            return Broken(1, "case.json records a case key but not the hash of entry 1 (genesisEntryHash): case.json was edited, or case init did not finish");
        }

        if (entries.Count == 0)
        {
            return Broken(1, $"the log is empty, but case.json commits to entry 1 ({genesisEntry}): the log was wiped");
        }

        if (!string.Equals(entries[0].Hash, genesisEntry, StringComparison.Ordinal))
        {
            return Broken(1, "entry 1 differs from the hash case.json commits to: the log was rebuilt");
        }

        long count = entries.Count;
        var heads = new List<(string Name, SignedAuditHead Head)>();
        foreach (var name in new[] { CaseFolder.AuditHeadFileName, CaseFolder.AuditHeadNextFileName })
        {
            var path = Path.Combine(_caseDir, name);
            if (!File.Exists(path))
            {
                continue;
            }

            if (SignedAuditHead.TryParse(File.ReadAllText(path)) is not { } head)
            {
                return Broken(null, $"{name} is not a signed audit head: it was replaced");
            }

            if (!string.Equals(head.CaseId, _caseId, StringComparison.Ordinal))
            {
                return Broken(null, $"{name} is the head of case {head.CaseId}, not of this case");
            }

            if (!string.Equals(head.PublicKeyBase64, key.PublicKeyBase64, StringComparison.Ordinal)
                || !string.Equals(head.KeyFingerprint, key.Fingerprint, StringComparison.Ordinal))
            {
                return Broken(head.Seq, $"{name} is signed by {head.KeyFingerprint}, not by the case key {key.Fingerprint}: it was forged");
            }

            if (!head.HasValidSignature())
            {
                return Broken(head.Seq, $"{name}'s signature is not valid for the case key {key.Fingerprint}: it was forged or altered");
            }

            if (head.Seq < 1 || (head.Seq > count && !(name == CaseFolder.AuditHeadNextFileName && head.Seq == count + 1)))
            {
                // audit.head.next may be one ahead: a write that signed its head but did not commit (rolled back, or killed).
                return Broken(count + 1, $"the log ends at entry {count} but {name} signs entry {head.Seq}: entries were cut off the end");
            }

            if (head.Seq <= count && !string.Equals(entries[(int)head.Seq - 1].Hash, head.Hash, StringComparison.Ordinal))
            {
                return Broken(head.Seq, $"entry {head.Seq} differs from the hash {name} signs: the chain was rewritten");
            }

            heads.Add((name, head));
        }

        var covering = heads.FirstOrDefault(h => h.Head.Seq == count);
        if (covering.Head is null)
        {
            var top = heads.Where(h => h.Head.Seq <= count).Select(h => h.Head.Seq).DefaultIfEmpty(0).Max();
            return Broken(top + 1, heads.Count == 0
                ? $"{CaseFolder.AuditHeadFileName} is missing: no signed head covers the log's {count} entries"
                : top + 1 == count
                    ? $"entry {count} is covered by no signed head: it was appended without the case key"
                    : $"entries {top + 1} to {count} are covered by no signed head: they were appended without the case key");
        }

        var anchored = heads.Where(h => h.Name == CaseFolder.AuditHeadFileName && h.Head.Seq <= count).Select(h => h.Head.Seq).DefaultIfEmpty(0).Max();

        if (checkpoint is not null)
        {
            if (!string.Equals(checkpoint.CaseId, _caseId, StringComparison.Ordinal))
            {
                return Broken(null, $"the checkpoint is of case {checkpoint.CaseId}, not of this case {_caseId}");
            }

            if (!checkpoint.HasValidSignature())
            {
                return Broken(null, "the checkpoint's signature is not valid: it was forged or altered");
            }

            if (!string.Equals(checkpoint.PublicKeyBase64, key.PublicKeyBase64, StringComparison.Ordinal))
            {
                return Broken(null, $"the checkpoint is signed by {checkpoint.KeyFingerprint}, but case.json records the key {key.Fingerprint}: the case key was swapped");
            }

            if (checkpoint.Seq < 1 || checkpoint.Seq > count)
            {
                return Broken(count + 1, $"the log ends at entry {count}, below the checkpoint's entry {checkpoint.Seq}: it was cut or rolled back");
            }

            if (!string.Equals(entries[(int)checkpoint.Seq - 1].Hash, checkpoint.Hash, StringComparison.Ordinal))
            {
                return Broken(checkpoint.Seq, $"entry {checkpoint.Seq} differs from the checkpoint's hash: the chain up to the checkpoint was rewritten");
            }
        }

        return (new AuditVerification(count, true, null, null, count - anchored, true, key.Fingerprint, note, checkpoint?.Seq), covering.Head);
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
