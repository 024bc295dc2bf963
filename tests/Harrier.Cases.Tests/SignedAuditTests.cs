using System.Text.Json.Nodes;
using Harrier.Cases.Keys;

namespace Harrier.Cases.Tests;

/// <summary>
/// The audit chain against someone who can write the case folder and the database but does not hold the case key
/// (issue 20, item 1): cutting entries and rewriting the head, rehashing the chain and rewriting the head, wiping the
/// log, appending a forged entry with a valid hash, and swapping the public key in case.json. Each was exit 0 while
/// audit.head was an unsigned "seq hash" line; each must now fail verification. Then what only a checkpoint kept
/// elsewhere catches: a rollback to an earlier copy of the case, and a rewrite by someone who holds the key.
/// </summary>
public sealed class SignedAuditTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<CaseStore> CaseWithEntriesAsync(TestCase t)
    {
        var store = await t.InitAsync();
        for (var i = 1; i <= 5; i++)
        {
            t.Time.Advance(TimeSpan.FromMinutes(1));
            await store.Audit.AppendAsync($"analyst{i}", "media.reveal", $"file {i}", $"reason {i}", None);
        }

        var ok = await store.Audit.VerifyAsync(None);
        Assert.True(ok.Ok, ok.Problem);
        Assert.True(ok.HeadSigned);
        Assert.Equal(store.Key.Fingerprint, ok.KeyFingerprint);
        Assert.Equal(6, ok.Entries);
        return store;
    }

    private static async Task TamperAsync(CaseStore store, params string[] statements)
    {
        await using var conn = await store.Database.OpenAsync(None);
        var dropTriggers = store.Database.Kind == CaseDatabaseKind.Sqlite
            ? "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;"
            : "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log; DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log;";
        await CaseDatabase.ExecuteAsync(conn, null, dropTriggers, None);
        foreach (var sql in statements)
        {
            await CaseDatabase.ExecuteAsync(conn, null, sql, None);
        }
    }

    private static string HeadPath(TestCase t) => Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName);

    private static string NextPath(TestCase t) => Path.Combine(t.CaseDir, CaseFolder.AuditHeadNextFileName);

    private static SignedAuditHead ReadHead(string path) => SignedAuditHead.TryParse(File.ReadAllText(path)) ?? throw new InvalidOperationException(path);

    /// <summary>Writes the same head into audit.head and audit.head.next, as a forger would.</summary>
    private static void WriteBothHeads(TestCase t, string text)
    {
        File.WriteAllText(HeadPath(t), text);
        File.WriteAllText(NextPath(t), text);
    }

    /// <summary>Recomputes every hash from entry <paramref name="from"/> on, so the chain is self-consistent again.</summary>
    private static async Task RehashFromAsync(CaseStore store, int from)
    {
        var entries = await store.Audit.ReadAsync(null, None);
        var prev = entries[from - 2].Hash;
        var statements = new List<string>();
        foreach (var e in entries.Skip(from - 1))
        {
            var rehashed = e with { PrevHash = prev, Hash = string.Empty };
            rehashed = rehashed with { Hash = AuditLog.ComputeHash(rehashed) };
            statements.Add($"UPDATE audit_log SET prev_hash = '{rehashed.PrevHash}', hash = '{rehashed.Hash}' WHERE seq = {e.Seq}");
            prev = rehashed.Hash;
        }

        await TamperAsync(store, [.. statements]);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Every_append_signs_the_head_with_the_case_key(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var entries = await store.Audit.ReadAsync(null, None);

        var head = ReadHead(HeadPath(t));
        Assert.Equal((6L, entries[^1].Hash), (head.Seq, head.Hash));
        Assert.Equal(head, ReadHead(NextPath(t)));
        Assert.Equal(store.Manifest.CaseId, head.CaseId);
        Assert.Equal(store.Key.Fingerprint, head.KeyFingerprint);
        Assert.True(head.HasValidSignature());
        // Format 2 (docs/security.md): the five lines of format 1 and the digest of the tables' state.
        var signedText = $"harrier-audit-head/2\n{head.CaseId}\n6\n{head.Hash}\n{head.SignedUtc}\n{head.Tables!.Digest()}\n";
        Assert.True(CaseKey.Verify(store.Key.PublicKey, System.Text.Encoding.UTF8.GetBytes(signedText), Convert.FromBase64String(head.SignatureBase64)));
        Assert.False(CaseKey.Verify(store.Key.PublicKey, SignedAuditHead.SignedBytes(head.CaseId, 6, head.Hash, head.SignedUtc),
            Convert.FromBase64String(head.SignatureBase64)));
        Assert.Equal(head, await store.ReadSignedHeadAsync(None));
        Assert.Equal(entries[0].Hash, store.Manifest.GenesisEntryHash);
        Assert.Equal(store.Key.PublicKeyBase64, CaseFolder.Read(t.CaseDir).Key!.PublicKeyBase64);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Cutting_the_last_entries_and_rewriting_the_head_fails(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var entries = await store.Audit.ReadAsync(null, None);
        var signed = ReadHead(HeadPath(t));
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq >= 5");

        // The old unsigned form of the head, as an attacker would write it.
        WriteBothHeads(t, $"4 {entries[3].Hash}\n");
        var plain = await store.Audit.VerifyAsync(None);
        Assert.False(plain.Ok);
        Assert.Contains("not a signed audit head", plain.Problem);

        // The signed form with entry 4's seq and hash and the only signature the attacker has: entry 6's.
        WriteBothHeads(t, (signed with { Seq = 4, Hash = entries[3].Hash }).ToJson());
        var forged = await store.Audit.VerifyAsync(None);
        Assert.False(forged.Ok);
        Assert.Contains("signature is not valid", forged.Problem);

        // The heads left as they were.
        WriteBothHeads(t, signed.ToJson());
        var cut = await store.Audit.VerifyAsync(None);
        Assert.False(cut.Ok);
        Assert.Equal(5, cut.FirstBadSeq);
        Assert.Contains("cut off the end", cut.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Rehashing_the_whole_chain_and_rewriting_the_head_fails(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var signed = ReadHead(HeadPath(t));
        await TamperAsync(store, "UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 3");
        await RehashFromAsync(store, 3);
        var rehashed = await store.Audit.ReadAsync(null, None);

        WriteBothHeads(t, $"6 {rehashed[^1].Hash}\n");
        Assert.False((await store.Audit.VerifyAsync(None)).Ok);

        WriteBothHeads(t, (signed with { Hash = rehashed[^1].Hash }).ToJson());
        var result = await store.Audit.VerifyAsync(None);
        Assert.False(result.Ok);
        Assert.Contains("signature is not valid", result.Problem);

        WriteBothHeads(t, signed.ToJson());
        var kept = await store.Audit.VerifyAsync(None);
        Assert.False(kept.Ok);
        Assert.Equal(6, kept.FirstBadSeq);
        Assert.Contains("chain was rewritten", kept.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Deleting_every_entry_and_the_heads_fails(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        await TamperAsync(store, "DELETE FROM audit_log");
        File.Delete(HeadPath(t));
        File.Delete(NextPath(t));

        var result = await store.Audit.VerifyAsync(None);

        Assert.False(result.Ok);
        Assert.Equal(0, result.Entries);
        Assert.Contains("the log was wiped", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_forged_append_with_a_valid_hash_fails(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var last = (await store.Audit.ReadAsync(null, None))[^1];
        var forged = new AuditEntry(7, last.TimeUtc, "mallory", "media.reveal", "file 99", "forged", last.Hash, string.Empty);
        forged = forged with { Hash = AuditLog.ComputeHash(forged) };
        await TamperAsync(store,
            $"INSERT INTO audit_log (seq, time_utc, actor, action, object, justification, prev_hash, hash) VALUES (7, '{forged.TimeUtc}', 'mallory', 'media.reveal', 'file 99', 'forged', '{forged.PrevHash}', '{forged.Hash}')");

        var result = await store.Audit.VerifyAsync(None);

        Assert.False(result.Ok);
        Assert.Equal(7, result.FirstBadSeq);
        Assert.Contains("entry 7 is covered by no signed head: it was appended without the case key", result.Problem);
        Assert.Equal(7, result.Entries);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_swapped_public_key_in_case_json_fails_against_the_key_store(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        using var mallory = CaseKey.Generate();
        var manifestPath = Path.Combine(t.CaseDir, CaseFolder.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["key"]!["fingerprint"] = mallory.Fingerprint;
        manifest["key"]!["publicKey"] = mallory.PublicKeyBase64;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        // The forger re-signs both heads with their own key, so every signature in the folder is valid for case.json.
        var entries = await store.Audit.ReadAsync(null, None);
        WriteBothHeads(t, SignedAuditHead.Create(mallory, store.Manifest.CaseId, 6, entries[^1].Hash, t.Time.GetUtcNow()).ToJson());

        var reopened = await t.OpenAsync();
        var result = await reopened.Audit.VerifyAsync(None);

        Assert.False(result.Ok);
        Assert.Contains("the key in case.json was swapped", result.Problem);
        var refused = Assert.Throws<CaseStoreException>(() => reopened.Key);
        Assert.Contains("is not the key case.json records", refused.Message);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_head_signed_by_another_key_fails(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        using var other = CaseKey.Generate();
        var entries = await store.Audit.ReadAsync(null, None);
        WriteBothHeads(t, SignedAuditHead.Create(other, store.Manifest.CaseId, 6, entries[^1].Hash, t.Time.GetUtcNow()).ToJson());

        var result = await store.Audit.VerifyAsync(None);

        Assert.False(result.Ok);
        Assert.Contains("not by the case key", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_checkpoint_round_trips_and_stays_valid_as_the_log_grows(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var checkpoint = SignedAuditHead.TryParse((await store.ReadSignedHeadAsync(None)).ToJson())!;
        Assert.Equal(6, checkpoint.Seq);

        t.Time.Advance(TimeSpan.FromMinutes(1));
        await store.Audit.AppendAsync("analyst", "media.reveal", "file 7", null, None);
        var result = await store.Audit.VerifyAsync(checkpoint, None);

        Assert.True(result.Ok, result.Problem);
        Assert.Equal(6, result.CheckpointSeq);
        Assert.Equal(7, result.Entries);

        var wrongCase = await store.Audit.VerifyAsync(checkpoint with { CaseId = Guid.Empty.ToString() }, None);
        Assert.False(wrongCase.Ok);
        var altered = await store.Audit.VerifyAsync(checkpoint with { Seq = 5 }, None);
        Assert.False(altered.Ok);
        Assert.Contains("checkpoint's signature is not valid", altered.Problem);
    }

    [Fact]
    public async Task A_rollback_to_an_earlier_copy_passes_alone_and_fails_against_a_later_checkpoint()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        await store.Audit.AppendAsync("analyst", "media.reveal", "file 1", null, None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var saved = Path.Combine(t.Root, "saved");
        CopyFolder(t.CaseDir, saved);
        for (var i = 2; i <= 4; i++)
        {
            t.Time.Advance(TimeSpan.FromMinutes(1));
            await store.Audit.AppendAsync("analyst", "media.reveal", $"file {i}", null, None);
        }

        var checkpoint = await store.ReadSignedHeadAsync(None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(t.CaseDir, recursive: true);
        CopyFolder(saved, t.CaseDir);
        var rolledBack = await t.OpenAsync();

        // Every signature in the earlier copy is genuine: only an anchor kept outside the folder tells.
        Assert.True((await rolledBack.Audit.VerifyAsync(None)).Ok);
        var result = await rolledBack.Audit.VerifyAsync(checkpoint, None);
        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBadSeq);
        Assert.Contains("below the checkpoint's entry 5", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_rewrite_by_the_key_holder_passes_alone_and_fails_against_an_earlier_checkpoint(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var checkpoint = await store.ReadSignedHeadAsync(None);
        await TamperAsync(store, "UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 3");
        await RehashFromAsync(store, 3);
        var entries = await store.Audit.ReadAsync(null, None);
        WriteBothHeads(t, SignedAuditHead.Create(store.Key, store.Manifest.CaseId, 6, entries[^1].Hash, t.Time.GetUtcNow()).ToJson());

        Assert.True((await store.Audit.VerifyAsync(None)).Ok); // what the key holder can do (docs/security.md)
        var result = await store.Audit.VerifyAsync(checkpoint, None);

        Assert.False(result.Ok);
        Assert.Equal(6, result.FirstBadSeq);
        Assert.Contains("differs from the checkpoint's hash", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_swapped_key_unseen_without_the_key_store_is_caught_by_a_checkpoint(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var checkpoint = await store.ReadSignedHeadAsync(None);
        // A forger with their own key rebuilds a consistent case: new key in case.json, rewritten entry, re-signed heads.
        using var mallory = CaseKey.Generate();
        await TamperAsync(store, "UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 3");
        await RehashFromAsync(store, 3);
        var entries = await store.Audit.ReadAsync(null, None);
        var manifestPath = Path.Combine(t.CaseDir, CaseFolder.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["key"]!["fingerprint"] = mallory.Fingerprint;
        manifest["key"]!["publicKey"] = mallory.PublicKeyBase64;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        WriteBothHeads(t, SignedAuditHead.Create(mallory, store.Manifest.CaseId, 6, entries[^1].Hash, t.Time.GetUtcNow()).ToJson());
        var elsewhere = Directory.CreateTempSubdirectory("harrier-no-keys-").FullName;
        try
        {
            var receiver = await CaseStore.OpenAsync(t.CaseDir, t.ConnectionString, t.Time, CaseKeyStore.AtDirectory(elsewhere), None);

            var alone = await receiver.Audit.VerifyAsync(None);
            Assert.True(alone.Ok, alone.Problem); // nothing in the folder is left to contradict it
            Assert.Equal(mallory.Fingerprint, alone.KeyFingerprint); // ...but the fingerprint shown is not the one written down
            Assert.Contains("no case key at", alone.Note);
            var result = await receiver.Audit.VerifyAsync(checkpoint, None);
            Assert.False(result.Ok);
            Assert.Contains("the case key was swapped", result.Problem);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_write_interrupted_after_its_commit_is_covered_by_the_next_head_and_a_rolled_back_one_is_ignored(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var before = File.ReadAllText(HeadPath(t));
        await store.Audit.AppendAsync("analyst", "media.reveal", "file 7", null, None);

        // As if killed between the commit and the replacement of audit.head: only audit.head.next signs entry 7.
        File.WriteAllText(HeadPath(t), before);
        var interrupted = await store.Audit.VerifyAsync(None);
        Assert.True(interrupted.Ok, interrupted.Problem);
        Assert.Equal(1, interrupted.UnanchoredEntries);

        // Without audit.head.next, entry 7 is signed by nothing.
        File.Delete(NextPath(t));
        Assert.False((await store.Audit.VerifyAsync(None)).Ok);
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq = 7");
        File.WriteAllText(HeadPath(t), before);

        // As if killed after signing entry 7's head but before its commit: audit.head.next is one ahead. Not tampering.
        await store.Audit.AppendAsync("analyst", "media.reveal", "file 7 again", null, None);
        Assert.Equal(7, ReadHead(NextPath(t)).Seq);
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq = 7");
        File.WriteAllText(HeadPath(t), before);
        var uncommitted = await store.Audit.VerifyAsync(None);
        Assert.True(uncommitted.Ok, uncommitted.Problem);
        Assert.Equal(6, uncommitted.Entries);

        // Two ahead is not a write in flight.
        var two = ReadHead(NextPath(t)) with { Seq = 8 };
        File.WriteAllText(NextPath(t), SignedAuditHead.Create(store.Key, two.CaseId, 8, two.Hash, t.Time.GetUtcNow()).ToJson());
        Assert.False((await store.Audit.VerifyAsync(None)).Ok);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_missing_key_stops_an_append_naming_where_it_looked_and_changes_nothing(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var elsewhere = Directory.CreateTempSubdirectory("harrier-no-keys-").FullName;
        try
        {
            var keyless = await CaseStore.OpenAsync(t.CaseDir, t.ConnectionString, t.Time, CaseKeyStore.AtDirectory(elsewhere), None);

            var e = await Assert.ThrowsAsync<CaseStoreException>(() =>
                keyless.RecordAsync(new AuditIntent("analyst", "media.reveal"), "file 9", None));

            Assert.Contains(Path.Combine(elsewhere, store.Manifest.CaseId + ".key"), e.Message);
            Assert.Equal(6, (await keyless.Audit.ReadAsync(null, None)).Count);
            var verified = await keyless.Audit.VerifyAsync(None);
            Assert.True(verified.Ok, verified.Problem); // verifying needs only the public key in case.json
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_case_json_stripped_of_its_key_fails_while_the_key_store_holds_the_key(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var entries = await store.Audit.ReadAsync(null, None);
        var manifestPath = Path.Combine(t.CaseDir, CaseFolder.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest.Remove("key");
        manifest.Remove("genesisEntryHash");
        manifest["format"] = 1;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        File.WriteAllText(HeadPath(t), $"6 {entries[^1].Hash}\n");
        File.Delete(NextPath(t));

        var result = await (await t.OpenAsync()).Audit.VerifyAsync(None);

        Assert.False(result.Ok);
        Assert.Contains("stripped of its key", result.Problem);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
