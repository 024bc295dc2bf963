using System.Net;
using Harrier.Cases.Persons;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Harrier.Web.Tests;

/// <summary>
/// Every role against every page and endpoint: who gets 200 and who gets 403, and that a national-unit reader can
/// reach no other country's person, flow, package or media by any URL. A route the app maps but the matrix does not
/// name fails <see cref="Every_mapped_route_is_in_the_matrix"/>, so a new page cannot skip this test.
/// </summary>
[Collection(SharedWorkbench.Name)]
public sealed class AccessMatrixTests(WorkbenchFixture f)
{
    /// <summary>Expected status per role: coordinator, analyst, reader of the first reader country.</summary>
    private sealed record Row(string Pattern, string Url, HttpStatusCode Coordinator, HttpStatusCode Analyst, HttpStatusCode Reader, bool Token = false);

    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode No = HttpStatusCode.Forbidden;

    /// <summary>Routes not listed in <see cref="Rows"/> on purpose, with why.</summary>
    private static readonly Dictionary<string, string> NotInMatrix = new(StringComparer.Ordinal)
    {
        ["/login"] = "anonymous by design (AccountTests)",
        ["/logout"] = "POST with antiforgery; GET redirects home",
        ["/account/password"] = "every signed-in account, for itself (AccountTests)",
        ["/status/{code:int}"] = "the error page, anonymous",
        ["/assets/{**path}"] = "the workbench's own CSS and script, anonymous",
        ["/vendor/{name}"] = "the vendored graph library, anonymous",
    };

    private async Task<(int Own, int Other)> PersonsAsync()
    {
        var persons = new PersonsStore(f.Store);
        var run = (await persons.LatestRunAsync(CancellationToken.None))!;
        var own = (await persons.ListAsync(run.RunId, new PersonsFilter(f.ReaderCountries[0]), 0, 1, CancellationToken.None)).Persons[0].Number;
        var other = (await persons.ListAsync(run.RunId, new PersonsFilter(f.ReaderCountries[1]), 0, 1, CancellationToken.None)).Persons[0].Number;
        return (own, other);
    }

    private async Task<IReadOnlyList<Row>> Rows()
    {
        var (own, other) = await PersonsAsync();
        var cc = f.ReaderCountries[0];
        var xx = f.ReaderCountries[1];
        return
        [
            new("/", "/", Ok, Ok, Ok),
            new("/persons", "/persons", Ok, Ok, Ok),
            new("/persons/{number:int}", $"/persons/{own}", Ok, Ok, Ok),
            new("/persons/{number:int}", $"/persons/{other}", Ok, Ok, No),
            new("/persons/{number:int}/flow", $"/persons/{own}/flow", Ok, Ok, Ok),
            new("/persons/{number:int}/flow", $"/persons/{other}/flow", Ok, Ok, No),
            new("/api/persons/{number:int}/flow", $"/api/persons/{own}/flow", Ok, Ok, Ok),
            new("/api/persons/{number:int}/flow", $"/api/persons/{other}/flow", Ok, Ok, No),
            new("/flow", "/flow", Ok, Ok, No),
            new("/api/flow", "/api/flow", Ok, Ok, No),
            new("/targets", "/targets", Ok, Ok, Ok),
            new("/packages", "/packages", Ok, Ok, Ok),
            new("/packages", $"/packages?handler=Download&build=-&country={cc}", Ok, Ok, Ok),
            new("/packages", $"/packages?handler=Download&build=-&country={xx}", Ok, Ok, No),
            new("/deconfliction", "/deconfliction", Ok, Ok, No),
            new("/audit", "/audit", Ok, Ok, No),
            new("/cluster", "/cluster", Ok, Ok, No),
            new("/triage", "/triage", Ok, Ok, No),
            new("/triage/first-seen", "/triage/first-seen", Ok, Ok, No),
            new("/triage/groups", "/triage/groups", Ok, Ok, No),
            new("/media/{id:long}/thumb", $"/media/{Thumbnailed()}/thumb", Ok, Ok, No),
            // The HMA-compatible API answers API tokens only (a cookie session gets 401 there: HmaApiTests).
            new("/m/lookup", "/m/lookup?signal_type=pdq&signal=" + new string('0', 64), Ok, Ok, No, Token: true),
            new("/m/raw_lookup", "/m/raw_lookup?signal_type=pdq&signal=" + new string('0', 64), Ok, Ok, No, Token: true),
            new("/m/index/status", "/m/index/status", Ok, Ok, No, Token: true),
            new("/c/banks", "/c/banks", Ok, Ok, No, Token: true),
            new("/openapi/{documentName}.json", "/openapi/v1.json", Ok, Ok, No, Token: true),
        ];
    }

    [Fact]
    public async Task Each_role_gets_what_the_matrix_says_on_every_route()
    {
        var rows = await Rows();
        var failures = new List<string>();
        foreach (var (account, pick) in new (TestAccount, Func<Row, HttpStatusCode>)[]
                 {
                     (f.Coordinator, r => r.Coordinator), (f.Analyst, r => r.Analyst), (f.Reader, r => r.Reader),
                 })
        {
            using var client = await f.SignInAsync(account);
            using var api = f.ApiClient(account);
            foreach (var row in rows)
            {
                var got = (await (row.Token ? api : client).GetAsync(row.Url)).StatusCode;
                if (got != pick(row))
                {
                    failures.Add($"{account.Name} GET {row.Url}: {(int)got}, expected {(int)pick(row)}");
                }
            }
        }

        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_reader_sees_only_its_own_country_in_lists_even_when_it_asks_for_another()
    {
        using var client = await f.SignInAsync(f.Reader);
        var persons = await client.GetStringAsync($"/persons?country={f.ReaderCountries[1]}");
        Assert.Contains($"<td>{f.ReaderCountries[0]} (", persons, StringComparison.Ordinal);
        Assert.DoesNotContain($"<td>{f.ReaderCountries[1]} (", persons, StringComparison.Ordinal);
        var targets = await client.GetStringAsync($"/targets?country={f.ReaderCountries[1]}&maxTier=4");
        Assert.Contains($"<td>{f.ReaderCountries[0]}</td>", targets, StringComparison.Ordinal);
        Assert.DoesNotContain($"<td>{f.ReaderCountries[1]}</td>", targets, StringComparison.Ordinal);
        var packages = await client.GetStringAsync("/packages");
        Assert.Contains($"country={f.ReaderCountries[0]}", packages, StringComparison.Ordinal);
        Assert.DoesNotContain($"country={f.ReaderCountries[1]}", packages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_refused_another_countrys_person_is_audited()
    {
        var (_, other) = await PersonsAsync();
        using var client = await f.SignInAsync(f.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/persons/{other}")).StatusCode);
        var tail = await f.Store.Audit.ReadAsync(20, CancellationToken.None);
        Assert.Contains(tail, e => e.Actor == WebAudit.ActorOf(f.Reader.Name) && e.Action == "web.denied" && e.Target.StartsWith($"person {other} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_package_names_never_reach_the_file_system()
    {
        using var client = await f.SignInAsync(f.Coordinator);
        foreach (var (build, country) in new[] { ("..", "DE"), ("-", ".."), ("-", "..%2F..%2Fcase"), ("../../case", "DE"), ("-", "de"), ("20260101T000000Z", "ZZ"), ("-", "%2Fetc%2Fpasswd") })
        {
            var r = await client.GetAsync($"/packages?handler=Download&build={build}&country={country}");
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_matrix()
    {
        var covered = (await Rows()).Select(r => r.Pattern).Concat(NotInMatrix.Keys).ToHashSet(StringComparer.Ordinal);
        covered.UnionWith(ExtraCovered);
        var mapped = f.Workbench.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(m => !covered.Contains(m)).ToList();
        Assert.True(missing.Count == 0, "routes without a row in the access matrix: " + string.Join(", ", missing));
    }

    /// <summary>Routes whose access is checked by their own test classes (the triage grid and media, the HMA API), each of which tests every role.</summary>
    private static readonly string[] ExtraCovered =
    [
        "/h/hash", "/c/bank/{name}/signal", "/c/bank/{name}/content", // POST only: every role in HmaApiTests.Without_a_token_401_and_with_a_readers_token_403 and the write tests
        "/api/media/{id:long}/reveal", "/api/triage/{id:long}/category", // POST only, with the antiforgery header: TriageAccessTests (reader 403, no header 400)
        "/media/original/{grant}", // a one-use grant of one account: TriageAccessTests (used twice, another account's, expired: 404)
    ];

    /// <summary>An evidence id with a derived thumbnail (CASE/derived/thumbs/ID.png).</summary>
    private string Thumbnailed() =>
        Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(f.CaseDir, "derived", "thumbs"), "*.png").Order(StringComparer.Ordinal).First());
}
