using Harrier.Cases.Triage;

namespace Harrier.Web.Tests;

/// <summary>The grid store's keyset paging and filters over the fixture's case (what the pages call).</summary>
[Collection(SharedWorkbench.Name)]
public sealed class TriageGridPagingTests(WorkbenchFixture f)
{
    [Fact]
    public async Task Pages_forward_and_back_cover_every_file_once_in_evidence_id_order()
    {
        var grid = new TriageGridStore(f.Store);
        var whole = await TriageTestData.TilesAsync(f);
        Assert.True(whole.Count > 10, $"the tiny demo triaged only {whole.Count} files");
        const int Size = 4;

        var forward = new List<TriagePage>();
        long? after = null;
        do
        {
            var page = await grid.PageAsync(new TriageFilter(), after, null, Size, CancellationToken.None);
            Assert.Equal(whole.Count, page.Total);
            forward.Add(page);
            after = page.After;
        }
        while (after is not null);
        Assert.Equal(whole.Select(t => t.EvidenceId), forward.SelectMany(p => p.Tiles).Select(t => t.EvidenceId));
        Assert.Null(forward[0].Before);
        Assert.Equal((whole.Count + Size - 1) / Size, forward.Count);

        // Back from the last page with each page's Before key gives the same pages in reverse.
        var back = new List<TriagePage> { forward[^1] };
        while (back[^1].Before is { } before)
        {
            back.Add(await grid.PageAsync(new TriageFilter(), null, before, Size, CancellationToken.None));
        }

        Assert.Equal(forward.Select(p => string.Join(',', p.Tiles.Select(t => t.EvidenceId))), back.AsEnumerable().Reverse().Select(p => string.Join(',', p.Tiles.Select(t => t.EvidenceId))));
    }

    [Fact]
    public async Task Each_filter_returns_exactly_the_matching_files()
    {
        var grid = new TriageGridStore(f.Store);
        var whole = await TriageTestData.TilesAsync(f);
        async Task Check(TriageFilter filter, Func<TriageTile, bool> expected)
        {
            var page = await grid.PageAsync(filter, null, null, TriageGridStore.MaxPageSize, CancellationToken.None);
            Assert.Equal(whole.Where(expected).Select(t => t.EvidenceId), page.Tiles.Select(t => t.EvidenceId));
            Assert.Equal(whole.Count(expected), page.Total);
        }

        var status = whole.First(t => t.Status != whole[0].Status).Status;
        await Check(new TriageFilter(Status: status), t => t.Status == status);
        var bank = whole.First(t => t.Bank is not null).Bank;
        await Check(new TriageFilter(Bank: bank), t => t.Bank == bank);
        var rendition = whole.First(t => t.RenditionGroup is not null).RenditionGroup;
        await Check(new TriageFilter(RenditionGroup: rendition), t => t.RenditionGroup == rendition);
        var scene = whole.First(t => t.SceneGroup is not null).SceneGroup;
        await Check(new TriageFilter(SceneGroup: scene), t => t.SceneGroup == scene);
        await Check(new TriageFilter(FirstSeenOnly: true), t => t.QueueRank is not null);
        var category = whole.First(t => t.Category is not null).Category!.Value;
        await Check(new TriageFilter(Category: $"{category.Scheme}:{category.Code}"), t => t.Category == category);
        await Check(new TriageFilter(Category: TriageFilter.Uncategorised), t => t.Category is null);
        var bad = await Assert.ThrowsAsync<Harrier.Cases.CaseStoreException>(() => grid.PageAsync(new TriageFilter(Category: "1"), null, null, 10, CancellationToken.None));
        Assert.Contains("'1' is not SCHEME:CODE", bad.Message, StringComparison.Ordinal);
    }
}
