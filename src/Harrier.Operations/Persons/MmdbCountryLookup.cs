using System.Net;
using Harrier.Analysis.Persons;
using MaxMind.Db;

namespace Harrier.Operations.Persons;

/// <summary>
/// IP → country from a MaxMind DB file: the CC0 ip-location-db country file (records with <c>country_code</c>) or
/// MaxMind's GeoLite2/GeoIP2 Country (records with <c>country.iso_code</c>), as <c>src/Harrier.Scenario/GeoIpRanges.cs</c> reads them.
/// </summary>
public sealed class MmdbCountryLookup : ICountryLookup, IDisposable
{
    private readonly Reader _reader;
    private readonly Dictionary<string, string?> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private MmdbCountryLookup(Reader reader) => _reader = reader;

    /// <summary>Opens <paramref name="path"/>; a file that is not a MaxMind DB is refused (<see cref="OperationException"/>).</summary>
    public static MmdbCountryLookup Open(string path)
    {
        try
        {
            return new MmdbCountryLookup(new Reader(path));
        }
        catch (Exception e) when (e is InvalidDatabaseException or IOException)
        {
            throw new OperationException($"{path} is not a readable MaxMind DB (.mmdb) file: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public string? CountryOf(string ip)
    {
        ArgumentNullException.ThrowIfNull(ip);
        lock (_lock)
        {
            if (_cache.TryGetValue(ip, out var cached))
            {
                return cached;
            }

            string? country = null;
            if (IPAddress.TryParse(ip, out var address))
            {
                var data = _reader.Find<Dictionary<string, object>>(address);
                country = data is null ? null
                    : data.TryGetValue("country_code", out var code) && code is string s ? s
                    : data.TryGetValue("country", out var c) && c is Dictionary<string, object> d && d.TryGetValue("iso_code", out var iso) && iso is string i ? i
                    : null;
                // Only an ISO 3166 alpha-2 code is a country (some databases hold "" or region codes for unassigned ranges).
                country = country?.ToUpperInvariant() is { Length: 2 } up && up.All(char.IsAsciiLetterUpper) ? up : null;
            }

            _cache[ip] = country;
            return country;
        }
    }

    public void Dispose() => _reader.Dispose();
}
