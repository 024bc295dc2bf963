using System.Collections.Concurrent;
using System.Security.Cryptography;
using Harrier.Cases;
using Harrier.Cases.Tests;
using Harrier.Matching.Triage;
using Harrier.Operations.Audit;
using Harrier.Operations.Banks;
using Harrier.Operations.Cases;
using Harrier.Operations.Evidence;
using Harrier.Operations.Triage;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>The case, evidence, audit, bank and triage operations on real SQLite (and PostgreSQL under ./test.sh).</summary>
public sealed class CaseOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(TestCase Case, CaseStore Store, OperationContext Ctx)> InitAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var ctx = new OperationContext("analyst", t.Time);
        var created = await InitCase.RunAsync(new InitCaseRequest(t.CaseDir, "Operation Ops", t.ConnectionString), ctx, None);
        Assert.Equal("Operation Ops", created.Summary.Name);
        Assert.Equal(1, created.Summary.AuditEntries);
        var store = await t.OpenAsync();
        var entry = Assert.Single(await store.Audit.ReadAsync(null, None));
        Assert.Equal(("case.init", "analyst"), (entry.Action, entry.Actor));
        var head = Harrier.Cases.Keys.SignedAuditHead.TryParse(File.ReadAllText(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName)))!;
        Assert.Equal((1L, entry.Hash, created.KeyFingerprint), (head.Seq, head.Hash, head.KeyFingerprint));
        Assert.Equal(Path.Combine(TestKeyStore.Directory, created.Summary.CaseId + ".key"), created.KeyFile);
        return (t, store, ctx);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Evidence_operations_audit_each_step_and_reads_of_metadata_are_not_audited(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        t.WriteEvidence("a.txt", "abc"u8.ToArray());
        t.WriteEvidence("d/b.bin", [1, 2, 3]);
        // Names as a seized disk has them (issue 20.2): not UTF-8, NFC beside NFD, a newline, an RTL override.
        foreach (var (name, i) in RawNames.All.Select((n, i) => (n.Name, i)))
        {
            RawNames.Write(t.EvidenceDir, name, [(byte)i]);
        }

        var progress = new ConcurrentQueue<OperationProgress>();
        var withProgress = ctx with { Progress = new SyncProgress(progress.Enqueue) };

        var added = await Audited.ExactlyAsync(store,
            () => new AddEvidence(store).RunAsync(new AddEvidenceRequest(t.EvidenceDir, "EX-1", "test", "why"), withProgress, None),
            "evidence.add.start", "evidence.add");
        Assert.Equal((9, 9, 0), (added.Found, added.Registered, added.AlreadyRecorded));
        Assert.Empty(added.Unreadable);
        Assert.Contains(progress, p => p.Stage == "hash" && p.Done == 9);

        var verified = await Audited.ExactlyAsync(store,
            () => new VerifyEvidence(store).RunAsync(new VerifyEvidenceRequest(), ctx, None), "evidence.verify");
        Assert.True(verified.Intact);
        Assert.Equal(9, verified.Unchanged);

        var listed = await Audited.ExactlyAsync(store,
            () => new ListEvidence(store).RunAsync(new ListEvidenceRequest("EX-1", "review"), ctx, None), "evidence.list");
        Assert.Contains(listed.Files, f => f.Sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        foreach (var (name, escaped) in RawNames.All)
        {
            // Each name its own row, hashed; the bytes travel (base64) only where the shown form holds an escape.
            var f = Assert.Single(listed.Files, f => f.RelPath == escaped);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([(byte)Array.FindIndex(RawNames.All, n => n.Shown == escaped)])), f.Sha256);
            Assert.Equal(EvidenceName.IsVerbatim(escaped) ? null : Convert.ToBase64String(name), f.RelPathBase64);
        }

        var entry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.Equal(("EX-1: 9 rows", "review"), (entry.Target, entry.Justification));

        var info = await Audited.NoneAsync(store, () => new ShowCase(store).RunAsync(None));
        Assert.Equal(9, info.Summary.Files);
        Assert.Equal("EX-1", Assert.Single(info.Exhibits).ExhibitId);
        var audit = await Audited.NoneAsync(store, () => new VerifyAudit(store).RunAsync(None));
        Assert.True(audit.Ok);
        var shown = await Audited.NoneAsync(store, () => new ShowAudit(store).RunAsync(new ShowAuditRequest(Tail: 2), None));
        Assert.Equal(["evidence.verify", "evidence.list"], shown.Entries.Select(e => e.Action));

        // A registration refused inside its first write (another source under the same exhibit) leaves nothing.
        var other = Directory.CreateDirectory(Path.Combine(t.Root, "other")).FullName;
        await Audited.NothingAsync<CaseStoreException>(store,
            () => new AddEvidence(store).RunAsync(new AddEvidenceRequest(other, "EX-1"), ctx, None));
        Assert.Equal(1, (await store.SummaryAsync(None)).Exhibits);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Bank_triage_report_and_export_each_write_one_audit_entry_with_their_change(string backend)
    {
        var (t, store, ctx) = await InitAsync(backend);
        await using var _ = t;
        byte[] known = [1, 2, 3, 4];
        t.WriteEvidence("known.bin", known);
        t.WriteEvidence("other.bin", [9, 9]);
        await new AddEvidence(store).RunAsync(new AddEvidenceRequest(t.EvidenceDir, "EX-1"), ctx, None);
        var csv = Path.Combine(t.Root, "bank.csv");
        await File.WriteAllTextAsync(csv, $"md5,category\n{Convert.ToHexStringLower(MD5.HashData(known))},2\n");

        // No triage yet: report and export refuse, and write nothing.
        var vics = Path.Combine(t.Root, "out.json");
        await Audited.NothingAsync<OperationException>(store,
            () => new WriteTriageReport(store).RunAsync(new WriteTriageReportRequest(), ctx, None));
        await Audited.NothingAsync<OperationException>(store,
            () => new ExportVics(store).RunAsync(new ExportVicsRequest(vics), ctx, None));
        Assert.False(File.Exists(vics));

        var bank = await Audited.ExactlyAsync(store,
            () => new ImportBank(store).RunAsync(new ImportBankRequest(csv, "partner", Justification: "seized"), ctx, None), "banks.import");
        Assert.Equal(1, bank.Entries);
        var importEntry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.StartsWith("bank partner: 1 entries", importEntry.Target, StringComparison.Ordinal);

        // A second bank of the same name is refused inside the write scope: no second bank, no audit entry.
        await Audited.NothingAsync<CaseStoreException>(store,
            () => new ImportBank(store).RunAsync(new ImportBankRequest(csv, "partner"), ctx, None));
        var banks = await Audited.NoneAsync(store, () => new ListBanks(store).RunAsync(None));
        Assert.Equal(["partner"], banks.Banks.Select(b => b.Name));

        var summary = await Audited.ExactlyAsync(store,
            () => new RunTriage(store).RunAsync(new RunTriageRequest("queue"), ctx, None), "triage.run");
        Assert.Equal(2, summary.Files);
        Assert.Equal(1, summary.ByStatus[TriageStatus.Known]);

        var report = await Audited.ExactlyAsync(store,
            () => new WriteTriageReport(store).RunAsync(new WriteTriageReportRequest(), ctx, None), "report.triage");
        Assert.True(File.Exists(report.Report));
        Assert.Equal(2, report.Files.Count);
        Assert.Equal("partner", report.Files.Single(f => f.RelPath == "known.bin").Bank);

        var exported = await Audited.ExactlyAsync(store,
            () => new ExportVics(store).RunAsync(new ExportVicsRequest(vics), ctx, None), "export.vics");
        Assert.Equal(vics, exported.Path);
        Assert.True(File.Exists(vics));
    }

    private sealed class SyncProgress(Action<OperationProgress> report) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => report(value);
    }
}
