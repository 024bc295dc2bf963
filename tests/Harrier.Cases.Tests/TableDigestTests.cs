using System.Numerics;
using System.Text;
using Harrier.Cases.Keys;

namespace Harrier.Cases.Tests;

/// <summary>
/// The signed head commits to the case's tables (issue 20, item 1): a changed evidence digest or status, a deleted or
/// forged row, edited outside Harrier by someone who can write the database but does not hold the case key, passed
/// <c>audit verify</c> while the chain covered only the audit entries. Each must now fail it, naming the table, and no
/// later honest write may launder it.
/// </summary>
public sealed class TableDigestTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<CaseStore> CaseWithEvidenceAsync(TestCase t)
    {
        var store = await t.InitAsync();
        t.WriteEvidence("a.txt", Encoding.ASCII.GetBytes("first"));
        t.WriteEvidence("b.txt", Encoding.ASCII.GetBytes("second"));
        t.WriteEvidence("sub/c.bin", [1, 2, 3]);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", "phone dump", "tester", "initial", null, None);
        var ok = await store.Audit.VerifyAsync(None);
        Assert.True(ok.Ok, ok.Problem);
        Assert.True(ok.TablesChecked > 5, $"{ok.TablesChecked} tables checked; note: {ok.Note}");
        return store;
    }

    private static async Task RawAsync(CaseStore store, string sql)
    {
        await using var conn = await store.Database.OpenAsync(None);
        await CaseDatabase.ExecuteAsync(conn, null, sql, None);
    }

    /// <summary>Edits the database as another tool would: the digest triggers dropped first, so nothing records the change.</summary>
    private static async Task TamperAsync(CaseStore store, string sql)
    {
        await using var conn = await store.Database.OpenAsync(None);
        await using (var tx = await store.Database.BeginWriteAsync(conn, None))
        {
            await TableDigests.DropTriggersAsync(store.Database.Kind, conn, tx, None);
            await tx.CommitAsync(None);
        }

        await CaseDatabase.ExecuteAsync(conn, null, sql, None);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_changed_evidence_digest_is_caught_and_named(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);

        await TamperAsync(store, "UPDATE evidence_files SET sha256 = '" + new string('0', 64) + "' WHERE rel_path = 'a.txt'");

        var result = await (await t.OpenAsync()).Audit.VerifyAsync(None);
        Assert.False(result.Ok);
        Assert.Contains("evidence_files holds the signed number of rows (3) but their contents were changed", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_changed_status_a_deleted_row_and_a_forged_row_are_caught_even_with_the_triggers_dropped(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);

        await TamperAsync(store, "UPDATE evidence_files SET status = 'unreadable' WHERE rel_path = 'b.txt'");
        var changed = await store.Audit.VerifyAsync(None);
        Assert.False(changed.Ok);
        Assert.Contains("evidence_files", changed.Problem, StringComparison.Ordinal);

        await TamperAsync(store, "DELETE FROM evidence_files WHERE rel_path = 'sub/c.bin'");
        var deleted = await store.Audit.VerifyAsync(None);
        Assert.False(deleted.Ok);
        Assert.Contains("evidence_files holds 2 rows where 3 were signed (1 deleted)", deleted.Problem, StringComparison.Ordinal);

        await TamperAsync(store, "INSERT INTO custody_events (exhibit_id, time_utc, actor, action, note) VALUES ('EX-1', 'x', 'forger', 'sealed', 'forged')");
        var forged = await store.Audit.VerifyAsync(None);
        Assert.False(forged.Ok);
        Assert.Contains("custody_events holds", forged.Problem, StringComparison.Ordinal);
        Assert.Contains("(1 added)", forged.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_honest_write_after_a_tamper_does_not_launder_it(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);
        await TamperAsync(store, "UPDATE evidence_files SET md5 = 'ffffffffffffffffffffffffffffffff' WHERE rel_path = 'a.txt'");

        // The next open puts the triggers back; the next write signs a head over digests kept from before the tamper.
        var reopened = await t.OpenAsync();
        await reopened.Audit.AppendAsync("analyst", "media.reveal", "file 1", "reason", None);
        t.WriteEvidence("d.txt", Encoding.ASCII.GetBytes("later"));
        await reopened.Evidence.AddAsync(t.EvidenceDir, "EX-1", "phone dump", "tester", "rescan", null, None);

        var result = await reopened.Audit.VerifyAsync(None);
        Assert.False(result.Ok);
        Assert.Contains("evidence_files holds the signed number of rows (4) but their contents were changed", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Honest_writes_of_every_kind_keep_the_tables_verified(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);
        // Inserts (a rescan with a new file), updates (a changed file re-registered is not: registration keeps ok rows),
        // and an account's insert, update and delete, each through the write scope.
        t.WriteEvidence("e.txt", Encoding.ASCII.GetBytes("new"));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", "phone dump", "tester", "rescan", null, None);
        await store.WriteAsync(new AuditIntent("tester", "custody.test"), async (w, ct) =>
        {
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                "INSERT INTO custody_events (exhibit_id, time_utc, actor, action, note) VALUES ('EX-1', 't', 'a', 'moved', 'n')", ct);
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, "UPDATE custody_events SET note = 'n2' WHERE actor = 'a'", ct);
            await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, "DELETE FROM custody_events WHERE actor = 'a' AND note = 'n2'", ct);
            return 0;
        }, _ => "custody", None);

        var result = await (await t.OpenAsync()).Audit.VerifyAsync(None);
        Assert.True(result.Ok, result.Problem);
        var head = SignedAuditHead.TryParse(await File.ReadAllTextAsync(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName)))!;
        Assert.Equal(SignedAuditHead.FormatWithTables, head.Format);
        Assert.Equal(4, Assert.Single(head.Tables!.Tables, d => d.Table == "evidence_files").Rows);
        Assert.True(head.HasValidSignature());
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Row_changes_left_unsealed_are_reported(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);

        // A write outside the write scope: the trigger records it, but no seal folds it in and no head signs it.
        await RawAsync(store, "UPDATE evidence_files SET error = 'x' WHERE rel_path = 'a.txt'");

        var result = await store.Audit.VerifyAsync(None);
        Assert.False(result.Ok);
        Assert.Contains("2 row changes wait in audit_pending", result.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Without_the_case_key_the_tables_are_left_unchecked_and_the_note_says_so(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        await CaseWithEvidenceAsync(t);
        var elsewhere = Directory.CreateTempSubdirectory("harrier-no-keys-").FullName;
        try
        {
            var keyless = await CaseStore.OpenAsync(t.CaseDir, t.ConnectionString, t.Time, CaseKeyStore.AtDirectory(elsewhere), None);
            var result = await keyless.Audit.VerifyAsync(None);
            Assert.True(result.Ok, result.Problem);
            Assert.Equal(0, result.TablesChecked);
            Assert.Contains("table contents not checked", result.Note, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_case_from_before_table_digests_is_committed_from_its_next_write(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEvidenceAsync(t);
        // Back to schema 15 as an older harrier left it: no digest tables, no triggers, heads of format 1.
        await using (var conn = await store.Database.OpenAsync(None))
        {
            await using (var tx = await store.Database.BeginWriteAsync(conn, None))
            {
                await TableDigests.DropTriggersAsync(store.Database.Kind, conn, tx, None);
                await tx.CommitAsync(None);
            }

            await CaseDatabase.ExecuteAsync(conn, null, "DROP TABLE audit_pending; DROP TABLE audit_state; DELETE FROM schema_migrations WHERE version = 16", None);
        }

        var last = (await store.Audit.ReadAsync(1, None))[0];
        var v1 = SignedAuditHead.Create(store.Key, store.Manifest.CaseId, last.Seq, last.Hash, t.Time.GetUtcNow());
        File.WriteAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName), v1.ToJson());
        File.Delete(Path.Combine(t.CaseDir, CaseFolder.AuditHeadNextFileName));

        var upgraded = await t.OpenAsync();
        var before = await upgraded.Audit.VerifyAsync(None);
        Assert.True(before.Ok, before.Problem);
        Assert.Contains("predates table digests", before.Note, StringComparison.Ordinal);

        await upgraded.Audit.AppendAsync("analyst", "media.reveal", "file 1", "reason", None);
        var after = await upgraded.Audit.VerifyAsync(None);
        Assert.True(after.Ok, after.Problem);
        Assert.True(after.TablesChecked > 5);

        await TamperAsync(upgraded, "UPDATE exhibits SET description = 'edited'");
        Assert.False((await upgraded.Audit.VerifyAsync(None)).Ok);
    }

    [Fact]
    public void The_digest_sum_adds_and_subtracts_modulo_2_to_the_256()
    {
        var random = new Random(20);
        var modulus = BigInteger.One << 256;
        var expected = BigInteger.Zero;
        var sum = default(TableDigests.Sum256);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            if (i % 5 == 0)
            {
                // Carries through every word: all ones.
                Array.Fill(bytes, (byte)0xFF);
            }

            var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
            if (random.Next(3) == 0)
            {
                sum = sum.Subtract(bytes);
                expected = ((expected - value) % modulus + modulus) % modulus;
            }
            else
            {
                sum = sum.Add(bytes);
                expected = (expected + value) % modulus;
            }

            Assert.Equal(expected.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)[^64..], sum.ToHex());
        }
    }
}
