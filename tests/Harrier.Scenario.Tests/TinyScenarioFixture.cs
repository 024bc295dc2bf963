using System.Text.Json;
using Harrier.Testing;

namespace Harrier.Scenario.Tests;

/// <summary>One tiny scenario (seed 7) generated for the whole class.</summary>
public sealed class TinyScenarioFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("harrier-scenario-test-").FullName;

    public string Dir => Path.Combine(Root, "a");

    public ScenarioSummary Summary { get; private set; } = null!;

    public JsonDocument Truth { get; private set; } = null!;

    /// <summary>The IP-to-country file ./test.sh fetches (HARRIER_GEOIP), or the repository's cached copy.</summary>
    public static string? GeoIp =>
        Environment.GetEnvironmentVariable("HARRIER_GEOIP") is { } env && File.Exists(env) ? env
        : File.Exists(Path.Combine(TestPaths.RepoRoot, ".cache", "geoip", "geo-whois-asn-country-ipv4.mmdb"))
            ? Path.Combine(TestPaths.RepoRoot, ".cache", "geoip", "geo-whois-asn-country-ipv4.mmdb")
            : null;

    public static ScenarioOptions Options(string dir, int seed) =>
        new(seed, ScenarioPreset.Tiny, dir, TestPaths.Photos(), TestPaths.TagPacks("packs"), Environment.ProcessorCount, GeoIp);

    public async Task InitializeAsync()
    {
        Summary = await ScenarioGenerator.GenerateAsync(Options(Dir, 7), null, CancellationToken.None);
        Truth = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "truth.json")));
    }

    public Task DisposeAsync()
    {
        Truth.Dispose();
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}
