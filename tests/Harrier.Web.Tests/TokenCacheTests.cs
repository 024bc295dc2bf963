using Harrier.Cases;
using Harrier.Cases.Accounts;
using Harrier.Web.Accounts;
using Microsoft.Extensions.Time.Testing;

namespace Harrier.Web.Tests;

/// <summary>The API's token cache: a token changed by another process (here: written to the case without AccountAdmin) stops working once its entry expires, and not before.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class TokenCacheTests(WorkbenchFixture f)
{
    [Fact]
    public async Task A_token_replaced_elsewhere_stops_working_when_its_entry_expires()
    {
        var admin = new AccountAdmin(f.Store);
        await admin.AddAsync("cache-probe", WorkbenchRoles.Analyst, null, "test", null, CancellationToken.None);
        var token = await admin.IssueTokenAsync("cache-probe", "test", null, CancellationToken.None);
        var time = new FakeTimeProvider();
        using var cache = new TokenCache(f.Store, time);
        var hash = AccountAdmin.HashToken(token.Token);
        Assert.Equal("cache-probe", (await cache.FindAsync(hash, CancellationToken.None))?.UserName);

        // Another process replaces the token: the case changes, this process is not told.
        var row = (await new AccountStore(f.Store).FindAsync("cache-probe", CancellationToken.None))!;
        await f.Store.WriteAsync(new AuditIntent("test", "users.token", null),
            async (w, ct) => { await AccountStore.UpdateAsync(w, row with { TokenHash = AccountAdmin.HashToken("hrt_elsewhere") }, ct); return 0; },
            _ => "user cache-probe: token replaced by another process", CancellationToken.None);

        time.Advance(TokenCache.Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await cache.FindAsync(hash, CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await cache.FindAsync(hash, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_through_account_admin_in_this_process_is_seen_at_once()
    {
        var admin = new AccountAdmin(f.Store);
        await admin.AddAsync("cache-probe-2", WorkbenchRoles.Analyst, null, "test", null, CancellationToken.None);
        var token = await admin.IssueTokenAsync("cache-probe-2", "test", null, CancellationToken.None);
        using var cache = new TokenCache(f.Store, new FakeTimeProvider());
        var hash = AccountAdmin.HashToken(token.Token);
        Assert.NotNull(await cache.FindAsync(hash, CancellationToken.None));
        await admin.RemoveAsync("cache-probe-2", "test", null, CancellationToken.None);
        Assert.Null(await cache.FindAsync(hash, CancellationToken.None));
    }
}
