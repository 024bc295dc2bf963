using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Web;
using Harrier.Web.Accounts;
using Microsoft.Playwright;

// benchmarks/web-flow.sh: serves a COPY of a case (the benchmark adds an account to it), logs in with Debian's chromium and
// measures the whole-case payment-flow graph at each payment limit given: time from navigation to a drawn graph, then the
// frame times while the graph is dragged and wheel-zoomed with real mouse events. Prints one JSON line per limit.
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

// Frame times while a person pans (mouse drag) and zooms (wheel) over the graph: real input events, so Cytoscape takes
// its interactive path (textures, edges hidden while moving), recorded by a requestAnimationFrame loop in the page.
const string StartFrames = """
    () => {
      window.__frames = []; window.__stop = false;
      const loop = (t) => { window.__frames.push(t); if (!window.__stop) requestAnimationFrame(loop); };
      requestAnimationFrame(loop);
    }
    """;
const string StopFrames = """
    () => {
      window.__stop = true;
      const f = window.__frames, d = [];
      for (let i = 1; i < f.length; i++) d.push(f[i] - f[i - 1]);
      d.sort((a, b) => a - b);
      return { frames: d.length, median: d[Math.floor(d.length / 2)], p95: d[Math.floor(d.length * 0.95)], max: d[d.length - 1] };
    }
    """;

async Task<JsonElement> GestureFramesAsync(IPage p)
{
    var box = (await p.Locator("#flow").BoundingBoxAsync())!;
    var (cx, cy) = (box.X + box.Width / 2, box.Y + box.Height / 2);
    await p.EvaluateAsync(StartFrames);
    await p.Mouse.MoveAsync((float)cx, (float)cy);
    await p.Mouse.DownAsync();
    for (var i = 0; i < 60; i++)
    {
        await p.Mouse.MoveAsync((float)(cx + 150 * Math.Sin(i / 6.0)), (float)(cy + 80 * Math.Cos(i / 6.0)), new MouseMoveOptions { Steps = 2 });
    }

    await p.Mouse.UpAsync();
    for (var i = 0; i < 30; i++)
    {
        await p.Mouse.WheelAsync(0, i < 15 ? -120 : 120);
    }

    return await p.EvaluateAsync<JsonElement>(StopFrames);
}

foreach (var limit in args.Skip(2).Select(a => int.Parse(a, CultureInfo.InvariantCulture)))
{
    var clock = Stopwatch.StartNew();
    await page.GotoAsync("/flow?max=" + limit.ToString(CultureInfo.InvariantCulture));
    await page.WaitForSelectorAsync("#flow[data-ready]", new PageWaitForSelectorOptions { Timeout = 120_000 });
    var loaded = clock.Elapsed.TotalMilliseconds;
    var nodes = await page.EvaluateAsync<int>("() => window.harrierFlow.nodes().length");
    var edges = await page.EvaluateAsync<int>("() => window.harrierFlow.edges().length");
    var frames = await GestureFramesAsync(page);
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        limit, nodes, edges, loadMs = Math.Round(loaded), frames = frames.GetProperty("frames").GetInt32(), frameMedianMs = Math.Round(frames.GetProperty("median").GetDouble(), 1),
        frameP95Ms = Math.Round(frames.GetProperty("p95").GetDouble(), 1), frameMaxMs = Math.Round(frames.GetProperty("max").GetDouble(), 1),
    }));
}

await admin.RemoveAsync(name, "benchmark", null, CancellationToken.None);
return 0;
