using System.Net;

namespace Harrier.Web.Tests;

/// <summary>Cross-site request forgery on every state-changing form, and path traversal on the file-serving routes of the pages (assets, vendored libraries, packages).</summary>
[Collection(SharedWorkbench.Name)]
public sealed class RequestSafetyTests(WorkbenchFixture f)
{
    [Theory]
    [InlineData("/packages?handler=Build")]
    [InlineData("/packages?handler=Verify")]
    [InlineData("/targets?handler=Move")]
    [InlineData("/deconfliction?handler=Status")]
    [InlineData("/account/password")]
    [InlineData("/logout")]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_changes_nothing(string action)
    {
        using var client = await f.SignInAsync(f.Coordinator);
        var before = (await f.Store.Audit.ReadAsync(1, CancellationToken.None))[0].Seq;
        var r = await client.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["person"] = "1", ["tier"] = "1", ["reason"] = "forged", ["claim"] = "1", ["status"] = "withdrawn", ["build"] = "-", ["country"] = f.ReaderCountries[0],
            ["Current"] = f.Coordinator.Password, ["New"] = "forged-password-123", ["Again"] = "forged-password-123",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var after = (await f.Store.Audit.ReadAsync(1, CancellationToken.None))[0].Seq;
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_post_with_another_sessions_antiforgery_token_is_refused()
    {
        using var analyst = await f.SignInAsync(f.Analyst);
        var token = WorkbenchFixture.AntiforgeryToken(await analyst.GetStringAsync("/packages"));
        using var coordinator = await f.SignInAsync(f.Coordinator);
        var r = await coordinator.PostAsync("/packages?handler=Build", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Theory]
    [InlineData("/assets/../../../../etc/passwd")]
    [InlineData("/assets/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/assets/css/..%2f..%2fHarrier.Web.csproj")]
    [InlineData("/assets/%2fetc%2fpasswd")]
    [InlineData("/vendor/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/vendor/cytoscape.LICENSE")]
    [InlineData("/vendor/.%2fcytoscape.min.js")]
    public async Task File_routes_serve_only_their_fixed_list(string path)
    {
        using var client = await f.SignInAsync(f.Coordinator);
        var r = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.DoesNotContain("root:", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_vendored_library_and_the_assets_are_served()
    {
        using var client = f.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/assets/css/site.css")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/assets/js/flow.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/vendor/cytoscape.min.js")).StatusCode);
    }

    [Fact]
    public async Task A_package_downloads_in_chromium()
    {
        var page = await f.SignedInPageAsync(f.Reader);
        await page.GotoAsync("/packages");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a.download"));
        Assert.Equal($"harrier-package-{f.ReaderCountries[0]}-case.zip", download.SuggestedFilename);
        var saved = Path.Combine(WorkbenchFixture.ArtifactsDir, download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        await using var zip = System.IO.Compression.ZipFile.OpenRead(saved);
        Assert.Contains(zip.Entries, e => e.FullName == $"{f.ReaderCountries[0]}/manifest.sig");
        await page.Context.CloseAsync();
    }
}
