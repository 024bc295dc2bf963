using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Media.Imaging;

namespace Harrier.Operations.Ingest;

/// <summary>
/// Ingest one evidence file: its features from the media engine (<see cref="MediaFeatureExtractor"/>), its derived
/// picture under <c>CASE/derived/</c>, its row in <c>media_facts</c> (<see cref="MediaFactsStore"/>), exactly once. The
/// per-file job <see cref="IngestMedia"/> runs over an exhibit, and a worker can run alone.
/// </summary>
public sealed class IngestFile
{
    private readonly CaseStore _store;
    private readonly MediaFactsStore _facts;
    private readonly MediaFeatureExtractor _extractor;

    /// <summary>The job over <paramref name="store"/>, making derived pictures as <paramref name="thumbnails"/> says (null: none).</summary>
    internal IngestFile(CaseStore store, ThumbnailOptions? thumbnails)
    {
        ArgumentNullException.ThrowIfNull(store);
        thumbnails?.Validate();
        _store = store;
        _facts = new MediaFactsStore(store);
        _extractor = new MediaFeatureExtractor { Thumbnails = thumbnails };
    }

    /// <summary>
    /// Ingests the file of <paramref name="request"/> unless it is ingested already, and records it in the audit log
    /// (counts and kinds only, never names or metadata).
    /// </summary>
    /// <exception cref="CaseStoreException">No such exhibit or readable evidence file.</exception>
    public static async Task<IngestFileResult> RunAsync(CaseStore store, OperationContext context, IngestFileRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var exhibit = (await store.Evidence.ExhibitsAsync(cancellationToken)).FirstOrDefault(x => x.ExhibitId == request.ExhibitId)
            ?? throw new CaseStoreException($"no exhibit {request.ExhibitId} in this case");
        var file = await store.Evidence.FindAsync(request.ExhibitId, request.EvidenceId, cancellationToken) is { Status: EvidenceStatus.Ok } found
            ? found
            : throw new CaseStoreException($"no readable evidence file {request.EvidenceId} in exhibit {request.ExhibitId}");
        var job = new IngestFile(store, request.Thumbnails);
        if (await job._facts.LoadAsync(file.Id, cancellationToken) is { } before)
        {
            return new IngestFileResult(file.Id, file.RelPath, before.Kind, false) { Error = before.Error, Derived = before.Derived, Notes = before.Notes };
        }

        var facts = await job.FactsAsync(exhibit, file, cancellationToken);
        var written = await job._facts.WriteAsync([facts], cancellationToken) == 1;
        context.Progress?.Report(new OperationProgress("ingest", 1, 1));
        await store.RecordAsync(context.Intent("ingest.file", request.Justification), string.Create(CultureInfo.InvariantCulture, $"exhibit {exhibit.ExhibitId}: evidence {file.Id} {(written ? "ingested" : "already ingested")} as {facts.Kind}"), cancellationToken);
        return new IngestFileResult(file.Id, file.RelPath, facts.Kind, written) { Error = facts.Error, Derived = facts.Derived, Notes = facts.Notes };
    }

    /// <summary>
    /// The facts of one registered file (its features and its derived picture, written under the case folder), not yet
    /// stored: <see cref="IngestMedia"/> stores them in batches.
    /// </summary>
    internal async Task<MediaFacts> FactsAsync(Exhibit exhibit, EvidenceFile file, CancellationToken cancellationToken)
    {
        var path = File.Exists(exhibit.SourceRoot) ? exhibit.SourceRoot : Path.Combine(exhibit.SourceRoot, file.RelPath);
        var features = await _extractor.ExtractAsync(path, file.Size, cancellationToken);
        string? derived = null;
        if (features.Thumbnail is { } picture)
        {
            derived = _facts.TryWriteDerived(file.Id, features.Kind == MediaKinds.Video ? "strips" : "thumbs", picture, out var note);
            if (note is not null)
            {
                features = features with { Notes = [.. features.Notes, note] };
            }
        }

        // The picture is written; the stored facts never hold pixels.
        return new MediaFacts(file.Id, features with { Thumbnail = null }) { Derived = derived };
    }
}
