using System.Collections.Concurrent;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Operations.Ingest;

namespace Harrier.Operations.Triage;

/// <summary>
/// The hypotheses step of triage (issue 21.6; videos since the video part of 21.2–21.4): for the images and videos nothing
/// else matched that have none stored, the centre and off-centre crops, small rotations and content-inside-content hashes
/// of an image, and the off-centre, small-rotation and inset hashes of a bounded set of a video's sampled frames
/// (<see cref="MediaFeatureExtractor.HypothesesAsync"/>), from each evidence file opened read-only and checked against
/// its registration exactly as ingest opens it; stored once in <c>media_facts</c> (batches committed as they fill), so a
/// later triage reads them back. Files run in parallel, one decoded picture (or one video decode, a frame at a time) per
/// job under one memory budget; a file that
/// is missing, changed or no longer decodes is an error naming it, and the others go on. Progress is reported as stage
/// <c>hypotheses</c>; the audit log gets the count of files to do before the work starts (counts only).
/// </summary>
internal sealed class ComputeImageHypotheses(CaseStore store, OperationContext context, string? justification)
{
    /// <summary>Computes and stores the hypotheses of <paramref name="files"/>, all images; returns the files it could not do.</summary>
    public Task<IReadOnlyList<TriageFileError>> RunAsync(IReadOnlyList<EvidenceFile> files, CancellationToken cancellationToken) =>
        RunAsync(files, new HashSet<long>(), cancellationToken);

    /// <summary>Computes and stores the hypotheses of <paramref name="files"/> (<paramref name="videos"/>: the ids of the videos among them); returns the files it could not do.</summary>
    public async Task<IReadOnlyList<TriageFileError>> RunAsync(IReadOnlyList<EvidenceFile> files, IReadOnlySet<long> videos, CancellationToken cancellationToken)
    {
        var videoCount = files.Count(f => videos.Contains(f.Id));
        await store.RecordAsync(context.Intent("triage.hypotheses.start", justification), string.Create(CultureInfo.InvariantCulture,
            $"{files.Count - videoCount} images and {videoCount} videos nothing else matched to compute hypotheses for"), cancellationToken);
        var exhibits = (await store.Evidence.ExhibitsAsync(cancellationToken)).ToDictionary(x => x.ExhibitId, StringComparer.Ordinal);
        var budget = new MemoryBudget(MemoryBudget.DefaultCapacityBytes());
        var extractor = new MediaFeatureExtractor { Thumbnails = null, Budget = budget };
        var facts = new MediaFactsStore(store);
        var errors = new ConcurrentBag<TriageFileError>();
        long done = 0;
        context.Progress?.Report(new OperationProgress("hypotheses", 0, files.Count));
        await ParallelPipeline.RunAsync(files, Environment.ProcessorCount, MediaFactsStore.BatchSize * 4,
            async (file, ct) =>
            {
                var (features, error) = exhibits.TryGetValue(file.ExhibitId, out var exhibit)
                    ? await IngestFile.ReadRegisteredAsync(exhibit, file, extractor.HypothesesAsync, ct)
                    : (null, "its exhibit is not in this case");
                error ??= features!.Error;
                if (error is not null)
                {
                    errors.Add(new TriageFileError(file.Id, file.ExhibitId, file.RelPath,
                        (videos.Contains(file.Id) ? "video" : "image") + " hypotheses not computed: " + error + "; triaged without them, tried again at the next triage"));
                }

                context.Progress?.Report(new OperationProgress("hypotheses", Interlocked.Increment(ref done), files.Count));
                return (file.Id, error is null ? features! : new MediaFeatures(MediaKinds.Unreadable, null) { Error = error });
            },
            facts.WriteHypothesesAsync,
            cancellationToken);
        return [.. errors.OrderBy(e => e.ExhibitId, StringComparer.Ordinal).ThenBy(e => e.RelPath, StringComparer.Ordinal)];
    }
}
