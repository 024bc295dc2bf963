using System.Globalization;

namespace Harrier.Analysis.Persons;

/// <summary>
/// A person's country from its evidence: each KYC customer's country and each household subscriber's country weigh 3
/// (an identity document or a contract at an address), each distinct address the person logged in from that is not
/// shared infrastructure weighs 1 through GeoIP, at most 3 in all per country (many logins from one network are one
/// fact, not many). VPN, Tor and carrier NAT addresses never count. The country with the most weight wins; confidence
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
