using System.Net;
using Harrier.Web.Accounts;

namespace Harrier.Web.Tests;

/// <summary>Logging in, the one-time password, lockout, tokens, the security headers, and that every login is audited.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class AccountTests(WorkbenchFixture f)
{
    [Fact]
    public async Task A_page_without_a_session_goes_to_the_login_page_and_an_api_call_gets_401()
    {
        using var client = f.NewClient();
        var page = await client.GetAsync("/persons");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var api = await client.GetAsync("/api/persons");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var client = f.NewClient();
        foreach (var path in new[] { "/login", "/", "/assets/css/site.css", "/nope" })
        {
            var r = await client.GetAsync(path);
            Assert.Contains("script-src 'self'", r.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", r.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", r.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("DENY", r.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
        }
    }

    [Fact]
    public async Task A_login_is_audited_with_the_account_as_actor()
    {
        using var client = await f.SignInAsync(f.Analyst);
        var tail = await f.Store.Audit.ReadAsync(50, CancellationToken.None);
        Assert.Contains(tail, e => e.Actor == "web:ana" && e.Action == "web.login");
    }

    [Fact]
    public async Task A_form_posted_without_its_antiforgery_token_is_refused()
    {
        using var client = f.NewClient();
        var r = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Name"] = "coord", ["Password"] = f.Coordinator.Password }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_no_longer_opens_it()
    {
        var admin = new AccountAdmin(f.Store);
        var added = await admin.AddAsync("locked-out", WorkbenchRoles.Analyst, null, "test", null, CancellationToken.None);
        using var client = f.NewClient();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await WorkbenchFixture.PostFormAsync(client, "/login", new() { ["Name"] = "locked-out", ["Password"] = "not-the-password-" + i });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        var right = await WorkbenchFixture.PostFormAsync(client, "/login", new() { ["Name"] = "locked-out", ["Password"] = added.OneTimePassword });
        Assert.Equal(HttpStatusCode.OK, right.StatusCode); // the form again, not a redirect into the workbench
        Assert.Contains("locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True((await admin.ListAsync(CancellationToken.None)).Single(a => a.Name == "locked-out").LockedOut);
        var tail = await f.Store.Audit.ReadAsync(30, CancellationToken.None);
        Assert.Contains(tail, e => e.Action == "web.login.failed" && e.Target.Contains("locked out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replaced_token_stops_working_at_once()
    {
        var admin = new AccountAdmin(f.Store);
        await admin.AddAsync("token-holder", WorkbenchRoles.Analyst, null, "test", null, CancellationToken.None);
        var first = await admin.IssueTokenAsync("token-holder", "test", null, CancellationToken.None);
        using var client = f.NewClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", first.Token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        await admin.IssueTokenAsync("token-holder", "test", null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", "hrt_made-up-token-value");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_login_page_renders_in_chromium_and_logs_in()
    {
        var page = await f.SignedInPageAsync(f.Coordinator);
        Assert.Contains("Harrier", await page.TitleAsync(), StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "home-coordinator");
        await page.Context.CloseAsync();
    }
}
