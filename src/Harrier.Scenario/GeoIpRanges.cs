using System.Net;
using System.Net.Sockets;
using MaxMind.Db;

namespace Harrier.Scenario;

/// <summary>
/// Country IPv4 ranges read from an IP-to-country MaxMind DB file (the CC0 ip-location-db file that the scripts
/// fetch, or a GeoIP2/GeoLite2 Country database), so drawn addresses geolocate to the intended country.
/// </summary>
public sealed class GeoIpRanges : IDisposable
{
    private readonly Reader _reader;
    private readonly Dictionary<string, List<(uint Start, uint Size)>> _ranges = new(StringComparer.Ordinal);

    public GeoIpRanges(string mmdbPath)
    {
        _reader = new Reader(mmdbPath);
        foreach (var node in _reader.FindAll<Dictionary<string, object>>())
        {
            if (node.Start.AddressFamily != AddressFamily.InterNetwork || CountryOf(node.Data) is not { } country)
            {
                continue;
            }

            var bytes = node.Start.GetAddressBytes();
            var start = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            var size = node.PrefixLength >= 32 ? 1u : 1u << (32 - node.PrefixLength);
            if (!_ranges.TryGetValue(country, out var list))
            {
                _ranges[country] = list = [];
            }

            list.Add((start, size));
        }

        foreach (var list in _ranges.Values)
        {
            list.Sort();
        }
    }

    /// <summary>The file's description of itself (database type and build epoch).</summary>
    public string Describe() => $"{_reader.Metadata.DatabaseType} built {_reader.Metadata.BuildDate:yyyy-MM-dd}";

    public bool HasCountry(string country) => _ranges.ContainsKey(country);

    /// <summary>A host address inside a random network of <paramref name="country"/>.</summary>
    public string Draw(string country, Random random)
    {
        var list = _ranges[country];
        var (start, size) = list[random.Next(list.Count)];
        var offset = size <= 2 ? 0u : 1u + (uint)random.NextInt64(size - 2);
        var ip = start + offset;
        return $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
    }

    /// <summary>
    /// A CIDR block of <paramref name="country"/> for one provider: a random network of at least
    /// <paramref name="size"/> addresses (its first <paramref name="size"/> addresses), else the country's largest
    /// network whole. <paramref name="size"/> is a power of two; so is the returned size.
    /// </summary>
    internal (uint Start, uint Size) DrawBlock(string country, uint size, Random random)
    {
        var list = _ranges[country];
        var large = list.Where(x => x.Size >= size).ToList();
        if (large.Count > 0)
        {
            return (large[random.Next(large.Count)].Start, size);
        }

        var largest = list.MaxBy(x => x.Size);
        return (largest.Start, largest.Size);
    }

    /// <summary>The ISO country code of <paramref name="ip"/>, or null.</summary>
    public string? Lookup(string ip) => CountryOf(_reader.Find<Dictionary<string, object>>(IPAddress.Parse(ip)));

    /// <summary>ip-location-db records carry <c>country_code</c>; GeoIP2/GeoLite2 Country carries <c>country.iso_code</c>.</summary>
    private static string? CountryOf(Dictionary<string, object>? data) =>
        data is null ? null
        : data.TryGetValue("country_code", out var code) && code is string s ? s
        : data.TryGetValue("country", out var c) && c is Dictionary<string, object> country && country.TryGetValue("iso_code", out var iso) && iso is string i ? i
        : null;

    public void Dispose() => _reader.Dispose();
}
