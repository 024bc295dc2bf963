using System.Data.Common;

namespace Harrier.Cases.Tests;

/// <summary>
/// The audit chain against someone with write access to the database: each test tampers with the tables
/// directly (dropping the append-only triggers first, as an attacker with that access could) and checks that
/// verify names the first bad entry.
/// </summary>
public sealed class AuditLogTests
{
    private static async Task<CaseStore> CaseWithEntriesAsync(TestCase t)
    {
        var store = await t.InitAsync();
        for (var i = 1; i <= 5; i++)
        {
            t.Time.Advance(TimeSpan.FromMinutes(1));
            await store.Audit.AppendAsync($"analyst{i}", "media.reveal", $"file {i}", $"reason {i}", CancellationToken.None);
        }

        var ok = await store.Audit.VerifyAsync(CancellationToken.None);
        Assert.True(ok.Ok, ok.Problem);
        Assert.Equal(6, ok.Entries);
        return store;
    }

    private static async Task TamperAsync(CaseStore store, params string[] statements)
    {
        await using var conn = await store.Database.OpenAsync(CancellationToken.None);
        var dropTriggers = store.Database.Kind == CaseDatabaseKind.Sqlite
            ? "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
            : "DROP TRIGGER audit_log_no_update ON audit_log;";
        await CaseDatabase.ExecuteAsync(conn, null, dropTriggers, CancellationToken.None);
        foreach (var sql in statements)
        {
            await CaseDatabase.ExecuteAsync(conn, null, sql, CancellationToken.None);
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_intact_log_verifies_and_entries_chain(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var entries = await store.Audit.ReadAsync(null, CancellationToken.None);

        Assert.Equal(store.Audit.GenesisHash, entries[0].PrevHash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1].Hash, entries[i].PrevHash);
            Assert.Equal(i + 1, entries[i].Seq);
        }

        Assert.Equal("2025-03-12T06:03:00.0000000Z", entries[3].TimeUtc);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task The_database_refuses_updates_and_deletes(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        await using var conn = await store.Database.OpenAsync(CancellationToken.None);

        var update = await Assert.ThrowsAnyAsync<DbException>(() =>
            CaseDatabase.ExecuteAsync(conn, null, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", CancellationToken.None));
        Assert.Contains("append-only", update.Message);
        await Assert.ThrowsAnyAsync<DbException>(() =>
            CaseDatabase.ExecuteAsync(conn, null, "DELETE FROM audit_log WHERE seq = 2", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_names_an_edited_entry(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        await TamperAsync(store, "UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 4");

        var result = await store.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(4, result.FirstBadSeq);
        Assert.Contains("edited", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_names_a_deleted_entry(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq = 3");

        var result = await store.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBadSeq);
        Assert.Contains("deleted", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_names_an_inserted_entry_even_with_a_valid_hash(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        var entries = await store.Audit.ReadAsync(null, CancellationToken.None);
        // The forger knows the algorithm: the new entry 3 chains correctly to entry 2 and carries a valid hash.
        var forged = new AuditEntry(3, entries[2].TimeUtc, "mallory", "media.reveal", "file 99", "forged", entries[1].Hash, string.Empty);
        forged = forged with { Hash = AuditLog.ComputeHash(forged) };
        await TamperAsync(store,
            "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3",
            "UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000",
            $"INSERT INTO audit_log (seq, time_utc, actor, action, object, justification, prev_hash, hash) VALUES (3, '{forged.TimeUtc}', 'mallory', 'media.reveal', 'file 99', 'forged', '{forged.PrevHash}', '{forged.Hash}')");

        var result = await store.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        // Entry 3 is self-consistent; the chain breaks where the renumbered original follows it.
        Assert.Equal(4, result.FirstBadSeq);
        Assert.Contains("inserted", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_names_reordered_entries(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        // Swap entries 2 and 3 (every column but the sequence number).
        await TamperAsync(store,
            "UPDATE audit_log SET seq = 100 WHERE seq = 2",
            "UPDATE audit_log SET seq = 2 WHERE seq = 3",
            "UPDATE audit_log SET seq = 3 WHERE seq = 100");

        var result = await store.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBadSeq);
        Assert.Contains("reordered", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_detects_entries_cut_off_the_end(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await CaseWithEntriesAsync(t);
        await TamperAsync(store, "DELETE FROM audit_log WHERE seq >= 5");

        var result = await store.Audit.VerifyAsync(CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(5, result.FirstBadSeq);
        Assert.Contains("cut off the end", result.Problem);
    }
}
