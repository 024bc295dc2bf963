using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Metadata;

namespace Harrier.Operations.Triage;

/// <summary>
/// Writes the triage report (one self-contained HTML page, no media) into the case folder and returns the results
/// it shows; audited as <c>report.triage</c>.
/// </summary>
public sealed class WriteTriageReport(CaseStore store)
{
    /// <summary>Writes the report; refuses a case with no triage results.</summary>
    public async Task<WriteTriageReportResult> RunAsync(WriteTriageReportRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var rows = await new TriageStore(store).LoadAsync(cancellationToken);
        if (rows.Count == 0)
        {
            throw new OperationException("no triage results in this case; run 'harrier triage' first");
        }

        var path = Path.Combine(store.CaseDir, TriageReport.FileName);
        TriageReport.Write(path, store.Manifest.Name, context.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), rows);
        await store.RecordAsync(context.Intent("report.triage", request.Justification),
            string.Create(CultureInfo.InvariantCulture, $"{TriageReport.FileName}: {rows.Count} files"), cancellationToken);
        return new WriteTriageReportResult(path, [.. rows.Select(TriageFileView.From)]);
    }
}

/// <summary>Why the report is written.</summary>
public sealed record WriteTriageReportRequest(string? Justification = null);

/// <summary>The report's path and the results it shows.</summary>
public sealed record WriteTriageReportResult(string Report, IReadOnlyList<TriageFileView> Files);

/// <summary>One triaged file as the report's JSON shows it (no content, evidence id and facts only).</summary>
public sealed record TriageFileView(
    long EvidenceId,
    string ExhibitId,
    string RelPath,
    string Kind,
    string Status,
    string? Method,
    string? Bank,
    string? Scheme,
    string? Category,
    int? Distance,
    IReadOnlyList<string> Conflicts,
    int? RenditionGroup,
    int? SceneGroup,
    bool Representative,
    int? QueueRank,
    IReadOnlyList<string> Reasons,
    MediaMetadata? Metadata,
    string? Derived)
{
    internal static TriageFileView From(TriageRow r) => new(r.EvidenceId, r.ExhibitId, r.RelPath, r.Kind, r.Status, r.Method, r.Bank,
        r.Category?.Scheme, r.Category?.Code, r.Distance, r.Conflicts, r.RenditionGroup, r.SceneGroup, r.Representative, r.QueueRank,
        r.Reasons, r.Metadata, r.Derived);
}
