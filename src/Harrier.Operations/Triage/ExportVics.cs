using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;

namespace Harrier.Operations.Triage;

/// <summary>
/// Exports the case's triaged media as VICS 2.0 (US) JSON, no file names, with the analysts' latest categories over the
/// banks'; audited as <c>export.vics</c>.
/// </summary>
public sealed class ExportVics(CaseStore store)
{
    /// <summary>Writes <see cref="ExportVicsRequest.OutFile"/>; refuses a case with no triage results.</summary>
    public async Task<ExportVicsResult> RunAsync(ExportVicsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var rows = await new TriageStore(store).LoadAsync(cancellationToken);
        if (rows.Count == 0)
        {
            throw new OperationException("no triage results in this case; run 'harrier triage' first");
        }

        var files = new Dictionary<long, EvidenceFile>();
        foreach (var exhibit in await store.Evidence.ExhibitsAsync(cancellationToken))
        {
            foreach (var f in await store.Evidence.ListAsync(exhibit.ExhibitId, cancellationToken))
            {
                files[f.Id] = f;
            }
        }

        var analyst = await new MediaCategoryStore(store).LatestAsync(cancellationToken);
        var path = Path.GetFullPath(request.OutFile);
        int count;
        try
        {
            count = VicsExport.Write(path, rows, files, analyst.ToDictionary(a => a.Key, a => a.Value.Category));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OperationException($"cannot write {path}: {e.Message}");
        }

        await store.RecordAsync(context.Intent("export.vics", request.Justification),
            string.Create(CultureInfo.InvariantCulture, $"{count} media records to {path}"), cancellationToken);
        return new ExportVicsResult(path, count);
    }
}

/// <summary>The file to write.</summary>
public sealed record ExportVicsRequest(string OutFile, string? Justification = null);

/// <summary>The file written and how many media records it holds.</summary>
public sealed record ExportVicsResult(string Path, int Media);
