using System.Net;
using Harrier.Cases.Persons;

namespace Harrier.Web.Tests;

/// <summary>The persons list and profile, the payment-flow graph, targets, packages, deconfliction and the audit viewer, over HTTP and in chromium.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class PersonsPagesTests(WorkbenchFixture f)
{
    private async Task<(int Number, ResolvedPersonView Person)> PaidPersonAsync()
    {
        var persons = new PersonsStore(f.Store);
        var run = (await persons.LatestRunAsync(CancellationToken.None))!;
        var result = await persons.ReadResultAsync(run.RunId, CancellationToken.None);
        var platform = new Harrier.Cases.Platform.PlatformTimeline(f.Store);
        foreach (var p in result.Persons.Where(p => p.Country is not null).OrderByDescending(p => p.AccountKeys.Count).ThenBy(p => p.Number))
        {
            var payments = await platform.PaymentsAsync(run.ImportId, p.AccountKeys, 10, CancellationToken.None);
            if (payments.Any(x => x.Txid is not null))
            {
                return (p.Number, new ResolvedPersonView(p.AccountKeys, p.Country!.Country, payments.Count));
            }
        }

        throw new InvalidOperationException("no person of the tiny demo paid on chain");
    }

    private sealed record ResolvedPersonView(IReadOnlyList<string> Accounts, string Country, int Payments);

    [Fact]
    public async Task The_profile_shows_accounts_timeline_country_evidence_and_is_audited_with_the_actor()
    {
        var (number, person) = await PaidPersonAsync();
        using var client = await f.SignInAsync(f.Analyst);
        var html = await client.GetStringAsync($"/persons/{number}");
        foreach (var account in person.Accounts)
        {
            Assert.Contains(account, html, StringComparison.Ordinal);
        }

        Assert.Contains("class=\"ev-registered\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"ev-payment\"", html, StringComparison.Ordinal);
        Assert.Contains($"<strong>{person.Country}</strong>", html, StringComparison.Ordinal);
        var tail = await f.Store.Audit.ReadAsync(20, CancellationToken.None);
        Assert.Contains(tail, e => e.Actor == "web:ana" && e.Action == "persons.show" && e.Target.StartsWith($"person {number} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_flow_of_a_paying_person_joins_its_accounts_payments_and_the_platform_deposit()
    {
        var (number, person) = await PaidPersonAsync();
        using var client = f.ApiClient(f.Analyst);
        var json = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"/api/persons/{number}/flow")).RootElement;
        var nodes = json.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("data")).ToList();
        var kinds = nodes.Select(n => n.GetProperty("kind").GetString()).ToHashSet();
        Assert.Contains("person", kinds);
        Assert.Contains("account", kinds);
        Assert.Contains("payment", kinds);
        Assert.Contains("deposit", kinds);
        Assert.Equal(person.Payments, json.GetProperty("payments").GetInt32());
        var ids = nodes.Select(n => n.GetProperty("id").GetString()).ToHashSet();
        foreach (var e in json.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("data")))
        {
            Assert.Contains(e.GetProperty("source").GetString(), ids);
            Assert.Contains(e.GetProperty("target").GetString(), ids);
        }
    }

    [Fact]
    public async Task The_flow_graph_renders_in_chromium_and_a_node_shows_its_detail()
    {
        var (number, _) = await PaidPersonAsync();
        var page = await f.SignedInPageAsync(f.Analyst);
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        await page.GotoAsync($"/persons/{number}/flow");
        await page.WaitForSelectorAsync("#flow[data-ready]");
        var drawn = await page.EvaluateAsync<int>("() => window.harrierFlow.nodes().length");
        Assert.True(drawn > 3, $"{drawn} nodes drawn");
        await page.EvaluateAsync("() => window.harrierFlow.nodes('[kind = \"deposit\"]')[0].emit('tap')");
        Assert.Contains("deposit", await page.InnerTextAsync("#flow-detail"), StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "flow-person");
        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_package_downloads_as_a_zip_with_its_signed_manifest_and_the_download_is_audited()
    {
        var cc = f.ReaderCountries[0];
        using var client = await f.SignInAsync(f.Reader);
        var r = await client.GetAsync($"/packages?handler=Download&build=-&country={cc}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/zip", r.Content.Headers.ContentType!.MediaType);
        await using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await r.Content.ReadAsByteArrayAsync()));
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains($"{cc}/manifest.json", names);
        Assert.Contains($"{cc}/manifest.sig", names);
        Assert.Contains($"{cc}/package.json", names);
        var onDisk = Directory.GetFiles(Path.Combine(f.PackagesDir, cc), "*", SearchOption.AllDirectories).Length;
        Assert.Equal(onDisk, zip.Entries.Count);
        var manifest = zip.GetEntry($"{cc}/manifest.json")!;
        await using (var s = await manifest.OpenAsync())
        {
            var bytes = new MemoryStream();
            await s.CopyToAsync(bytes);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(f.PackagesDir, cc, "manifest.json")), bytes.ToArray());
        }

        var tail = await f.Store.Audit.ReadAsync(20, CancellationToken.None);
        Assert.Contains(tail, e => e.Actor == WebAudit.ActorOf(f.Reader.Name) && e.Action == "web.package.download" && e.Target.StartsWith($"package -/{cc}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_package_verifies_against_the_case_key_in_the_browser()
    {
        var page = await f.SignedInPageAsync(f.Coordinator);
        await page.GotoAsync("/packages");
        await page.ClickAsync($"#packages tr:has-text('{f.ReaderCountries[0]}') button:has-text('verify')");
        await page.WaitForSelectorAsync("#verified");
        Assert.StartsWith("Verified", (await page.InnerTextAsync("#verified h2")).Trim(), StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "packages-verified");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_audit_viewer_says_the_chain_is_intact_and_lists_web_actions()
    {
        using var client = await f.SignInAsync(f.Coordinator);
        var html = await client.GetStringAsync("/audit?actor=web%3A");
        Assert.Contains("id=\"audit-status\" class=\"ok\"", html, StringComparison.Ordinal);
        Assert.Contains("web.login", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_render_in_chromium_without_script_errors_or_csp_violations()
    {
        var (number, _) = await PaidPersonAsync();
        var page = await f.SignedInPageAsync(f.Coordinator);
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        foreach (var (path, name) in new[] { ("/persons", "persons"), ($"/persons/{number}", "person"), ("/targets", "targets"), ("/deconfliction", "deconfliction"), ("/audit", "audit"), ("/flow", "flow-case") })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            if (name == "flow-case")
            {
                await page.WaitForSelectorAsync("#flow[data-ready]");
            }

            await WorkbenchFixture.ScreenshotAsync(page, name);
        }

        Assert.Empty(errors);
        await page.Context.CloseAsync();
    }
}
