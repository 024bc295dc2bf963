using System.Security.Cryptography;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Matching.Triage;
using Harrier.Operations;
using Harrier.Operations.Ingest;

namespace Harrier.Cases.Tests;

/// <summary>The workbench grid's queries on both databases: keyset pages, filters, analyst over bank category, the queue, groups, originals by id.</summary>
public sealed class TriageGridStoreTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Pages_filters_queue_groups_and_originals_read_on_both_databases(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        byte[] known = [1, 2, 3, 4];
        t.WriteEvidence("a/known.bin", known);
        t.WriteEvidence("a/one.txt", [5, 6, 7]);
        t.WriteEvidence("b/two.txt", [8, 9]);
        t.WriteEvidence("b/three.txt", [10, 11, 12, 13, 14]);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var bank = Path.Combine(t.Root, "bank.json");
        await File.WriteAllTextAsync(bank, $$"""
            {"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media","value":[
              {"MediaID":1,"MD5":"{{Convert.ToHexStringLower(MD5.HashData(known))}}","Category":1}]}
            """);
        await new BankStore(store).ImportAsync(bank, "earlier", BankFormat.Auto, "tester", null, CancellationToken.None);
        await IngestMedia.RunAsync(store, new OperationContext("tester", store.Time), new IngestMediaRequest("EX-1"), CancellationToken.None);
        await new TriageStore(store).RunAsync("tester", null, null, CancellationToken.None);
        var rows = (await new TriageStore(store).LoadAsync(CancellationToken.None)).OrderBy(r => r.EvidenceId).ToList();
        var knownId = rows.Single(r => r.RelPath == "a/known.bin").EvidenceId;
        var grid = new TriageGridStore(store);

        var first = await grid.PageAsync(new TriageFilter(), null, null, 3, CancellationToken.None);
        Assert.Equal(rows.Take(3).Select(r => r.EvidenceId), first.Tiles.Select(x => x.EvidenceId));
        Assert.Equal(4, first.Total);
        Assert.Null(first.Before);
        var second = await grid.PageAsync(new TriageFilter(), first.After, null, 3, CancellationToken.None);
        Assert.Equal([rows[3].EvidenceId], second.Tiles.Select(x => x.EvidenceId));
        Assert.Null(second.After);
        var back = await grid.PageAsync(new TriageFilter(), null, second.Before, 3, CancellationToken.None);
        Assert.Equal(first.Tiles.Select(x => x.EvidenceId), back.Tiles.Select(x => x.EvidenceId));

        var byStatus = await grid.PageAsync(new TriageFilter(Status: TriageStatus.Known), null, null, 10, CancellationToken.None);
        var tile = Assert.Single(byStatus.Tiles);
        Assert.Equal((knownId, "earlier", new BankCategory("VICS-US", "1")), (tile.EvidenceId, tile.Bank, tile.Category!.Value));
        Assert.Equal(["earlier"], (await grid.FilterValuesAsync(CancellationToken.None)).Banks);
        Assert.Equal(rows.Select(r => r.Status).Distinct().Order(StringComparer.Ordinal), (await grid.FilterValuesAsync(CancellationToken.None)).Statuses);
        Assert.Equal(3, (await grid.PageAsync(new TriageFilter(Category: TriageFilter.Uncategorised), null, null, 10, CancellationToken.None)).Total);

        // The analyst's category counts over the bank's, in the tiles and in the filter.
        await new MediaCategoryStore(store).SetAsync(knownId, new BankCategory("VICS-US", "0"), new AuditIntent("web:ana", "web.categorise"), CancellationToken.None);
        Assert.Equal(0, (await grid.PageAsync(new TriageFilter(Category: "VICS-US:1"), null, null, 10, CancellationToken.None)).Total);
        var mine = Assert.Single((await grid.PageAsync(new TriageFilter(Category: "VICS-US:0"), null, null, 10, CancellationToken.None)).Tiles);
        Assert.Equal((new BankCategory("VICS-US", "0"), new BankCategory("VICS-US", "1")), (mine.Category!.Value, mine.BankCategory!.Value));

        var (queue, queued) = await grid.FirstSeenAsync(0, 10, CancellationToken.None);
        Assert.Equal(rows.Count(r => r.QueueRank is not null), queued);
        Assert.Equal(queued, queue.Count);
        Assert.Equal(rows.Where(r => r.SceneGroup is not null).Select(r => r.SceneGroup).Distinct().Count(), (await grid.GroupsAsync(true, 0, 10, CancellationToken.None)).Total);
        Assert.Equal(rows.Where(r => r.RenditionGroup is not null).Select(r => r.RenditionGroup).Distinct().Count(), (await grid.GroupsAsync(false, 0, 10, CancellationToken.None)).Total);
        Assert.Null(await grid.DerivedFileAsync(knownId, CancellationToken.None)); // not a picture: nothing derived

        var original = await store.Evidence.OriginalAsync(knownId, CancellationToken.None);
        Assert.Equal(Path.GetFullPath(Path.Combine(t.EvidenceDir, "a", "known.bin")), original!.Value.Path);
        Assert.Null(await store.Evidence.OriginalAsync(rows.Max(r => r.EvidenceId) + 1, CancellationToken.None));
    }
}
