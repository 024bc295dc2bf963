using Harrier.Cases.Accounts;

namespace Harrier.Cases.Tests;

/// <summary>The workbench's accounts (migration 13) on both databases: one row per name, found by name, normalised name or token hash, changed and removed only through the audited write scope.</summary>
public sealed class AccountStoreTests
{
    private static AccountRow Row(string name, string? token = null) =>
        new(name, name.ToUpperInvariant(), "reader", "DE", "hash-of-a-password", true, "STAMP", 0, null, token, token is null ? null : "2026-12-05T00:00:00Z",
            "2026-12-05T00:00:00Z", "tester");

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_account_is_written_found_changed_and_removed_each_time_with_an_audit_entry(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var accounts = new AccountStore(store);
        await store.WriteAsync(new AuditIntent("tester", "users.add"), async (w, ct) => { await AccountStore.InsertAsync(w, Row("de1", "tokenhash1"), ct); return 0; },
            _ => "user de1", CancellationToken.None);
        await store.WriteAsync(new AuditIntent("tester", "users.add"), async (w, ct) => { await AccountStore.InsertAsync(w, Row("fr1"), ct); return 0; },
            _ => "user fr1", CancellationToken.None);

        Assert.Equal(Row("de1", "tokenhash1"), await accounts.FindAsync("de1", CancellationToken.None));
        Assert.Equal("de1", (await accounts.FindByNormalizedNameAsync("DE1", CancellationToken.None))?.UserName);
        Assert.Equal("de1", (await accounts.FindByTokenHashAsync("tokenhash1", CancellationToken.None))?.UserName);
        Assert.Null(await accounts.FindByTokenHashAsync("nothing", CancellationToken.None));
        Assert.Equal(["de1", "fr1"], (await accounts.ListAsync(CancellationToken.None)).Select(a => a.UserName));

        var changed = Row("de1") with { MustChangePassword = false, AccessFailed = 3, LockoutEndUtc = "2026-12-05T01:00:00Z" };
        await store.WriteAsync(new AuditIntent("web:de1", "web.account.update"), async (w, ct) => { await AccountStore.UpdateAsync(w, changed, ct); return 0; },
            _ => "user de1: failed login 3", CancellationToken.None);
        Assert.Equal(changed, await accounts.FindAsync("de1", CancellationToken.None));
        Assert.Null(await accounts.FindByTokenHashAsync("tokenhash1", CancellationToken.None));

        Assert.True(await store.WriteAsync(new AuditIntent("tester", "users.remove"), (w, ct) => AccountStore.DeleteAsync(w, "fr1", ct), _ => "user fr1",
            CancellationToken.None));
        Assert.Null(await accounts.FindAsync("fr1", CancellationToken.None));
        var audit = await store.Audit.ReadAsync(10, CancellationToken.None);
        Assert.Equal(["users.add", "users.add", "web.account.update", "users.remove"], audit.Where(e => e.Action is "users.add" or "web.account.update" or "users.remove").Select(e => e.Action));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_taken_name_or_an_update_of_no_account_is_refused_and_nothing_is_written(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        await store.WriteAsync(new AuditIntent("tester", "users.add"), async (w, ct) => { await AccountStore.InsertAsync(w, Row("ana"), ct); return 0; },
            _ => "user ana", CancellationToken.None);
        var entries = (await store.Audit.ReadAsync(null, CancellationToken.None)).Count;
        var taken = await Assert.ThrowsAsync<CaseStoreException>(() => store.WriteAsync(new AuditIntent("tester", "users.add"),
            async (w, ct) => { await AccountStore.InsertAsync(w, Row("ana") with { Role = "coordinator" }, ct); return 0; }, _ => "user ana", CancellationToken.None));
        Assert.Contains("already an account named ana", taken.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<CaseStoreException>(() => store.WriteAsync(new AuditIntent("tester", "web.account.update"),
            async (w, ct) => { await AccountStore.UpdateAsync(w, Row("nobody"), ct); return 0; }, _ => "user nobody", CancellationToken.None));
        Assert.Contains("no account named nobody", missing.Message, StringComparison.Ordinal);
        Assert.Equal(entries, (await store.Audit.ReadAsync(null, CancellationToken.None)).Count);
        Assert.Equal("reader", (await new AccountStore(store).FindAsync("ana", CancellationToken.None))?.Role);
    }
}
