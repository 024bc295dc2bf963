using System.Collections.Concurrent;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Features;

namespace Harrier.Operations.Ingest;

/// <summary>
/// <c>ingest media</c>: <see cref="IngestFile"/> for every registered, not-yet-ingested file of an exhibit, on all
/// cores. Resumable and exactly once: a file's facts are written once, after they are complete, keyed by the evidence
/// row, in batches committed as they fill; a rerun skips what is done. Undecodable media is recorded with the reason.
/// Evidence files are opened read-only and checked against their registered size. Unless the request's thumbnails are
/// null, a blurred greyscale thumbnail (images) or keyframe strip (videos) is written under <c>CASE/derived/</c> and
/// nowhere else. The audit log gets a start and an end entry, counts only.
/// </summary>
public static class IngestMedia
{
    /// <summary>Runs <paramref name="request"/> on <paramref name="store"/>.</summary>
    /// <exception cref="CaseStoreException">No such exhibit.</exception>
    public static async Task<IngestMediaResult> RunAsync(CaseStore store, OperationContext context, IngestMediaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        if (request.MemoryBudgetBytes is < 1 || request.Parallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "the memory budget and the parallelism must be positive");
        }

        var started = context.Time.GetTimestamp();
        var exhibitId = request.ExhibitId;
        var exhibit = (await store.Evidence.ExhibitsAsync(cancellationToken)).FirstOrDefault(x => x.ExhibitId == exhibitId)
            ?? throw new CaseStoreException($"no exhibit {exhibitId} in this case");
        var files = (await store.Evidence.ListAsync(exhibitId, cancellationToken)).Where(f => f.Status == EvidenceStatus.Ok).ToList();
        // One budget for the whole run: however many files are decoded at once, their estimated working sets together stay
        // within it (a file waits for room; one that can never fit is refused with the reason and tried again next run).
        var budget = new MemoryBudget(request.MemoryBudgetBytes ?? MemoryBudget.DefaultCapacityBytes());
        var jobs = request.Parallelism ?? Environment.ProcessorCount;
        var job = new IngestFile(store, request.Thumbnails, budget, request.Limits);
        var factsStore = new MediaFactsStore(store);
        var done = await factsStore.IngestedAsync(cancellationToken);
        var pending = files.Where(f => !done.Contains(f.Id)).ToList();
        var derivedNote = request.Thumbnails is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"blurred greyscale thumbnails (≤ {t.MaxSide} px, blur σ {t.BlurSigma:0.##} px, {t.StripFrames}-frame strips)")
            : "no thumbnails";
        await store.RecordAsync(context.Intent("ingest.media.start", request.Justification), string.Create(CultureInfo.InvariantCulture, $"exhibit {exhibitId}: {pending.Count} of {files.Count} files to ingest; {derivedNote}"), cancellationToken);

        var kinds = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var problems = new ConcurrentBag<EvidenceProblem>();
        var notes = new ConcurrentBag<EvidenceProblem>();
        int withMetadata = 0, withGps = 0, withSerial = 0, thumbnails = 0, strips = 0;
        long processed = 0;
        var written = await ParallelPipeline.RunAsync(pending, jobs, MediaFactsStore.BatchSize * 4,
            async (file, ct) =>
            {
                var facts = await job.FactsAsync(exhibit, file, ct);
                kinds.AddOrUpdate(facts.Kind, 1, (_, c) => c + 1);
                if (facts.Error is not null)
                {
                    problems.Add(new EvidenceProblem(file.RelPath, facts.Error));
                }

                foreach (var note in facts.Notes)
                {
                    notes.Add(new EvidenceProblem(file.RelPath, note));
                }

                if (facts.Metadata is { } m)
                {
                    Count(ref withMetadata, m.HasFacts);
                    Count(ref withGps, m.HasGps);
                    Count(ref withSerial, m.CameraSerial is not null);
                }

                Count(ref thumbnails, facts.Derived is not null && facts.Kind == MediaKinds.Image);
                Count(ref strips, facts.Derived is not null && facts.Kind == MediaKinds.Video);
                context.Progress?.Report(new OperationProgress("ingest", Interlocked.Increment(ref processed), pending.Count));
                return facts;
            },
            factsStore.WriteAsync,
            cancellationToken);

        // Already ingested: every file this run did not store, so the counts add up to the files even when a file was stored by
        // another run between this run's listing and its write (its row is kept, this run's facts dropped).
        var result = new IngestMediaResult(exhibitId, files.Count, files.Count - written, written,
            new SortedDictionary<string, int>(kinds, StringComparer.Ordinal),
            [.. problems.OrderBy(p => p.RelPath, StringComparer.Ordinal)])
        {
            WithMetadata = withMetadata,
            WithGps = withGps,
            WithCameraSerial = withSerial,
            Thumbnails = thumbnails,
            KeyframeStrips = strips,
            Notes = [.. notes.OrderBy(p => p.RelPath, StringComparer.Ordinal).ThenBy(p => p.Reason, StringComparer.Ordinal)],
            Jobs = jobs,
            MemoryBudgetBytes = budget.CapacityBytes,
            PeakReservedBytes = budget.PeakBytes,
            ElapsedSeconds = context.Time.GetElapsedTime(started).TotalSeconds,
        };

        // Counts only: metadata values, media and file names never reach the audit log.
        await store.RecordAsync(context.Intent("ingest.media", request.Justification), string.Create(CultureInfo.InvariantCulture,
                $"exhibit {exhibitId}: {result.Ingested} ingested, {result.AlreadyIngested} already, {string.Join(", ", result.Kinds.Select(k => $"{k.Value} {k.Key}"))}, {result.Unreadable.Count} unreadable; metadata: {withMetadata} with facts, {withGps} with GPS, {withSerial} with a camera serial, {result.Notes.Count} notes; derived files written under {MediaFactsStore.DerivedFolder}/: {thumbnails} thumbnails, {strips} keyframe strips"), cancellationToken);
        return result;
    }

    private static void Count(ref int counter, bool condition)
    {
        if (condition)
        {
            Interlocked.Increment(ref counter);
        }
    }
}
