using Harrier.Cases.Returns;

namespace Harrier.Cases.Tests;

/// <summary>The returns tables' write side read back through the read side the persons engine uses, and a file imported once.</summary>
public sealed class ReturnsStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static Task<long> ImportAsync(CaseStore store, ReturnsImportSource source, Func<ReturnsImportWriter, Task> rows) =>
        store.WriteAsync(new AuditIntent("analyst", "returns.import"), async (w, ct) =>
        {
            var writer = await ReturnsStore.BeginImportAsync(w, source, "analyst", ct);
            await rows(writer);
            await writer.CompleteAsync(ct);
            return writer.ImportId;
        }, id => $"returns import {id}", None);

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Rows_written_read_back_field_for_field_and_the_same_file_is_refused_naming_the_earlier_import(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var kyc = new ReturnedKyc(0, 0, "ignored", 2, "nordcoin", "C-1", new string('a', 64), 1, "bcrt1qx", "Testa Sample", "Testa", "Sample", "1980-01-02",
            "1 Example Road", "Sampletown", "ZZ-0001", "SE", "passport", "TEST-00000001", "10.1.2.3", "2024-01-02T03:04:05.0000000Z", "nordcoin", ["dep-1", "dep-2"]);
        var untied = kyc with { CustomerId = "C-2", Line = 3, RequestActor = null, DepositAddresses = [], FullName = null };
        var id = await ImportAsync(store, new ReturnsImportSource("nordcoin.csv", new string('F', 64), "kyc", "csv"), async w =>
        {
            await w.AddAsync(kyc, None);
            await w.AddAsync(untied, None);
        });
        var sub = new ReturnedSubscriber(0, 0, "ignored", 2, "de-net1", "10.1.0.42", "2024-05-05T03:58:36.0000000Z", "2024-05-28T03:58:36.0000000Z", "SUB-1",
            "Proxima Sample", null, null, null, "88 Sample Way", "Mockford", "ZZ-4872", "DE", "fixed broadband", null);
        var ispId = await ImportAsync(store, new ReturnsImportSource("isp.csv", new string('e', 64), "isp", "csv"), w => w.AddAsync(sub, None));

        var returns = new ReturnsStore(store);
        var imports = await returns.ImportsAsync(None);
        Assert.Equal([(id, "nordcoin.csv", new string('f', 64), "kyc", 2L, 1L), (ispId, "isp.csv", new string('e', 64), "isp", 1L, 0L)],
            imports.Select(i => (i.ImportId, i.FileName, i.Sha256, i.Kind, i.Rows, i.RowsTied)));
        var rows = await returns.KycAsync(None);
        Assert.Equal(2, rows.Count);
        Assert.Equal(kyc with { Id = rows[0].Id, ImportId = id, FileName = "nordcoin.csv", DepositAddresses = rows[0].DepositAddresses }, rows[0]);
        Assert.Equal(["dep-1", "dep-2"], rows[0].DepositAddresses);
        Assert.Equal((null, 0), (rows[1].RequestActor, rows[1].DepositAddresses.Count));
        var s = Assert.Single(await returns.SubscribersAsync(None));
        Assert.Equal(sub with { Id = s.Id, ImportId = ispId, FileName = "isp.csv" }, s);
        Assert.Equal(imports[0], await returns.FindAsync(new string('F', 64), None));

        var refused = await Assert.ThrowsAsync<CaseStoreException>(() =>
            ImportAsync(store, new ReturnsImportSource("renamed.csv", new string('f', 64), "kyc", "csv"), w => w.AddAsync(kyc, None)));
        Assert.Contains($"already imported as returns import {id}", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await returns.ImportsAsync(None)).Count);
        Assert.Equal(2, (await returns.KycAsync(None)).Count);
    }
}
