namespace Harrier.Scenario.People;

/// <summary>
/// An IANA time zone and its standard UTC offset per scenario country (daylight saving is ignored: the offset is
/// what the activity profile is drawn in). Countries spanning several zones list each with a weight.
/// </summary>
internal static class TimeZones
{
    private static readonly Dictionary<string, (string Zone, int OffsetMinutes, int Weight)[]> ByCountry = new(StringComparer.Ordinal)
    {
        ["US"] = [("America/New_York", -300, 5), ("America/Chicago", -360, 3), ("America/Denver", -420, 1), ("America/Los_Angeles", -480, 3)],
        ["CA"] = [("America/Toronto", -300, 3), ("America/Winnipeg", -360, 1), ("America/Vancouver", -480, 1)],
        ["AU"] = [("Australia/Sydney", 600, 3), ("Australia/Brisbane", 600, 1), ("Australia/Perth", 480, 1)],
        ["BR"] = [("America/Sao_Paulo", -180, 4), ("America/Manaus", -240, 1)],
        ["MX"] = [("America/Mexico_City", -360, 3), ("America/Tijuana", -480, 1)],
        ["AR"] = [("America/Argentina/Buenos_Aires", -180, 1)],
        ["CO"] = [("America/Bogota", -300, 1)],
        ["NZ"] = [("Pacific/Auckland", 720, 1)],
        ["GB"] = [("Europe/London", 0, 1)],
        ["IE"] = [("Europe/Dublin", 0, 1)],
        ["PT"] = [("Europe/Lisbon", 0, 1)],
        ["FI"] = [("Europe/Helsinki", 120, 1)],
        ["EE"] = [("Europe/Tallinn", 120, 1)],
        ["LV"] = [("Europe/Riga", 120, 1)],
        ["LT"] = [("Europe/Vilnius", 120, 1)],
        ["RO"] = [("Europe/Bucharest", 120, 1)],
        ["BG"] = [("Europe/Sofia", 120, 1)],
        ["GR"] = [("Europe/Athens", 120, 1)],
        ["CY"] = [("Asia/Nicosia", 120, 1)],
    };

    private static readonly Dictionary<string, string> CentralEuropean = new(StringComparer.Ordinal)
    {
        ["DE"] = "Europe/Berlin",
        ["NL"] = "Europe/Amsterdam",
        ["FR"] = "Europe/Paris",
        ["ES"] = "Europe/Madrid",
        ["IT"] = "Europe/Rome",
        ["PL"] = "Europe/Warsaw",
        ["AT"] = "Europe/Vienna",
        ["CH"] = "Europe/Zurich",
        ["BE"] = "Europe/Brussels",
        ["SE"] = "Europe/Stockholm",
        ["NO"] = "Europe/Oslo",
        ["DK"] = "Europe/Copenhagen",
        ["CZ"] = "Europe/Prague",
        ["SK"] = "Europe/Bratislava",
        ["HU"] = "Europe/Budapest",
        ["LU"] = "Europe/Luxembourg",
        ["SI"] = "Europe/Ljubljana",
        ["HR"] = "Europe/Zagreb",
        ["MT"] = "Europe/Malta",
    };

    /// <summary>Every zone a person of <paramref name="country"/> may live in.</summary>
    public static IReadOnlyList<(string Zone, int OffsetMinutes)> Of(string country) =>
        ByCountry.TryGetValue(country, out var zones) ? [.. zones.Select(z => (z.Zone, z.OffsetMinutes))]
        : CentralEuropean.TryGetValue(country, out var zone) ? [(zone, 60)]
        : throw new ArgumentException($"no time zone for country {country}", nameof(country));

    /// <summary>A zone of <paramref name="country"/>, weighted by population.</summary>
    public static (string Zone, int OffsetMinutes) Draw(string country, Random random)
    {
        if (!ByCountry.TryGetValue(country, out var zones))
        {
            return Of(country)[0];
        }

        var x = random.Next(zones.Sum(z => z.Weight));
        foreach (var (zone, offset, weight) in zones)
        {
            if (x < weight)
            {
                return (zone, offset);
            }

            x -= weight;
        }

        return (zones[^1].Zone, zones[^1].OffsetMinutes);
    }
}
