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
                var features = await ComputeAsync(exhibits.GetValueOrDefault(file.ExhibitId), file, extractor, ct);
                if (features.Error is { } error)
                {
                    errors.Add(new TriageFileError(file.Id, file.ExhibitId, file.RelPath, ErrorText(videos.Contains(file.Id), error)));
                }

                context.Progress?.Report(new OperationProgress("hypotheses", Interlocked.Increment(ref done), files.Count));
                return (file.Id, features);
            },
            facts.WriteHypothesesAsync,
            cancellationToken);
        return [.. errors.OrderBy(e => e.ExhibitId, StringComparer.Ordinal).ThenBy(e => e.RelPath, StringComparer.Ordinal)];
    }

    /// <summary>What triage reports for a file whose hypotheses could not be computed (<paramref name="error"/>: why).</summary>
    internal static string ErrorText(bool video, string error) =>
        (video ? "video" : "image") + " hypotheses not computed: " + error + "; triaged without them, tried again at the next triage";

    /// <summary>
    /// The hypotheses of one registered file (null <paramref name="exhibit"/>: its exhibit is gone), read as ingest reads it;
    /// on failure, features of kind unreadable whose <see cref="MediaFeatures.Error"/> says why (the store skips them).
    /// </summary>
    internal static async Task<MediaFeatures> ComputeAsync(Exhibit? exhibit, EvidenceFile file, MediaFeatureExtractor extractor, CancellationToken cancellationToken)
    {
        var (features, error) = exhibit is not null
            ? await IngestFile.ReadRegisteredAsync(exhibit, file, extractor.HypothesesAsync, cancellationToken)
            : (null, "its exhibit is not in this case");
        error ??= features!.Error;
        return error is null ? features! : new MediaFeatures(MediaKinds.Unreadable, null) { Error = error };
    }
}

/// <summary>
/// The hypotheses step of triage for one file (<see cref="ComputeImageHypotheses"/>): computed from the evidence file read as
/// ingest reads it, and stored in its <c>media_facts</c> row unless some are stored already (a second run, or a retry on
/// another machine, changes nothing). The cluster's per-file work of <c>harrier cluster triage</c>; the audit entries are
/// the triage's (the count of files before, the run after), not one per file.
/// </summary>
public static class HypothesiseFile
{
    /// <summary>
    /// Computes and stores the hypotheses of evidence file <paramref name="evidenceId"/> of exhibit <paramref name="exhibitId"/>
    /// (<paramref name="budget"/>: the decode memory budget shared by the caller's jobs); returns what it did, or why it could not.
    /// </summary>
    public static async Task<HypothesiseFileResult> RunAsync(CaseStore store, string exhibitId, long evidenceId, MemoryBudget? budget, CancellationToken cancellationToken) =>
        (await RunBatchAsync(store, exhibitId, [evidenceId], budget, cancellationToken)).Single();

    /// <summary>
    /// The hypotheses of several files of one exhibit (a cluster lease), computed one after the other and stored together
    /// (transactions of up to <see cref="MediaFactsStore.BatchSize"/>), as single-process triage stores them; one result
    /// per id, in order.
    /// </summary>
    public static async Task<IReadOnlyList<HypothesiseFileResult>> RunBatchAsync(CaseStore store, string exhibitId, IReadOnlyList<long> evidenceIds,
        MemoryBudget? budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(evidenceIds);
        var exhibit = (await store.Evidence.ExhibitsAsync(cancellationToken)).FirstOrDefault(x => x.ExhibitId == exhibitId);
        var facts = new MediaFactsStore(store);
        var extractor = new MediaFeatureExtractor { Thumbnails = null, Budget = budget };
        var results = new HypothesiseFileResult[evidenceIds.Count];
        var computed = new List<(int Index, long Id, MediaFeatures Features)>();
        for (var i = 0; i < results.Length; i++)
        {
            var id = evidenceIds[i];
            var file = exhibit is null ? null : await store.Evidence.FindAsync(exhibitId, id, cancellationToken);
            if (file is not { Status: EvidenceStatus.Ok })
            {
                results[i] = new HypothesiseFileResult(id, null, false, $"no readable evidence file {id} in exhibit {exhibitId}");
                continue;
            }

            if (!await facts.LacksHypothesesAsync(file.Id, cancellationToken))
            {
                results[i] = new HypothesiseFileResult(file.Id, file.RelPath, false, null);
                continue;
            }

            var features = await ComputeImageHypotheses.ComputeAsync(exhibit, file, extractor, cancellationToken);
            if (features.Error is { } error)
            {
                var video = (await facts.LoadAsync(file.Id, cancellationToken))?.Kind == MediaKinds.Video;
                results[i] = new HypothesiseFileResult(file.Id, file.RelPath, false, ComputeImageHypotheses.ErrorText(video, error));
                continue;
            }

            results[i] = new HypothesiseFileResult(file.Id, file.RelPath, true, null);
            computed.Add((i, file.Id, features));
        }

        if (computed.Count > 0)
        {
            // Stored only where none are stored yet (the statement's own condition): a file another machine did meanwhile keeps its row.
            await facts.WriteHypothesesAsync([.. computed.Select(c => (c.Id, c.Features))], cancellationToken);
        }

        return results;
    }
}

/// <summary>What <see cref="HypothesiseFile"/> did with one file.</summary>
/// <param name="EvidenceId">The file.</param>
/// <param name="RelPath">Its path in its exhibit (null: no such file).</param>
/// <param name="Stored">Whether this call computed its hypotheses for storing (false: stored before, or not computed).</param>
/// <param name="Error">Why they could not be computed; null when they were, or were stored before.</param>
public sealed record HypothesiseFileResult(long EvidenceId, string? RelPath, bool Stored, string? Error);
