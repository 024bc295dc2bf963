using System.Globalization;

namespace Harrier.Analysis.Persons;

/// <summary>
/// Addresses that link strangers: those the case lists (Tor and VPN exit lists, carrier NAT pools) and those the
/// logins show to be shared: more distinct accounts within <see cref="ResolutionOptions.SharedWindow"/> than
/// <see cref="ResolutionOptions.SharedAccountsPerWindow"/>. A household address is held by one household at a
/// time, so many accounts in one week means carrier-grade NAT, a public network or an exit.
/// </summary>
internal static class SharedInfrastructure
{
    public static (int Listed, int Detected) Mark(AddressBook book, List<AccountFeatures> features, IReadOnlyList<SharedAddress> known, ResolutionOptions options)
    {
        var listed = 0;
        foreach (var s in known)
        {
            if (book.FindIp(s.Ip.Trim()) is { } id && book.Shared[id] is null)
            {
                book.Shared[id] = s;
                listed++;
            }
        }

        // Logins per address, by time: (time, account).
        var perIp = new List<(long Time, int Account)>?[book.Ips.Count];
        foreach (var f in features)
        {
            foreach (var l in f.Logins)
            {
                (perIp[l.Ip] ??= []).Add((l.Time, f.Index));
            }
        }

        var window = (long)options.SharedWindow.TotalSeconds;
        var detected = 0;
        var counts = new Dictionary<int, int>();
        for (var ip = 0; ip < perIp.Length; ip++)
        {
            var logins = perIp[ip];
            if (logins is null || book.Shared[ip] is not null || logins.Select(l => l.Account).Distinct().Count() <= options.SharedAccountsPerWindow)
            {
                continue;
            }

            logins.Sort();
            counts.Clear();
            var start = 0;
            var most = 0;
            for (var end = 0; end < logins.Count; end++)
            {
                counts[logins[end].Account] = counts.GetValueOrDefault(logins[end].Account) + 1;
                while (logins[end].Time - logins[start].Time > window)
                {
                    var acc = logins[start].Account;
                    if (--counts[acc] == 0)
                    {
                        counts.Remove(acc);
                    }

                    start++;
                }

                most = Math.Max(most, counts.Count);
            }

            if (most > options.SharedAccountsPerWindow)
            {
                book.Shared[ip] = new SharedAddress(book.Ips[ip], "shared", string.Create(CultureInfo.InvariantCulture,
                    $"detected: {most} accounts logged in from it within {options.SharedWindow.TotalDays:0.#} days"));
                detected++;
            }
        }

        return (listed, detected);
    }
}
