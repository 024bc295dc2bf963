using Harrier.Cases.Triage;
using Harrier.Matching.Banks;

namespace Harrier.Cases.Tests;

/// <summary>Analysts' categories (migration 14): every change a new row with the previous value, audited, the latest per file.</summary>
public sealed class TriageCategoryStoreTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_category_change_keeps_the_history_with_actor_time_and_previous_value_and_is_audited(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("a/one.bin", [1, 2, 3]);
        t.WriteEvidence("a/two.bin", [4, 5, 6]);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var files = await store.Evidence.ListAsync("EX-1", CancellationToken.None);
        var (one, two) = (files[0].Id, files[1].Id);
        var categories = new MediaCategoryStore(store);

        var first = await categories.SetAsync(one, new BankCategory("VICS-US", "2"), new AuditIntent("web:ana", "web.categorise"), CancellationToken.None);
        t.Time.Advance(TimeSpan.FromMinutes(3));
        var second = await categories.SetAsync(one, new BankCategory("vics-us", "0"), new AuditIntent("web:coord", "web.categorise"), CancellationToken.None);
        await categories.SetAsync(two, new BankCategory("VICS-US", "1"), new AuditIntent("web:ana", "web.categorise"), CancellationToken.None);

        Assert.Null(first.Previous);
        Assert.Equal(new BankCategory("VICS-US", "2"), second.Previous);
        Assert.Equal("VICS-US", second.Category.Scheme); // the scheme's own spelling, whatever was asked
        var history = await categories.HistoryAsync(one, CancellationToken.None);
        Assert.Equal([("2", (string?)null, "web:ana"), ("0", "2", "web:coord")], history.Select(h => (h.Category.Code, h.Previous?.Code, h.Actor)));
        Assert.True(string.CompareOrdinal(history[0].TimeUtc, history[1].TimeUtc) < 0, $"{history[0].TimeUtc} should be before {history[1].TimeUtc}");
        var latest = await categories.LatestAsync(CancellationToken.None);
        Assert.Equal("0", latest[one].Category.Code);
        Assert.Equal("1", latest[two].Category.Code);

        var audit = await store.Audit.ReadAsync(10, CancellationToken.None);
        Assert.Contains(audit, e => e.Actor == "web:coord" && e.Action == "web.categorise" && e.Target == $"evidence {one}: VICS-US:0 (was VICS-US:2)");
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == "web.categorise" && e.Target == $"evidence {one}: VICS-US:2 (was uncategorised)");
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_unknown_scheme_code_or_file_is_refused_naming_it_and_nothing_is_stored(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("a/one.bin", [1, 2, 3]);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var id = (await store.Evidence.ListAsync("EX-1", CancellationToken.None))[0].Id;
        var categories = new MediaCategoryStore(store);
        var intent = new AuditIntent("web:ana", "web.categorise");

        var code = await Assert.ThrowsAsync<CaseStoreException>(() => categories.SetAsync(id, new BankCategory("VICS-US", "7"), intent, CancellationToken.None));
        Assert.Contains("'7' is not a VICS-US code", code.Message, StringComparison.Ordinal);
        var scheme = await Assert.ThrowsAsync<CaseStoreException>(() => categories.SetAsync(id, new BankCategory("DHS", "1"), intent, CancellationToken.None));
        Assert.Contains("unknown category scheme 'DHS'", scheme.Message, StringComparison.Ordinal);
        var file = await Assert.ThrowsAsync<CaseStoreException>(() => categories.SetAsync(id + 1000, new BankCategory("VICS-US", "1"), intent, CancellationToken.None));
        Assert.Contains($"no evidence file {id + 1000}", file.Message, StringComparison.Ordinal);
        Assert.Empty(await categories.LatestAsync(CancellationToken.None));
        Assert.DoesNotContain(await store.Audit.ReadAsync(10, CancellationToken.None), e => e.Action == "web.categorise");
    }
}
