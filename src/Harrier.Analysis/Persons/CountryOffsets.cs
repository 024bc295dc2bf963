namespace Harrier.Analysis.Persons;

/// <summary>
/// Standard (winter) UTC offsets in hours per country, for the time-zone evidence. Written out here because .NET has
/// no country → zone table and the engine reads no files; countries not listed give no time-zone evidence.
/// </summary>
internal static class CountryOffsets
{
    private static readonly Dictionary<string, double[]> ByCountry = new(StringComparer.Ordinal)
    {
        ["AE"] = [4], ["AL"] = [1], ["AR"] = [-3], ["AT"] = [1], ["AU"] = [8, 9.5, 10], ["BA"] = [1], ["BD"] = [6], ["BE"] = [1], ["BG"] = [2],
        ["BR"] = [-5, -4, -3, -2], ["BY"] = [3], ["CA"] = [-8, -7, -6, -5, -4, -3.5], ["CH"] = [1], ["CL"] = [-4], ["CN"] = [8], ["CO"] = [-5],
        ["CY"] = [2], ["CZ"] = [1], ["DE"] = [1], ["DK"] = [1], ["EE"] = [2], ["EG"] = [2], ["ES"] = [0, 1], ["FI"] = [2], ["FR"] = [1], ["GB"] = [0],
        ["GR"] = [2], ["HK"] = [8], ["HR"] = [1], ["HU"] = [1], ["ID"] = [7, 8, 9], ["IE"] = [0], ["IL"] = [2], ["IN"] = [5.5], ["IS"] = [0],
        ["IT"] = [1], ["JP"] = [9], ["KE"] = [3], ["KR"] = [9], ["LT"] = [2], ["LU"] = [1], ["LV"] = [2], ["MD"] = [2], ["ME"] = [1], ["MK"] = [1],
        ["MT"] = [1], ["MX"] = [-8, -7, -6, -5], ["MY"] = [8], ["NG"] = [1], ["NL"] = [1], ["NO"] = [1], ["NZ"] = [12], ["PE"] = [-5], ["PH"] = [8],
        ["PK"] = [5], ["PL"] = [1], ["PT"] = [-1, 0], ["RO"] = [2], ["RS"] = [1], ["RU"] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], ["SA"] = [3],
        ["SE"] = [1], ["SG"] = [8], ["SI"] = [1], ["SK"] = [1], ["TH"] = [7], ["TR"] = [3], ["TW"] = [8], ["UA"] = [2],
        ["US"] = [-10, -9, -8, -7, -6, -5], ["VE"] = [-4], ["VN"] = [7], ["ZA"] = [2],
    };

    /// <summary>True when <paramref name="country"/> has a standard offset within <paramref name="tolerance"/> hours of <paramref name="offset"/>.</summary>
    public static bool Fits(string country, double offset, double tolerance) =>
        ByCountry.TryGetValue(country, out var offsets) && offsets.Any(o => Math.Abs(o - offset) <= tolerance);
}
