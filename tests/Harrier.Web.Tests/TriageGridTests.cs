using System.Text.Json;
using Harrier.Cases.Triage;
using Harrier.Cli;
using Microsoft.Playwright;

namespace Harrier.Web.Tests;

/// <summary>The triage grid in a real browser: decoded thumbnails, keyboard categorisation, one-at-a-time reveal.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class TriageGridTests(WorkbenchFixture f)
{
    private const string AllThumbsLoaded = "() => [...document.querySelectorAll('.tile img.thumb')].every(i => i.complete)";

    [Fact]
    public async Task The_grid_shows_decoded_blurred_thumbnails_with_status_bank_group_and_category()
    {
        var tiles = await TriageTestData.TilesAsync(f);
        var page = await f.SignedInPageAsync(f.Analyst);
        await page.GotoAsync("/triage");
        await page.WaitForFunctionAsync(AllThumbsLoaded);
        var shown = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('.tile')].map(t => {
                const img = t.querySelector('img.thumb');
                return { id: Number(t.dataset.id), kind: t.dataset.kind, text: t.innerText,
                         width: img ? img.naturalWidth : -1, height: img ? img.naturalHeight : -1 };
            })
            """);
        var onPage = shown.EnumerateArray().ToList();
        Assert.Equal(Math.Min(tiles.Count, Pages.Triage.IndexModel.PageSize), onPage.Count);
        Assert.Contains($"{tiles.Count} files match", await page.InnerTextAsync("#triage-count"), StringComparison.Ordinal);
        foreach (var (shownTile, stored) in onPage.Zip(tiles))
        {
            Assert.Equal(stored.EvidenceId, shownTile.GetProperty("id").GetInt64());
            var text = shownTile.GetProperty("text").GetString()!;
            Assert.Contains(stored.Status, text, StringComparison.Ordinal);
            Assert.Contains(stored.Bank ?? "no match", text, StringComparison.Ordinal);
            Assert.Contains(Pages.Triage.TileView.Describe(stored.Category), text, StringComparison.Ordinal);
            if (stored.RenditionGroup is { } rg)
            {
                Assert.Contains($"rendition {rg}", text, StringComparison.Ordinal);
            }

            if (stored.HasDerived)
            {
                // Decoded, and the derived size: at most 128 px a frame (a strip is five frames side by side).
                Assert.True(shownTile.GetProperty("width").GetInt32() > 0, $"thumbnail of {stored.EvidenceId} did not decode");
                Assert.True(shownTile.GetProperty("height").GetInt32() is > 0 and <= 128, $"thumbnail of {stored.EvidenceId} is {shownTile.GetProperty("height")} px high");
            }
            else
            {
                Assert.Contains("no picture", text, StringComparison.Ordinal);
            }
        }

        Assert.Contains(onPage, t => t.GetProperty("kind").GetString() == "image" && t.GetProperty("width").GetInt32() > 0);
        await Assertions.Expect(page.Locator("#legend")).ToContainTextAsync("Non-Pertinent");
        await WorkbenchFixture.ScreenshotAsync(page, "triage-grid");

        // The filters are GET forms over the same store: known only.
        var status = tiles.GroupBy(t => t.Status).OrderByDescending(g => g.Count()).First();
        await page.SelectOptionAsync("select[name=status]", status.Key);
        await page.ClickAsync("form.filters button[type=submit]");
        await WorkbenchFixture.ReachesAsync(page, "status=");
        Assert.Contains($"{status.Count()} files match", await page.InnerTextAsync("#triage-count"), StringComparison.Ordinal);
        Assert.Equal(Math.Min(status.Count(), Pages.Triage.IndexModel.PageSize), await page.Locator(".tile").CountAsync());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_first_seen_queue_shows_reasons_and_the_groups_show_representatives()
    {
        var tiles = await TriageTestData.TilesAsync(f);
        var queued = tiles.Where(t => t.QueueRank is not null).OrderBy(t => t.QueueRank).ThenBy(t => t.EvidenceId).ToList();
        var page = await f.SignedInPageAsync(f.Analyst);
        await page.GotoAsync("/triage/first-seen");
        await page.WaitForFunctionAsync(AllThumbsLoaded);
        var ids = await page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('.tile')].map(t => Number(t.dataset.id))");
        Assert.Equal(queued.Take(Pages.Triage.FirstSeenModel.PageSize).Select(t => t.EvidenceId), ids);
        Assert.NotEmpty(queued);
        Assert.Contains(queued[0].Reasons[0], await page.InnerTextAsync(".tile"), StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "triage-first-seen");

        await page.GotoAsync("/triage/groups?kind=scene");
        await page.WaitForFunctionAsync(AllThumbsLoaded);
        var scenes = tiles.Where(t => t.SceneGroup is not null).GroupBy(t => t.SceneGroup!.Value).OrderBy(g => g.Key).ToList();
        var groups = await page.EvaluateAsync<int[]>("() => [...document.querySelectorAll('.tile.group')].map(t => Number(t.dataset.group))");
        Assert.Equal(scenes.Take(Pages.Triage.GroupsModel.PageSize).Select(g => g.Key), groups);
        var first = scenes[0];
        var representative = first.FirstOrDefault(t => t.Representative) ?? first.MinBy(t => t.EvidenceId)!;
        Assert.Contains($"evidence {representative.EvidenceId}", await page.InnerTextAsync(".tile.group"), StringComparison.Ordinal);
        Assert.Contains($"{first.Count()}", await page.InnerTextAsync(".tile.group dd:nth-of-type(2)"), StringComparison.Ordinal);
        await WorkbenchFixture.ScreenshotAsync(page, "triage-groups");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_categorisation_is_stored_with_its_history_audited_and_exported_by_export_vics()
    {
        var page = await f.SignedInPageAsync(f.Analyst);
        await page.GotoAsync("/triage");
        await page.Keyboard.PressAsync("j");          // focus the first tile
        await page.Keyboard.PressAsync("ArrowRight"); // then the second
        var tile = page.Locator(".tile.focused");
        var id = long.Parse((await tile.GetAttributeAsync("data-id"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(id, long.Parse((await page.Locator(".tile").Nth(1).GetAttributeAsync("data-id"))!, System.Globalization.CultureInfo.InvariantCulture));
        // The two keys quickly, one after the other (the page sends them in order): the tile must end on the last.
        // Another test may have categorised this file already; the history below counts only this test's two rows.
        var before = (await new MediaCategoryStore(f.Store).HistoryAsync(id, CancellationToken.None)).Count;
        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("4");
        await Assertions.Expect(page.Locator("#triage-status")).ToContainTextAsync($"evidence {id}: VICS-US 4 saved");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-category", "VICS-US:4");
        await Assertions.Expect(tile.Locator(".cat")).ToHaveTextAsync("VICS-US 4 · Comparison Images");
        await WorkbenchFixture.ScreenshotAsync(page, "triage-categorised");

        var history = (await new MediaCategoryStore(f.Store).HistoryAsync(id, CancellationToken.None)).Skip(before).ToList();
        Assert.Equal([("2", "web:ana"), ("4", "web:ana")], history.Select(h => (h.Category.Code, h.Actor)));
        Assert.Equal("2", history[1].Previous?.Code);
        var audit = await f.Store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == "web.categorise" && e.Target == $"evidence {id}: VICS-US:4 (was VICS-US:2)");

        // harrier export vics: the analyst's latest category, by the file's digests.
        var file = (await f.Store.Evidence.OriginalAsync(id, CancellationToken.None))!.Value.File;
        var vics = Path.Combine(f.Root, $"export-{id}.vics.json");
        using var output = new StringWriter();
        var code = await HarrierApp.RunAsync(["export", "vics", "--out", vics, "--case", f.CaseDir], new CliHost(output, output, TimeProvider.System) { Interactive = false });
        Assert.True(code == 0, $"export vics exited {code}: {output}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(vics));
        var record = json.RootElement.GetProperty("value").EnumerateArray().Single(m => m.GetProperty("MD5").GetString() == file.Md5);
        Assert.Equal(4, record.GetProperty("Category").GetInt32());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Reveal_shows_one_unblurred_original_at_a_time_blurs_it_again_on_its_own_and_is_audited()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        var facts = await new MediaFactsStore(f.Store).LoadAsync(image.EvidenceId, CancellationToken.None);
        var page = await f.SignedInPageAsync(f.Analyst);
        await page.Clock.InstallAsync();
        await page.GotoAsync("/triage");
        await page.WaitForFunctionAsync(AllThumbsLoaded);
        var imageTile = page.Locator($".tile[data-id='{image.EvidenceId}']");
        var thumbWidth = await imageTile.Locator("img.thumb").EvaluateAsync<int>("i => i.naturalWidth");

        await imageTile.Locator(".reveal-button").ClickAsync();
        var revealed = page.Locator("#reveal img#revealed-media");
        await Assertions.Expect(revealed).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#revealed-media'); return i && i.complete && i.naturalWidth > 0; }");
        var width = await revealed.EvaluateAsync<int>("i => i.naturalWidth");
        Assert.Equal(facts!.Width, width); // the original, not the ≤ 128 px thumbnail
        Assert.True(width > thumbWidth, $"revealed {width} px, thumbnail {thumbWidth} px");
        Assert.Equal("none", await revealed.EvaluateAsync<string>("i => getComputedStyle(i).filter"));
        await WorkbenchFixture.ScreenshotAsync(page, "triage-revealed");

        // Revealing another item blurs the first again: only one original is ever on screen.
        var onPage = await page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('.tile')].map(t => Number(t.dataset.id))");
        var video = (await TriageTestData.TilesAsync(f)).FirstOrDefault(t => t.Kind == "video" && onPage.Contains(t.EvidenceId))
            ?? throw new InvalidOperationException("the grid's first page of the tiny demo shows no video");
        await page.Locator($".tile[data-id='{video.EvidenceId}'] .reveal-button").ClickAsync();
        await Assertions.Expect(page.Locator("#reveal")).ToHaveAttributeAsync("data-id", video.EvidenceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#reveal video#revealed-media")).ToHaveCountAsync(1);
        Assert.True(await page.Locator("#revealed-media").EvaluateAsync<bool>("v => v.muted && v.defaultMuted"), "a revealed video must start muted");
        await Assertions.Expect(page.Locator("#revealed-media")).ToHaveCountAsync(1);
        await Assertions.Expect(imageTile).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("revealed"));

        // Blurred again on its own after WorkbenchOptions.RevealFor, with the page's clock run forward (no waiting).
        var revealFor = ((WorkbenchOptions)f.Workbench.Services.GetService(typeof(WorkbenchOptions))!).RevealFor;
        await page.Clock.RunForAsync((long)(revealFor - TimeSpan.FromSeconds(1)).TotalMilliseconds);
        await Assertions.Expect(page.Locator("#revealed-media")).ToHaveCountAsync(1);
        await page.Clock.RunForAsync((long)TimeSpan.FromSeconds(2).TotalMilliseconds);
        await Assertions.Expect(page.Locator("#revealed-media")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#reveal")).ToBeHiddenAsync();
        await WorkbenchFixture.ScreenshotAsync(page, "triage-reblurred");

        var audit = await f.Store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == "web.media.reveal" && e.Target.StartsWith($"evidence {image.EvidenceId} ", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == "web.media.reveal" && e.Target == $"evidence {video.EvidenceId} (video)");
        await page.Context.CloseAsync();
    }
}
