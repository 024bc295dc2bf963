using Harrier.Cases;
using Harrier.Cases.Keys;
using Harrier.Cases.Tests;
using Harrier.Operations.Audit;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary><see cref="ExportAuditCheckpoint"/> and <see cref="VerifyAudit"/>: neither is audited, and an unsigned case is refused unless allowed.</summary>
public sealed class AuditOperationsTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-audit-ops-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_checkpoint_is_written_verified_and_neither_step_appends_an_entry()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        await store.RecordAsync(new AuditIntent("analyst", "test.read"), "rows", None);
        var file = Path.Combine(_root, "checkpoint.json");

        var exported = await Audited.NoneAsync(store, () => new ExportAuditCheckpoint(store).RunAsync(new ExportAuditCheckpointRequest(file), None));
        var verified = await Audited.NoneAsync(store, () => new VerifyAudit(store).RunAsync(new VerifyAuditRequest(file), None));

        Assert.Equal(Path.GetFullPath(file), exported.File);
        Assert.Equal(2, exported.Checkpoint!.Seq);
        Assert.Equal(exported.Checkpoint, SignedAuditHead.TryParse(File.ReadAllText(file)));
        Assert.True(verified.Ok, verified.Problem);
        Assert.Equal(2, verified.CheckpointSeq);
        Assert.Equal(store.Key.Fingerprint, verified.KeyFingerprint);
    }

    [Fact]
    public async Task A_broken_chain_exports_no_checkpoint()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        File.Delete(Path.Combine(t.CaseDir, CaseFolder.AuditHeadFileName));
        File.Delete(Path.Combine(t.CaseDir, CaseFolder.AuditHeadNextFileName));
        var file = Path.Combine(_root, "checkpoint.json");

        var exported = await new ExportAuditCheckpoint(store).RunAsync(new ExportAuditCheckpointRequest(file), None);

        Assert.Null(exported.Checkpoint);
        Assert.False(exported.Verification.Ok);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_case_made_before_case_keys_is_not_ok_unless_unsigned_is_allowed()
    {
        var copy = Path.Combine(_root, "case");
        var fixture = TestPaths.InRepo("tests", "data", "fixtures", "v6", "case");
        foreach (var f in Directory.GetFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(fixture, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }

        var store = await CaseStore.OpenAsync(copy, null, TimeProvider.System, None);

        var refused = await new VerifyAudit(store).RunAsync(None);
        var allowed = await new VerifyAudit(store).RunAsync(new VerifyAuditRequest(AllowUnsigned: true), None);

        Assert.False(refused.Ok);
        Assert.Contains("intact but unsigned", refused.Problem);
        Assert.True(allowed.Ok, allowed.Problem);
        Assert.False(allowed.HeadSigned);
        Assert.Equal("unsigned: made before case keys", allowed.Note);
        Assert.False(store.IsSigned);
        Assert.Contains("made before case keys", Assert.Throws<CaseStoreException>(() => store.Key).Message);
        await Assert.ThrowsAsync<OperationException>(() => new ExportAuditCheckpoint(store).RunAsync(new ExportAuditCheckpointRequest(), None));
    }
}
