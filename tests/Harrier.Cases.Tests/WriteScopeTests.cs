using System.Globalization;

namespace Harrier.Cases.Tests;

/// <summary>The one write scope: the change and its audit entry commit together, and the head follows the commit.</summary>
public sealed class WriteScopeTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_change_commits_with_exactly_one_audit_entry_and_advances_the_head(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();

        var count = await store.WriteAsync(new AuditIntent("analyst", "test.change", "why"),
            async (w, ct) =>
            {
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                    "INSERT INTO exhibits (exhibit_id, description, source_root, registered_utc, registered_by) VALUES ('EX-W', NULL, '/x', @t, 'analyst')",
                    ct, ("@t", w.NowUtc));
                return 1;
            },
            n => string.Create(CultureInfo.InvariantCulture, $"{n} exhibit"), CancellationToken.None);

        Assert.Equal(1, count);
        var entries = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Equal(["case.init", "test.change"], entries.Select(e => e.Action));
        Assert.Equal("1 exhibit", entries[^1].Target);
        Assert.Equal("why", entries[^1].Justification);
        var head = Harrier.Cases.Keys.SignedAuditHead.TryParse(File.ReadAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName)))!;
        Assert.Equal((entries[^1].Seq, entries[^1].Hash), (head.Seq, head.Hash));
        Assert.True(head.HasValidSignature());
        var verified = await store.Audit.VerifyAsync(CancellationToken.None);
        Assert.True(verified.Ok);
        Assert.Equal(0, verified.UnanchoredEntries);
        Assert.Equal(1, (await store.SummaryAsync(CancellationToken.None)).Exhibits);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_failing_change_leaves_no_half_change_no_audit_entry_and_the_head_where_it_was(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var head = File.ReadAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync<int>(new AuditIntent("analyst", "test.change"),
            async (w, ct) =>
            {
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                    "INSERT INTO exhibits (exhibit_id, description, source_root, registered_utc, registered_by) VALUES ('EX-W', NULL, '/x', @t, 'analyst')",
                    ct, ("@t", w.NowUtc));
                throw new InvalidOperationException("the change fails half way");
            },
            _ => "never", CancellationToken.None));

        Assert.Equal(0, (await store.SummaryAsync(CancellationToken.None)).Exhibits);
        Assert.Equal(["case.init"], (await store.Audit.ReadAsync(null, CancellationToken.None)).Select(e => e.Action));
        Assert.Equal(head, File.ReadAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName)));
        Assert.True((await store.Audit.VerifyAsync(CancellationToken.None)).Ok);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_record_appends_one_entry_and_advances_the_head(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();

        var entry = await store.RecordAsync(new AuditIntent("analyst", "test.read"), "rows 1–3", CancellationToken.None);

        Assert.Equal(2, entry.Seq);
        var head = Harrier.Cases.Keys.SignedAuditHead.TryParse(File.ReadAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName)))!;
        Assert.Equal((2L, entry.Hash), (head.Seq, head.Hash));
        Assert.True((await store.Audit.VerifyAsync(CancellationToken.None)).Ok);
    }
}
