using System.Net;
using System.Text.RegularExpressions;
using Harrier.Cases;
using Harrier.Cli;
using Harrier.Web.Accounts;
using Microsoft.Playwright;

namespace Harrier.Web.Tests;

/// <summary>An account of the fixture's case: its password (set through the real first-login flow) and its API token.</summary>
public sealed record TestAccount(string Name, string Role, string? Country, string Password, string Token);

/// <summary>
/// One real case for every workbench test: the tiny demo (scenario, evidence, ingest with blurred thumbnails, triage,
/// chain, returns, persons, targets, packages), run in-process once, then served by a real Kestrel on a free loopback
/// port. Four accounts: a coordinator, an analyst and national-unit readers of the two countries with the most persons
/// in packages. Each account's one-time password is replaced through the real login and password pages, so every test
/// starts from the flow a person goes through.
/// </summary>
public sealed partial class WorkbenchFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string Root { get; } = Directory.CreateTempSubdirectory("harrier-web-").FullName;

    public string DemoDir => Path.Combine(Root, "demo");

    public string CaseDir => Path.Combine(DemoDir, "case");

    public string PackagesDir => Path.Combine(DemoDir, "packages");

    public CaseStore Store { get; private set; } = null!;

    public Workbench Workbench { get; private set; } = null!;

    public Uri Address => Workbench.Address;

    /// <summary>The accounts by name: coord, ana, and reader-XX for each of <see cref="ReaderCountries"/>.</summary>
    public IReadOnlyDictionary<string, TestAccount> Accounts { get; private set; } = null!;

    /// <summary>The two countries with readers (the two largest packages), first one first.</summary>
    public IReadOnlyList<string> ReaderCountries { get; private set; } = [];

    public TestAccount Coordinator => Accounts["coord"];

    public TestAccount Analyst => Accounts["ana"];

    public TestAccount Reader => Accounts["reader-" + ReaderCountries[0].ToLowerInvariant()];

    public TestAccount OtherReader => Accounts["reader-" + ReaderCountries[1].ToLowerInvariant()];

    /// <summary>Where screenshots go: $HARRIER_TEST_ARTIFACTS/web, else screenshots/ beside the test assembly.</summary>
    public static string ArtifactsDir
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("HARRIER_TEST_ARTIFACTS");
            var dir = root is { Length: > 0 } ? Path.Combine(root, "web") : Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        using var output = new StringWriter();
        var code = await HarrierApp.RunAsync(
            ["demo", "--preset", "tiny", "--seed", "3", "--out", DemoDir, "--no-browser", "--no-serve", "--progress", "none"],
            new CliHost(output, output, TimeProvider.System) { Interactive = false });
        if (code != 0)
        {
            throw new InvalidOperationException($"the tiny demo failed (exit {code}):\n{output}");
        }

        Store = await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);
        ReaderCountries = [.. Directory.GetDirectories(PackagesDir).Select(d => (Country: Path.GetFileName(d), Size: Directory.GetFiles(d, "*", SearchOption.AllDirectories).Length))
            .Where(p => p.Country.Length == 2)
            .OrderByDescending(p => new FileInfo(Path.Combine(PackagesDir, p.Country, "package.json")).Length).ThenBy(p => p.Country, StringComparer.Ordinal)
            .Take(2).Select(p => p.Country)];
        if (ReaderCountries.Count < 2)
        {
            throw new InvalidOperationException("the tiny demo built fewer than two country packages");
        }

        Workbench = await Workbench.StartAsync(Store, new WorkbenchOptions
        {
            Port = 0,
            VendorDir = Environment.GetEnvironmentVariable("HARRIER_WEB_VENDOR"),
            PackagesDir = PackagesDir,
        }, CancellationToken.None);

        var admin = new AccountAdmin(Store);
        var wanted = new List<(string Name, string Role, string? Country)>
        {
            ("coord", WorkbenchRoles.Coordinator, null),
            ("ana", WorkbenchRoles.Analyst, null),
        };
        wanted.AddRange(ReaderCountries.Select(c => ("reader-" + c.ToLowerInvariant(), WorkbenchRoles.Reader, (string?)c)));
        var accounts = new Dictionary<string, TestAccount>(StringComparer.Ordinal);
        foreach (var (name, role, country) in wanted)
        {
            var added = await admin.AddAsync(name, role, country, "test", "workbench tests", CancellationToken.None);
            var token = await admin.IssueTokenAsync(name, "test", "workbench tests", CancellationToken.None);
            var password = $"{name}-correct-horse-battery";
            await FirstLoginAsync(name, added.OneTimePassword, password);
            accounts[name] = new TestAccount(name, role, country, password, token.Token);
        }

        Accounts = accounts;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Workbench.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client that keeps cookies and never follows redirects (tests assert them).</summary>
    public HttpClient NewClient()
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        return new HttpClient(handler) { BaseAddress = Address };
    }

    /// <summary>A client signed in as <paramref name="account"/> through the login form.</summary>
    public async Task<HttpClient> SignInAsync(TestAccount account)
    {
        var client = NewClient();
        var response = await PostFormAsync(client, "/login", new() { ["Name"] = account.Name, ["Password"] = account.Password });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"login of {account.Name} answered {(int)response.StatusCode}");
        }

        return client;
    }

    /// <summary>A client that sends <paramref name="account"/>'s API token.</summary>
    public HttpClient ApiClient(TestAccount account)
    {
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.Token);
        return client;
    }

    /// <summary>Gets <paramref name="formPage"/>, takes its antiforgery token and posts <paramref name="fields"/> with it to the same page.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, Dictionary<string, string> fields) =>
        PostFormAsync(client, formPage, formPage, fields);

    /// <summary>Gets <paramref name="formPage"/>, takes its antiforgery token and posts <paramref name="fields"/> with it to <paramref name="action"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string formPage, string action, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync(formPage);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        return await client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>The antiforgery token of the first form in <paramref name="html"/>.</summary>
    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token in the page");

    /// <summary>A headless Debian chromium (shared by the tests; each test opens its own context).</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        if (_browser is not null)
        {
            return _browser;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchChromiumAsync(_playwright);
        return _browser;
    }

    /// <summary>Launches Debian's headless chromium.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        const string Chromium = "/usr/bin/chromium";
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: ./test.sh installs Debian's chromium (apt-get install chromium)");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>
    /// A page in a new browser context on <paramref name="address"/>. Its waits have a deadline of 120 s, not
    /// Playwright's 30 s: a deadline, not a measure. The suite's first sign-in (the browser's and the pages' cold
    /// start) passed 30 s on a loaded 2-core CI machine, with other test assemblies running beside it. For the same
    /// reason the web assertions' retries (Playwright's <c>Expect</c>, 5 s by default) run until 30 s.
    /// </summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri address)
    {
        Assertions.SetDefaultExpectTimeout(30_000);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        return await context.NewPageAsync();
    }

    /// <summary>A browser page signed in as <paramref name="account"/> through the login form.</summary>
    public async Task<IPage> SignedInPageAsync(TestAccount account)
    {
        var browser = await BrowserAsync();
        var page = await NewPageAsync(browser, Address);
        var posted = new List<string>();
        page.Response += (_, r) =>
        {
            if (r.Request.Method == "POST")
            {
                lock (posted)
                {
                    posted.Add($"{r.Status} {r.Url}");
                }
            }
        };
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=Name]", account.Name);
        await page.FillAsync("input[name=Password]", account.Password);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await LeavesAsync(page, "/login");
        }
        catch (PlaywrightException e)
        {
            // Say what the page shows, so a failure here names its cause.
            var error = string.Join(" / ", await page.Locator(".error").AllInnerTextsAsync());
            var name = await page.InputValueAsync("input[name=Name]");
            var password = (await page.InputValueAsync("input[name=Password]")).Length;
            await ScreenshotAsync(page, "sign-in-failed-" + account.Name);
            string responses;
            lock (posted)
            {
                responses = posted.Count == 0 ? "no POST answered" : string.Join(", ", posted);
            }

            throw new InvalidOperationException(
                $"the browser sign-in of {account.Name} stayed on {page.Url}: {responses}; error shown '{error}'; name field '{name}', password field {password} characters", e);
        }

        return page;
    }

    /// <summary>
    /// Waits (120 s at most) until the page's address contains <paramref name="part"/>, by polling the address.
    /// Not <c>WaitForURLAsync</c>: when the address already matches, that waits for the page's load event, and on the
    /// loaded 2-core CI machine it timed out there twice (at 30 s and at 120 s) with the page loaded, its log showing
    /// the network-idle event that comes after load. A later step that reads the page waits for what it reads.
    /// </summary>
    public static Task ReachesAsync(IPage page, string part) =>
        Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(part)), new PageAssertionsToHaveURLOptions { Timeout = 120_000 });

    /// <summary>Waits, as <see cref="ReachesAsync"/>, until the page's address no longer contains <paramref name="part"/>.</summary>
    public static Task LeavesAsync(IPage page, string part) =>
        Assertions.Expect(page).Not.ToHaveURLAsync(new Regex(Regex.Escape(part)), new PageAssertionsToHaveURLOptions { Timeout = 120_000 });

    /// <summary>Saves a full-page screenshot as a test artefact.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDir, name + ".png"), FullPage = true });

    private async Task FirstLoginAsync(string name, string oneTimePassword, string newPassword)
    {
        using var client = NewClient();
        var login = await PostFormAsync(client, "/login", new() { ["Name"] = name, ["Password"] = oneTimePassword });
        if (login.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"the first login of {name} answered {(int)login.StatusCode}");
        }

        var home = await client.GetAsync("/");
        if (home.Headers.Location?.OriginalString != "/account/password")
        {
            throw new InvalidOperationException($"an account on its one-time password was not sent to set its own ({home.Headers.Location})");
        }

        var set = await PostFormAsync(client, "/account/password", new() { ["Current"] = oneTimePassword, ["New"] = newPassword, ["Again"] = newPassword });
        if (set.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"setting the password of {name} answered {(int)set.StatusCode}: {await set.Content.ReadAsStringAsync()}");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

/// <summary>Every workbench test class shares the one case and server.</summary>
[CollectionDefinition(Name)]
public sealed class SharedWorkbench : ICollectionFixture<WorkbenchFixture>
{
    public const string Name = "workbench";
}
