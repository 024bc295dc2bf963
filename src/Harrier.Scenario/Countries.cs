namespace Harrier.Scenario;

/// <summary>
/// The 38 countries of the scenario (Operation Stream sent packages to 38), with weights for drawing persons and a
/// address source per country: the country's real ranges from a GeoIP file when one is given (so geolocation works
/// as on real data), else a recognisably synthetic block of the private 10.0.0.0/8 range.
/// </summary>
internal static class Countries
{
    public static readonly (string Code, int Weight)[] All =
    [
        ("DE", 14), ("NL", 6), ("US", 12), ("GB", 7), ("FR", 6), ("ES", 4), ("IT", 4), ("PL", 4), ("AT", 3), ("CH", 2),
        ("BE", 2), ("SE", 2), ("NO", 1), ("DK", 1), ("FI", 1), ("CZ", 2), ("SK", 1), ("HU", 1), ("RO", 2), ("BG", 1),
        ("GR", 1), ("PT", 1), ("IE", 1), ("LU", 1), ("SI", 1), ("HR", 1), ("EE", 1), ("LV", 1), ("LT", 1), ("CY", 1),
        ("MT", 1), ("CA", 3), ("AU", 3), ("NZ", 1), ("BR", 3), ("AR", 1), ("CO", 1), ("MX", 2),
    ];

    private static readonly int TotalWeight = All.Sum(c => c.Weight);

    public static string Draw(Random random)
    {
        var x = random.Next(TotalWeight);
        foreach (var (code, weight) in All)
        {
            if (x < weight)
            {
                return code;
            }

            x -= weight;
        }

        return All[^1].Code;
    }

    /// <summary>
    /// An IPv4 address of <paramref name="country"/>: from the country's real ranges when a GeoIP file is given,
    /// else the synthetic 10.(index+1).x.y.
    /// </summary>
    public static string Ip(string country, Random random, GeoIpRanges? geo)
    {
        if (geo is not null && geo.HasCountry(country))
        {
            return geo.Draw(country, random);
        }

        var index = Array.FindIndex(All, c => c.Code == country);
        return $"10.{index + 1}.{random.Next(256)}.{random.Next(1, 255)}";
    }

    /// <summary>A shared VPN/Tor exit: many persons, no country.</summary>
    public static string AnonymiserIp(Random random) => $"10.250.{random.Next(4)}.{random.Next(1, 20)}";
}
