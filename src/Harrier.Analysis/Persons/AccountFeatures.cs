using System.Globalization;

namespace Harrier.Analysis.Persons;

/// <summary>One login reduced to what comparisons need: seconds since the Unix epoch, address id, client id (-1: none).</summary>
internal readonly record struct LoginPoint(long Time, int Ip, int Agent);

/// <summary>A KYC answer reduced to its keys.</summary>
internal sealed record KycFact(KycInput Source, string Customer, string? PersonKey, string? HouseholdKey);

/// <summary>An ISP answer matched to a login of the account: the household that held the address then.</summary>
internal sealed record SubscriberFact(SubscriberInput Source, string Subscriber, string? PersonKey, string? HouseholdKey);

/// <summary>Everything about one account that the comparisons read, computed once.</summary>
internal sealed class AccountFeatures
{
    public required int Index { get; init; }

    public required AccountInput Account { get; init; }

    public string? EmailNormal { get; init; }

    public string? EmailDotless { get; init; }

    public string? EmailStem { get; init; }

    public string? UserLower { get; init; }

    public string? UserStem { get; init; }

    /// <summary>Logins sorted by time.</summary>
    public List<LoginPoint> Logins { get; } = [];

    public List<KycFact> Kyc { get; } = [];

    public List<SubscriberFact> Subscribers { get; } = [];

    /// <summary>Payer wallets (sorted, distinct) and one reference for each.</summary>
    public List<(string Wallet, string Reference)> Wallets { get; } = [];
}

/// <summary>Interns addresses and clients to small integers, and remembers which addresses are shared infrastructure.</summary>
internal sealed class AddressBook
{
    private readonly Dictionary<string, int> _ips = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _agents = new(StringComparer.Ordinal);

    public List<string> Ips { get; } = [];

    public List<string> Agents { get; } = [];

    /// <summary>Per address id: the shared-infrastructure entry, or null.</summary>
    public List<SharedAddress?> Shared { get; } = [];

    public int Ip(string ip)
    {
        if (!_ips.TryGetValue(ip, out var id))
        {
            id = Ips.Count;
            _ips[ip] = id;
            Ips.Add(ip);
            Shared.Add(null);
        }

        return id;
    }

    public int? FindIp(string ip) => _ips.TryGetValue(ip, out var id) ? id : null;

    public int Agent(string? agent)
    {
        if (string.IsNullOrWhiteSpace(agent))
        {
            return -1;
        }

        if (!_agents.TryGetValue(agent, out var id))
        {
            id = Agents.Count;
            _agents[agent] = id;
            Agents.Add(agent);
        }

        return id;
    }
}

/// <summary>Orders account keys as an analyst expects: numerically when every key is a whole number, else ordinally.</summary>
internal sealed class AccountKeyOrder : IComparer<string>
{
    private readonly bool _numeric;

    public AccountKeyOrder(IEnumerable<string> keys) => _numeric = keys.All(k => long.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out _));

    /// <summary>The keys sorted once (numbers parsed once, not at every comparison).</summary>
    public List<T> Sort<T>(IEnumerable<T> items, Func<T, string> key)
    {
        if (!_numeric)
        {
            return [.. items.OrderBy(key, StringComparer.Ordinal)];
        }

        return [.. items.Select(x => (Item: x, Number: long.Parse(key(x), CultureInfo.InvariantCulture))).OrderBy(x => x.Number).Select(x => x.Item)];
    }

    public int Compare(string? x, string? y)
    {
        if (_numeric && x is not null && y is not null)
        {
            return long.Parse(x, CultureInfo.InvariantCulture).CompareTo(long.Parse(y, CultureInfo.InvariantCulture));
        }

        return string.CompareOrdinal(x, y);
    }
}
