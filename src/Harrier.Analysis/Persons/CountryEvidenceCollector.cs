using System.Globalization;

namespace Harrier.Analysis.Persons;

/// <summary>
/// A person's country from its evidence: each KYC customer's country and each household subscriber's country weigh 3
/// (an identity document or a contract at an address), each distinct address the person logged in from that is not
/// shared infrastructure weighs 1 through GeoIP, at most 3 in all per country (many logins from one network are one
/// fact, not many); an evening activity peak consistent with a country already in evidence adds 0.5 (time zone). VPN, Tor and carrier NAT addresses never count. The country with the most weight wins; confidence
/// is its share of all the weight, scaled down while the total is under 3 (a single GeoIP lookup is not sure).
/// </summary>
internal static class CountryEvidenceCollector
{
    public static CountryFinding? Decide(List<AccountFeatures> members, AddressBook book, ICountryLookup? geo)
    {
        var evidence = new List<CountryEvidence>();
        foreach (var k in members.SelectMany(m => m.Kyc).DistinctBy(k => k.Customer))
        {
            if (Code(k.Source.Holder.Country) is { } cc)
            {
                evidence.Add(new CountryEvidence("kyc", cc, 3, $"{k.Source.Exchange} customer {k.Source.CustomerId}: {Handles.Describe(k.Source.Holder)}"));
            }
        }

        foreach (var s in members.SelectMany(m => m.Subscribers).DistinctBy(s => s.Subscriber))
        {
            if (Code(s.Source.Subscriber.Country) is { } cc)
            {
                evidence.Add(new CountryEvidence("isp", cc, 3, $"{s.Source.Isp} subscriber of {s.Source.Ip}: {Handles.Describe(s.Source.Subscriber)}"));
            }
        }

        if (geo is not null)
        {
            var geoWeight = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var ip in members.SelectMany(m => m.Logins).Select(l => l.Ip).Distinct().Where(ip => book.Shared[ip] is null).OrderBy(ip => ip))
            {
                if (Code(geo.CountryOf(book.Ips[ip])) is not { } cc)
                {
                    continue;
                }

                var used = geoWeight.GetValueOrDefault(cc);
                var w = Math.Min(1, 3 - used);
                if (w <= 0)
                {
                    continue;
                }

                geoWeight[cc] = used + w;
                evidence.Add(new CountryEvidence("geoip", cc, w, $"login address {book.Ips[ip]}"));
            }
        }

        if (evidence.Count == 0)
        {
            return null;
        }

        // Time zone: when most of the person's logins fall in one band of evening hours, the offset that puts them there
        // supports the countries already in evidence that lie in it. A time zone is a band of countries, never one: it
        // decides nothing alone and adds half a point.
        if (EveningOffset(members) is { } zone)
        {
            foreach (var cc in evidence.Select(e => e.Country).Distinct(StringComparer.Ordinal).Where(cc => CountryOffsets.Fits(cc, zone.Offset, 1.5)).ToList())
            {
                evidence.Add(new CountryEvidence("timezone", cc, 0.5, string.Create(CultureInfo.InvariantCulture,
                    $"{zone.Share:P0} of {zone.Logins} logins fall between 18:00 and 24:00 at UTC{zone.Offset:+0.#;-0.#;+0}, a standard offset of {cc}")));
            }
        }

        var byCountry = evidence.GroupBy(e => e.Country).Select(g => (Country: g.Key, Weight: g.Sum(e => e.Weight))).OrderByDescending(x => x.Weight)
            .ThenBy(x => x.Country, StringComparer.Ordinal).ToList();
        var total = byCountry.Sum(x => x.Weight);
        var best = byCountry[0];
        if (byCountry.Count > 1 && byCountry[1].Weight == best.Weight)
        {
            // A tie decides nothing; the evidence is still shown.
            return new CountryFinding("", 0, evidence);
        }

        var confidence = Math.Round(best.Weight / total * Math.Min(1, total / 3), 3);
        return new CountryFinding(best.Country, confidence, evidence);
    }

    /// <summary>
    /// The UTC offset (half-hour steps) that puts most logins between 18:00 and 24:00 local time, when at least 6 logins
    /// exist and at least half of them fall there (evening is when the scenario's and most real users' activity peaks).
    /// </summary>
    internal static (double Offset, double Share, int Logins)? EveningOffset(List<AccountFeatures> members)
    {
        var times = members.SelectMany(m => m.Logins).Select(l => l.Time).ToList();
        if (times.Count < 6)
        {
            return null;
        }

        var counts = new int[53];
        for (var i = 0; i < counts.Length; i++)
        {
            var offsetSeconds = (i - 24) * 1800L;
            counts[i] = times.Count(t => ((t + offsetSeconds) % 86_400 + 86_400) % 86_400 >= 18 * 3600);
        }

        // Several offsets reach the most (the window slides): their run must be one stretch, and its middle is the estimate.
        var most = counts.Max();
        var first = Array.IndexOf(counts, most);
        var last = Array.LastIndexOf(counts, most);
        if (counts[first..(last + 1)].Any(c => c != most) || last - first > 6)
        {
            return null;
        }

        var share = (double)most / times.Count;
        return share >= 0.5 ? (((first + last) / 2.0 - 24) / 2.0, share, times.Count) : null;
    }

    private static string? Code(string? country)
    {
        if (string.IsNullOrWhiteSpace(country))
        {
            return null;
        }

        var c = country.Trim();
        return c.Length == 2 && char.IsAsciiLetter(c[0]) && char.IsAsciiLetter(c[1]) ? c.ToUpper(CultureInfo.InvariantCulture) : null;
    }
}
