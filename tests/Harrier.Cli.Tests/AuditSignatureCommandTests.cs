using System.Text.Json;
using System.Text.Json.Nodes;
using Harrier.Cases;
using Harrier.Cases.Keys;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary>
/// <c>harrier audit verify</c> and <c>audit checkpoint</c> against the attacks of issue 20, item 1, run as a user runs
/// them: each tampering that exited 0 while <c>audit.head</c> was an unsigned "seq hash" line now exits 1.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AuditSignatureCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-audit-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private string HeadPath => Path.Combine(CaseDir, CaseFolder.AuditHeadFileName);

    private string NextPath => Path.Combine(CaseDir, CaseFolder.AuditHeadNextFileName);

    /// <summary>A case with a few entries: init, an evidence registration, two listings.</summary>
    private async Task InitWithEntriesAsync()
    {
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        File.WriteAllText(Path.Combine(evidence, "a.txt"), "a");
        File.WriteAllText(Path.Combine(evidence, "b.txt"), "b");
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "audit")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "add", evidence, "--exhibit", "EX-1", "--case", CaseDir)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "list", "--case", CaseDir)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "list", "--case", CaseDir)).ExitCode);
        var ok = await CliRunner.RunAsync("audit", "verify", "--case", CaseDir);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("audit log intact: 5 entries, head signed by ed25519:", ok.Out);
        Assert.Contains(" tables agree with it", ok.Out);
    }

    private async Task<CaseStore> OpenAsync() => await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);

    private async Task SqlAsync(params string[] statements)
    {
        var store = await OpenAsync();
        await using var conn = await store.Database.OpenAsync(CancellationToken.None);
        await CaseDatabase.ExecuteAsync(conn, null, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;", CancellationToken.None);
        foreach (var sql in statements)
        {
            await CaseDatabase.ExecuteAsync(conn, null, sql, CancellationToken.None);
        }
    }

    private async Task<IReadOnlyList<AuditEntry>> EntriesAsync() => await (await OpenAsync()).Audit.ReadAsync(null, CancellationToken.None);

    private async Task<CliRunner.Result> VerifyBrokenAsync(params string[] extra)
    {
        var r = await CliRunner.RunAsync(["audit", "verify", "--case", CaseDir, .. extra]);
        Assert.True(r.ExitCode == 1, $"audit verify exited {r.ExitCode}: {r.Out}{r.Err}");
        if (!extra.Contains("--json"))
        {
            Assert.Contains("audit log BROKEN", r.Out);
        }

        return r;
    }

    [Fact]
    public async Task Changing_an_evidence_digest_or_deleting_its_row_in_the_database_exits_1_naming_the_table()
    {
        await InitWithEntriesAsync();

        await WithoutAnyTriggerAsync("UPDATE evidence_files SET sha256 = '" + new string('0', 64) + "' WHERE rel_path = 'a.txt'");
        var changed = await VerifyBrokenAsync();
        Assert.Contains("evidence_files holds the signed number of rows (2) but their contents were changed", changed.Out);

        await WithoutAnyTriggerAsync("DELETE FROM evidence_files WHERE rel_path = 'b.txt'");
        var deleted = await VerifyBrokenAsync("--json");
        Assert.Contains("evidence_files holds 1 rows where 2 were signed (1 deleted)", JsonNode.Parse(deleted.Out)!["problem"]!.GetValue<string>());
    }

    /// <summary>The attacker of issue 20 item 1 holds the database but not the key, and drops every trigger before editing it.</summary>
    private async Task WithoutAnyTriggerAsync(string sql)
    {
        var store = await OpenAsync();
        await using var conn = await store.Database.OpenAsync(CancellationToken.None);
        var triggers = new List<string>();
        await using (var cmd = conn.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                triggers.Add(reader.GetString(0));
            }
        }

        foreach (var name in triggers)
        {
            await CaseDatabase.ExecuteAsync(conn, null, $"DROP TRIGGER \"{name}\"", CancellationToken.None);
        }

        await CaseDatabase.ExecuteAsync(conn, null, sql, CancellationToken.None);
    }

    [Fact]
    public async Task Cutting_entries_and_rewriting_the_head_exits_1()
    {
        await InitWithEntriesAsync();
        var entries = await EntriesAsync();
        await SqlAsync("DELETE FROM audit_log WHERE seq >= 3");
        File.WriteAllText(HeadPath, $"2 {entries[1].Hash}\n");
        File.WriteAllText(NextPath, $"2 {entries[1].Hash}\n");

        var r = await VerifyBrokenAsync();
        Assert.Contains("not a signed audit head", r.Out);
    }

    [Fact]
    public async Task Rehashing_the_chain_and_rewriting_the_head_exits_1()
    {
        await InitWithEntriesAsync();
        // Entry 3 edited, and every hash from there on recomputed: a self-consistent chain.
        var entries = await EntriesAsync();
        var statements = new List<string>();
        var prev = entries[1].Hash;
        AuditEntry last = entries[1];
        foreach (var e in entries.Skip(2))
        {
            last = e with { Actor = e.Seq == 3 ? "mallory" : e.Actor, PrevHash = prev };
            last = last with { Hash = AuditLog.ComputeHash(last) };
            statements.Add($"UPDATE audit_log SET actor = '{last.Actor}', prev_hash = '{last.PrevHash}', hash = '{last.Hash}' WHERE seq = {last.Seq}");
            prev = last.Hash;
        }

        await SqlAsync([.. statements]);
        var head = SignedAuditHead.TryParse(File.ReadAllText(HeadPath))!;
        File.WriteAllText(HeadPath, (head with { Hash = last.Hash }).ToJson());
        File.WriteAllText(NextPath, (head with { Hash = last.Hash }).ToJson());

        var r = await VerifyBrokenAsync();
        Assert.Contains("signature is not valid", r.Out);
    }

    [Fact]
    public async Task Wiping_the_log_and_its_heads_exits_1()
    {
        await InitWithEntriesAsync();
        await SqlAsync("DELETE FROM audit_log");
        File.Delete(HeadPath);
        File.Delete(NextPath);

        var r = await VerifyBrokenAsync("--json");
        using var doc = JsonDocument.Parse(r.Out[r.Out.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains("wiped", doc.RootElement.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task A_forged_append_with_a_valid_hash_exits_1()
    {
        await InitWithEntriesAsync();
        var last = (await EntriesAsync())[^1];
        var forged = new AuditEntry(last.Seq + 1, last.TimeUtc, "mallory", "evidence.list", "all", "", last.Hash, "");
        forged = forged with { Hash = AuditLog.ComputeHash(forged) };
        await SqlAsync($"INSERT INTO audit_log (seq, time_utc, actor, action, object, justification, prev_hash, hash) VALUES ({forged.Seq}, '{forged.TimeUtc}', 'mallory', 'evidence.list', 'all', '', '{forged.PrevHash}', '{forged.Hash}')");

        var r = await VerifyBrokenAsync();
        Assert.Contains("appended without the case key", r.Out);
    }

    [Fact]
    public async Task A_swapped_public_key_in_case_json_exits_1()
    {
        await InitWithEntriesAsync();
        using var mallory = CaseKey.Generate();
        var manifestPath = Path.Combine(CaseDir, CaseFolder.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["key"]!["fingerprint"] = mallory.Fingerprint;
        manifest["key"]!["publicKey"] = mallory.PublicKeyBase64;
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var r = await VerifyBrokenAsync();
        Assert.Contains("swapped", r.Out);
        var append = await CliRunner.RunAsync("evidence", "list", "--case", CaseDir);
        Assert.Equal(2, append.ExitCode); // and nothing is signed with a key case.json does not record
        Assert.Contains("is not the key case.json records", append.Err);
    }

    [Fact]
    public async Task A_checkpoint_round_trips_and_catches_a_rollback()
    {
        await InitWithEntriesAsync();
        var saved = Path.Combine(_root, "saved");
        CopyFolder(CaseDir, saved);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "list", "--case", CaseDir)).ExitCode);
        var checkpoint = Path.Combine(_root, "checkpoint.json");

        var made = await CliRunner.RunAsync("audit", "checkpoint", "--out", checkpoint, "--case", CaseDir);
        Assert.Equal(0, made.ExitCode);
        Assert.Contains("checkpoint at entry 6", made.Out);
        var printed = await CliRunner.RunAsync("audit", "checkpoint", "--case", CaseDir);
        Assert.Equal(0, printed.ExitCode);
        Assert.Equal(File.ReadAllText(checkpoint), printed.Out);
        var document = JsonNode.Parse(printed.Out)!;
        Assert.Equal(SignedAuditHead.FormatWithTables, document["format"]!.GetValue<string>());
        foreach (var field in new[] { "caseId", "seq", "hash", "signedUtc", "keyFingerprint", "publicKey", "signature", "tables" })
        {
            Assert.NotNull(document[field]);
        }

        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "list", "--case", CaseDir)).ExitCode);
        var agrees = await CliRunner.RunAsync("audit", "verify", "--checkpoint", checkpoint, "--case", CaseDir);
        Assert.Equal(0, agrees.ExitCode);
        Assert.Contains("agrees with the checkpoint at entry 6", agrees.Out);

        // Back to the copy made before entry 6: every signature in it is genuine, but the checkpoint knows better.
        Directory.Delete(CaseDir, recursive: true);
        CopyFolder(saved, CaseDir);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", "verify", "--case", CaseDir)).ExitCode);
        var r = await VerifyBrokenAsync("--checkpoint", checkpoint);
        Assert.Contains("below the checkpoint's entry 6", r.Out);
    }

    [Fact]
    public async Task A_checkpoint_the_log_contradicts_exits_1()
    {
        await InitWithEntriesAsync();
        var checkpoint = Path.Combine(_root, "checkpoint.json");
        Assert.Equal(0, (await CliRunner.RunAsync("audit", "checkpoint", "--out", checkpoint, "--case", CaseDir)).ExitCode);
        var head = SignedAuditHead.TryParse(File.ReadAllText(checkpoint))!;

        File.WriteAllText(checkpoint, (head with { Hash = new string('0', 64) }).ToJson());
        Assert.Contains("signature is not valid", (await VerifyBrokenAsync("--checkpoint", checkpoint)).Out);

        // Signed by the real key (as a key holder could), for a hash the log does not have at that entry.
        var store = await OpenAsync();
        File.WriteAllText(checkpoint, SignedAuditHead.Create(store.Key, head.CaseId, 3, head.Hash, TimeProvider.System.GetUtcNow()).ToJson());
        Assert.Contains("differs from the checkpoint's hash", (await VerifyBrokenAsync("--checkpoint", checkpoint)).Out);

        File.WriteAllText(checkpoint, "{}");
        var notOne = await CliRunner.RunAsync("audit", "verify", "--checkpoint", checkpoint, "--case", CaseDir);
        Assert.Equal(2, notOne.ExitCode);
        Assert.Contains("is not an audit checkpoint", notOne.Err);
    }

    [Fact]
    public async Task Case_init_names_the_key_and_makes_it_0600_outside_the_folder_and_a_missing_key_stops_an_append_with_exit_2()
    {
        var keyFile = Path.Combine(_root, "keys", "mine.key");
        var init = await CliRunner.RunAsync("case", "init", CaseDir, "--name", "keyed", "--key", keyFile);
        Assert.Equal(0, init.ExitCode);
        var fingerprint = CaseFolder.Read(CaseDir).Key!.Fingerprint;
        Assert.Contains($"case key {fingerprint} in {keyFile}", init.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

        var inside = await CliRunner.RunAsync("case", "init", Path.Combine(_root, "case2"), "--name", "x", "--key", Path.Combine(_root, "case2", "k.key"));
        Assert.Equal(2, inside.ExitCode);
        Assert.Contains("outside the case folder", inside.Err);

        // Without --key the per-user store has no key for this case: the append is refused, naming where it looked.
        var missing = await CliRunner.RunAsync("evidence", "list", "--case", CaseDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains(Path.Combine(TestKeyStore.Directory, CaseFolder.Read(CaseDir).CaseId + ".key"), missing.Err);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "list", "--case", CaseDir, "--key", keyFile)).ExitCode);
        var verified = await CliRunner.RunAsync("audit", "verify", "--case", CaseDir);
        Assert.Equal(0, verified.ExitCode); // checking needs only case.json's public key
        Assert.Contains("note: checked against case.json's public key only", verified.Out);
    }

    [Fact]
    public async Task A_case_made_before_case_keys_is_unsigned_exit_1_unless_allowed_and_a_stripped_one_is_caught()
    {
        CopyFolder(TestPaths.InRepo("tests", "data", "fixtures", "v6", "case"), CaseDir);

        var refused = await VerifyBrokenAsync();
        Assert.Contains("unsigned (made before case keys)", refused.Out);
        var allowed = await CliRunner.RunAsync("audit", "verify", "--allow-unsigned", "--case", CaseDir);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Contains("note: unsigned: made before case keys", allowed.Out);
        var checkpoint = await CliRunner.RunAsync("audit", "checkpoint", "--case", CaseDir);
        Assert.Equal(2, checkpoint.ExitCode);
        Assert.Contains("made before case keys", checkpoint.Err);

        // A new case stripped of its key looks like an old one, but this machine's key store still holds its key.
        var fresh = Path.Combine(_root, "fresh");
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", fresh, "--name", "fresh")).ExitCode);
        var manifestPath = Path.Combine(fresh, CaseFolder.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest.Remove("key");
        manifest.Remove("genesisEntryHash");
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var head = SignedAuditHead.TryParse(File.ReadAllText(Path.Combine(fresh, CaseFolder.AuditHeadFileName)))!;
        File.WriteAllText(Path.Combine(fresh, CaseFolder.AuditHeadFileName), $"{head.Seq} {head.Hash}\n");
        var stripped = await CliRunner.RunAsync("audit", "verify", "--allow-unsigned", "--case", fresh);
        Assert.Equal(1, stripped.ExitCode);
        Assert.Contains("stripped of its key", stripped.Out);
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
