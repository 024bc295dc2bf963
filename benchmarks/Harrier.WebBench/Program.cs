using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Web;
using Harrier.Web.Accounts;
using Microsoft.Playwright;

// benchmarks/web-flow.sh: serves a COPY of a case (the benchmark adds an account to it), logs in with Debian's chromium and
// measures the whole-case payment-flow graph at each payment limit given: time from navigation to a drawn graph, then the
// frame times while the graph is panned and zoomed (requestAnimationFrame, 240 frames). Prints one JSON line per limit.
//   dotnet Harrier.WebBench.dll CASE_COPY VENDOR_DIR LIMIT...
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Harrier.WebBench CASE_COPY VENDOR_DIR LIMIT...");
    return 2;
}

var store = await CaseStore.OpenAsync(args[0], null, TimeProvider.System, CancellationToken.None);
var admin = new AccountAdmin(store);
var name = "bench-" + Guid.NewGuid().ToString("N")[..8];
var account = await admin.AddAsync(name, WorkbenchRoles.Analyst, null, "benchmark", "web-flow benchmark", CancellationToken.None);
await using var workbench = await Workbench.StartAsync(store, new WorkbenchOptions { Port = 0, VendorDir = args[1] }, CancellationToken.None);
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
});
var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = workbench.Address.ToString(), ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
var page = await context.NewPageAsync();
await page.GotoAsync("/login");
await page.FillAsync("input[name=Name]", name);
await page.FillAsync("input[name=Password]", account.OneTimePassword);
await page.ClickAsync("button[type=submit]");
await page.WaitForURLAsync("**/account/password");
var password = "bench-password-" + Guid.NewGuid().ToString("N");
await page.FillAsync("input[name=Current]", account.OneTimePassword);
await page.FillAsync("input[name=New]", password);
await page.FillAsync("input[name=Again]", password);
await page.ClickAsync("button[type=submit]");
await page.WaitForURLAsync(u => !u.Contains("/account/", StringComparison.Ordinal));

const string Frames = """
    async () => {
      const cy = window.harrierFlow;
      const times = [];
      let last = performance.now();
      for (let i = 0; i < 240; i++) {
        if (i < 120) cy.panBy({ x: (i % 40 < 20 ? 12 : -12), y: (i % 60 < 30 ? 6 : -6) });
        else cy.zoom({ level: cy.zoom() * (i % 40 < 20 ? 1.03 : 0.97), renderedPosition: { x: 800, y: 500 } });
        await new Promise(r => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      times.sort((a, b) => a - b);
      return { median: times[120], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1] };
    }
    """;
foreach (var limit in args.Skip(2).Select(a => int.Parse(a, CultureInfo.InvariantCulture)))
{
    var clock = Stopwatch.StartNew();
    await page.GotoAsync("/flow?max=" + limit.ToString(CultureInfo.InvariantCulture));
    await page.WaitForSelectorAsync("#flow[data-ready]", new PageWaitForSelectorOptions { Timeout = 120_000 });
    var loaded = clock.Elapsed.TotalMilliseconds;
    var nodes = await page.EvaluateAsync<int>("() => window.harrierFlow.nodes().length");
    var edges = await page.EvaluateAsync<int>("() => window.harrierFlow.edges().length");
    var frames = await page.EvaluateAsync<JsonElement>(Frames);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        limit, nodes, edges, loadMs = Math.Round(loaded), frameMedianMs = Math.Round(frames.GetProperty("median").GetDouble(), 1),
        frameP95Ms = Math.Round(frames.GetProperty("p95").GetDouble(), 1), frameMaxMs = Math.Round(frames.GetProperty("max").GetDouble(), 1),
    }));
}

await admin.RemoveAsync(name, "benchmark", null, CancellationToken.None);
return 0;
