using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Media.Features;
using Harrier.Testing;

namespace Harrier.Cases.Tests;

/// <summary>
/// The files triage writes, from hand-built rows (no media, no clock: the generation time is passed in as text), against
/// approved snapshots: the HTML report and the VICS export.
/// </summary>
public sealed class TriageOutputSnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-triage-snapshots-").FullName;

    private static TriageRow Row(long id, string status, string kind, int? queueRank = null, BankCategory? category = null, int? renditionGroup = null, int? sceneGroup = null,
        IReadOnlyList<string>? conflicts = null, IReadOnlyList<string>? reasons = null) =>
        new(id, "EX-1", $"f{id}", 1000 + id, status, status == "unknown" ? null : "md5", status == "unknown" ? null : "vics", category, status == "near-duplicate" ? 12 : null,
            conflicts ?? [], renditionGroup, sceneGroup, renditionGroup is not null, queueRank, reasons ?? [], kind, 640, 480, kind == MediaKinds.Video ? 12.5 : null,
            kind == MediaKinds.Video ? "h264" : null);

    private static IReadOnlyList<TriageRow> Rows() =>
    [
        Row(1, "known", MediaKinds.Video, category: new BankCategory("VICS-US", "1"), renditionGroup: 1, sceneGroup: 1),
        Row(2, "near-duplicate", MediaKinds.Video, category: new BankCategory("VICS-US", "2"), renditionGroup: 1, sceneGroup: 1, conflicts: ["vics says 2, partner says 1"]),
        Row(3, "unknown", MediaKinds.Image, queueRank: 1, sceneGroup: 1, reasons: ["same scene as a known video", "<b>escaped</b> & kept"]),
        Row(4, "unknown", MediaKinds.Image, queueRank: 2),
        Row(5, "known-good", "document"),
    ];

    [Fact]
    public void The_triage_report_matches_its_snapshot()
    {
        var path = Path.Combine(_dir, TriageReport.FileName);
        TriageReport.Write(path, "Op Snapshot <test>", "2025-03-01T12:00:00Z", Rows());
        Snapshot.MatchFile("triage-report.html", path);
    }

    [Fact]
    public void The_vics_export_matches_its_snapshot_and_reads_back()
    {
        var files = Rows().ToDictionary(r => r.EvidenceId, r => new EvidenceFile(r.EvidenceId, r.ExhibitId, r.RelPath, EvidenceStatus.Ok, r.Size, null, null,
            r.EvidenceId.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), r.EvidenceId.ToString("x40", System.Globalization.CultureInfo.InvariantCulture), null, null));
        var path = Path.Combine(_dir, "export.vics.json");
        Assert.Equal(4, VicsExport.Write(path, Rows(), files));
        Snapshot.MatchFile("export.vics.json", path);
        Assert.Equal(4, BankReader.Read(path).Entries.Count);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
