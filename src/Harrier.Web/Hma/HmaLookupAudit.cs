using System.Globalization;
using Harrier.Cases;
using Microsoft.Extensions.Hosting;

namespace Harrier.Web.Hma;

/// <summary>
/// The audit of lookups. A lookup reveals case data (whether a hash is in a bank, and which entry), so it must be
/// audited; but an API client may send thousands a second, and one signed, hash-chained audit entry per lookup would
/// both throttle the API to the audit's write rate and drown every other entry. So lookups are counted in memory per
/// account, and once a minute (a timer on the injected <see cref="TimeProvider"/>) every account that looked anything up
/// gets ONE entry, action <c>web.hma.lookup</c>, actor <c>web:NAME</c>, naming the window and its counts: requests and
/// matches. The counts still held are flushed when the app stops, so a clean shutdown loses none; a crash loses at most
/// the last minute's counts (never a write: writes to banks are audited one by one, in their own transaction).
/// </summary>
internal sealed class HmaLookupAudit : IHostedService, IAsyncDisposable
{
    /// <summary>The audit action of a minute's lookups.</summary>
    public const string Action = "web.hma.lookup";

    /// <summary>How often counts are written.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly CaseStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly Lock _gate = new();
    private Dictionary<string, Counts> _counts = new(StringComparer.Ordinal);
    private DateTimeOffset _windowStart;
    private ITimer? _timer;

    public HmaLookupAudit(CaseStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _windowStart = time.GetUtcNow();
    }

    /// <summary>The flush the timer started last (tests await it after advancing a fake clock).</summary>
    public Task LastTimedFlush { get; private set; } = Task.CompletedTask;

    /// <summary>Counts one lookup request of <paramref name="account"/> that found <paramref name="matches"/> matches.</summary>
    public void Count(string account, int matches)
    {
        // A plain lock: a few hundred nanoseconds held, and it makes the swap in FlushAsync exact (no count can land in a
        // window that was already written).
        lock (_gate)
        {
            if (!_counts.TryGetValue(account, out var c))
            {
                _counts[account] = c = new Counts();
            }

            c.Requests++;
            c.Matches += matches;
        }
    }

    /// <summary>Writes one entry per account with the counts since the last flush, and starts a new window.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<string, Counts> counts;
            DateTimeOffset start, end;
            lock (_gate)
            {
                counts = _counts;
                _counts = new Dictionary<string, Counts>(StringComparer.Ordinal);
                start = _windowStart;
                end = _time.GetUtcNow();
                _windowStart = end;
            }

            foreach (var (account, c) in counts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var target = string.Create(CultureInfo.InvariantCulture,
                    $"hma lookups {start:yyyy-MM-ddTHH:mm:ssZ}..{end:yyyy-MM-ddTHH:mm:ssZ}: {c.Requests} requests, {c.Matches} matches");
                try
                {
                    await _store.RecordAsync(new AuditIntent(WebAudit.ActorOf(account), Action, null), target, cancellationToken);
                }
                catch (Exception)
                {
                    // Not written (the case is busy or gone): this account's counts and those not reached yet go back
                    // into the open window, which now starts where this one did, and are written with the next flush.
                    lock (_gate)
                    {
                        foreach (var (name, kept) in counts)
                        {
                            if (!_counts.TryGetValue(name, out var open))
                            {
                                _counts[name] = open = new Counts();
                            }

                            open.Requests += kept.Requests;
                            open.Matches += kept.Matches;
                        }

                        _windowStart = start;
                    }

                    throw;
                }

                counts.Remove(account);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _time.CreateTimer(_ => LastTimedFlush = TimedFlushAsync(), null, Period, Period);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
            _timer = null;
        }

        await LastTimedFlush;
        await FlushAsync(CancellationToken.None);
    }

    private async Task TimedFlushAsync()
    {
        try
        {
            await FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is CaseStoreException or IOException or System.Data.Common.DbException)
        {
            // Kept for the next minute (see FlushAsync); a timer has no caller to tell.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync();
        }

        _flushing.Dispose();
    }

    private sealed class Counts
    {
        public long Requests;
        public long Matches;
    }
}
