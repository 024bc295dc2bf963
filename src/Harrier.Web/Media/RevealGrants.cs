using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Harrier.Web.Media;

/// <summary>A grant to fetch one file's original bytes once: for one account, one evidence id, until a time.</summary>
internal sealed record RevealGrant(string Account, long EvidenceId, DateTimeOffset Expires);

/// <summary>
/// Short-lived, one-use grants for original media (kept in memory only: a restart ends them all). A grant is a 256-bit
/// random token; it is taken out of the table the first time its own account uses it before expiry, so it never serves
/// twice. Another account's attempt leaves it in place and is refused.
/// </summary>
internal sealed class RevealGrants(TimeProvider time)
{
    /// <summary>How long a grant may wait for its one fetch (the page fetches it at once).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, RevealGrant> _grants = new(StringComparer.Ordinal);

    /// <summary>Issues a grant for <paramref name="account"/> to fetch <paramref name="evidenceId"/> within <paramref name="lifetime"/>.</summary>
    public string Issue(string account, long evidenceId, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _grants.Where(g => g.Value.Expires <= now).Select(g => g.Key).ToList())
        {
            _grants.TryRemove(stale, out _);
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _grants[token] = new RevealGrant(account, evidenceId, now + lifetime);
        return token;
    }

    /// <summary>Uses <paramref name="token"/> for <paramref name="account"/>: its evidence id, or null when the grant is unknown, used, expired or another account's.</summary>
    public long? Use(string token, string account)
    {
        if (!_grants.TryGetValue(token, out var grant) || !string.Equals(grant.Account, account, StringComparison.Ordinal))
        {
            return null;
        }

        if (grant.Expires <= time.GetUtcNow())
        {
            _grants.TryRemove(new KeyValuePair<string, RevealGrant>(token, grant));
            return null;
        }

        return _grants.TryRemove(new KeyValuePair<string, RevealGrant>(token, grant)) ? grant.EvidenceId : null;
    }
}
