using System.Collections.Concurrent;
using Harrier.Cases;
using Harrier.Cases.Accounts;

namespace Harrier.Web.Accounts;

/// <summary>
/// The API tokens the workbench has recently seen, by hash, so that a lookup does not open the case database to check
/// its token (that check was the API's bottleneck: about 900 requests/s against 18,700 for a request refused before
/// it; docs/benchmarks.md). A token found stays valid here for <see cref="Lifetime"/>, then is read again. A token
/// replaced or an account removed through <see cref="AccountAdmin"/> in this process is forgotten at once; one changed
/// by <c>harrier users</c> in another process stops working within <see cref="Lifetime"/>. Unknown tokens are never
/// cached (each costs a database read), so a flood of made-up tokens cannot fill memory.
/// </summary>
internal sealed class TokenCache : IDisposable
{
    /// <summary>How long a known token is trusted without reading the case again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    /// <summary>At most this many tokens are remembered (the cache is emptied when it would grow past it).</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AccountRow Row, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);
    private readonly AccountStore _accounts;
    private readonly TimeProvider _time;

    public TokenCache(CaseStore store, TimeProvider time)
    {
        _accounts = new AccountStore(store);
        _time = time;
        AccountAdmin.Changed += Forget;
    }

    /// <summary>The account whose token hashes to <paramref name="tokenHash"/>, or null.</summary>
    public async ValueTask<AccountRow?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_known.TryGetValue(tokenHash, out var hit) && hit.Until > now)
        {
            return hit.Row;
        }

        var row = await _accounts.FindByTokenHashAsync(tokenHash, cancellationToken);
        if (row is null)
        {
            _known.TryRemove(tokenHash, out _);
            return null;
        }

        if (_known.Count >= MaxEntries)
        {
            _known.Clear();
        }

        _known[tokenHash] = (row, now + Lifetime);
        return row;
    }

    public void Dispose() => AccountAdmin.Changed -= Forget;

    private void Forget() => _known.Clear();
}
