using System.Security.Cryptography;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Matching.Triage;
using Harrier.Media.Features;
using Harrier.Operations;
using Harrier.Operations.Ingest;

namespace Harrier.Cases.Tests;

public sealed class TriageStoreTests
{
    private static string Md5(byte[] b) => Convert.ToHexStringLower(MD5.HashData(b));

    private static string Sha1(byte[] b) => Convert.ToHexStringLower(SHA1.HashData(b));

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Banks_ingest_and_triage_store_and_audit_on_both_databases(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        byte[] known = [1, 2, 3, 4], good = [5, 6, 7], other = [8, 9], broken = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        t.WriteEvidence("a/known.bin", known);
        t.WriteEvidence("a/good.cfg", good);
        t.WriteEvidence("b/other.txt", other);
        t.WriteEvidence("b/broken.jpg", broken);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        var banks = new BankStore(store);
        var vics = Path.Combine(t.Root, "bank.json");
        await File.WriteAllTextAsync(vics, $$"""
            {"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media","value":[
              {"MediaID":1,"MD5":"{{Md5(known).ToUpperInvariant()}}","Category":"1","MediaSize":"4","Custom":true}]}
            """);
        var csv = Path.Combine(t.Root, "other.csv");
        await File.WriteAllTextAsync(csv, $"md5,category\n{Md5(known)},2\n");
        var nsrl = Path.Combine(t.Root, "NSRLFile.txt");
        await File.WriteAllTextAsync(nsrl, $"\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"SpecialCode\"\n\"{Sha1(good).ToUpperInvariant()}\",\"{Md5(good).ToUpperInvariant()}\",\"0\",\"good.cfg\",3,1,\"1\",\"\"\n");
        await banks.ImportAsync(vics, "earlier", BankFormat.Auto, "tester", null, CancellationToken.None);
        await banks.ImportAsync(csv, "partner", BankFormat.Auto, "tester", null, CancellationToken.None);
        await banks.ImportAsync(nsrl, "nsrl", BankFormat.Auto, "tester", null, CancellationToken.None);
        await Assert.ThrowsAsync<CaseStoreException>(() => banks.ImportAsync(csv, "partner", BankFormat.Auto, "tester", null, CancellationToken.None));

        var listed = await banks.ListAsync(CancellationToken.None);
        Assert.Equal(["earlier", "partner", "nsrl"], listed.Select(b => b.Name));
        Assert.Equal(["vics", "csv", "nsrl"], listed.Select(b => b.Format));
        var entries = await banks.LoadEntriesAsync(CancellationToken.None);
        Assert.Contains("\"Custom\":true", entries[0].Entry.Raw, StringComparison.Ordinal); // the VICS record verbatim

        // Ingest is an operation now (Harrier.Operations); this store test only needs its rows.
        Task<IngestMediaResult> Ingest() =>
            IngestMedia.RunAsync(store, new OperationContext("tester", store.Time), new IngestMediaRequest("EX-1"), CancellationToken.None);
        var first = await Ingest();
        Assert.Equal(4, first.Ingested);
        Assert.Equal(1, first.Kinds[MediaKinds.Unreadable]); // JPEG magic, no image
        Assert.Contains(first.Unreadable, p => p.RelPath == "b/broken.jpg" && p.Reason.StartsWith("image does not decode", StringComparison.Ordinal));
        // A rerun leaves the good files alone and tries the broken one again, listing it again (issue 20.4).
        var again = await Ingest();
        Assert.Equal((1, 3), (again.Ingested, again.AlreadyIngested));
        Assert.Equal("b/broken.jpg", Assert.Single(again.Unreadable).RelPath);

        var summary = await new TriageStore(store).RunAsync("tester", null, null, CancellationToken.None);
        Assert.Equal(4, summary.Files);
        var rows = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        Assert.Equal(TriageStatus.Known, rows["a/known.bin"].Status);
        Assert.Equal("earlier", rows["a/known.bin"].Bank);
        Assert.Equal(new BankCategory("VICS-US", "1"), rows["a/known.bin"].Category);
        Assert.Equal(["partner: CSV:2"], rows["a/known.bin"].Conflicts); // the partner bank disagrees: kept, not overwritten
        Assert.Equal(TriageStatus.KnownGood, rows["a/good.cfg"].Status);
        Assert.Equal(TriageStatus.NotMedia, rows["b/other.txt"].Status);
        Assert.Equal(TriageStatus.Unreadable, rows["b/broken.jpg"].Status);

        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "banks.import" && e.Target.StartsWith("bank earlier: 1 entries", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "ingest.media");
        Assert.Contains(audit, e => e.Action == "triage.run");
        Assert.True((await store.Audit.VerifyAsync(CancellationToken.None)).Ok);
    }
}
