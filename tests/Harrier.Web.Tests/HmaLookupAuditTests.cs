using Harrier.Web.Hma;
using Microsoft.Extensions.Time.Testing;

namespace Harrier.Web.Tests;

/// <summary>The per-minute lookup audit on a fake clock: nothing before the minute, one entry per account at it, the rest at stop.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class HmaLookupAuditTests(WorkbenchFixture f)
{
    [Fact]
    public async Task Counts_are_written_once_a_minute_per_account_and_at_stop()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        await using var audit = new HmaLookupAudit(f.Store, time);
        await audit.StartAsync(CancellationToken.None);
        var since = (await f.Store.Audit.ReadAsync(1, CancellationToken.None)).Single().Seq;
        audit.Count("hma-clock-a", 2);
        audit.Count("hma-clock-a", 0);
        audit.Count("hma-clock-a", 1);
        audit.Count("hma-clock-b", 0);

        time.Advance(TimeSpan.FromSeconds(59));
        await audit.LastTimedFlush;
        Assert.DoesNotContain(await EntriesSinceAsync(since), e => e.Action == HmaLookupAudit.Action);

        time.Advance(TimeSpan.FromSeconds(1));
        await audit.LastTimedFlush;
        var minute = await EntriesSinceAsync(since);
        var a = Assert.Single(minute, e => e.Actor == "web:hma-clock-a");
        Assert.Equal(HmaLookupAudit.Action, a.Action);
        Assert.Contains("2026-03-01T09:00:00Z..2026-03-01T09:01:00Z: 3 requests, 3 matches", a.Target, StringComparison.Ordinal);
        Assert.Contains("1 requests, 0 matches", Assert.Single(minute, e => e.Actor == "web:hma-clock-b").Target, StringComparison.Ordinal);

        var afterMinute = minute.Max(e => e.Seq);
        time.Advance(TimeSpan.FromMinutes(1));
        await audit.LastTimedFlush;
        Assert.Empty(await EntriesSinceAsync(afterMinute)); // a quiet minute writes nothing

        audit.Count("hma-clock-a", 4);
        time.Advance(TimeSpan.FromSeconds(10));
        await audit.StopAsync(CancellationToken.None);
        var last = Assert.Single(await EntriesSinceAsync(afterMinute));
        Assert.Equal("web:hma-clock-a", last.Actor);
        Assert.Contains("1 requests, 4 matches", last.Target, StringComparison.Ordinal);
    }

    private async Task<List<Harrier.Cases.AuditEntry>> EntriesSinceAsync(long seq) =>
        [.. (await f.Store.Audit.ReadAsync(20, CancellationToken.None)).Where(e => e.Seq > seq && e.Actor.StartsWith("web:hma-clock-", StringComparison.Ordinal))];
}
