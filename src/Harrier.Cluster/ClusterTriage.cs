using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Operations;
using Harrier.Operations.Cluster;
using Harrier.Operations.Triage;

namespace Harrier.Cluster;

/// <summary>
/// <c>harrier cluster triage</c>: the single-process triage (<see cref="RunTriage"/>) with its per-file heavy step on the
/// silos. That step is the hypotheses of the files nothing else matched (each evidence file read and decoded again, up to a
/// few hundred hashes each): they are computed by whichever silo leases the file (<see cref="HypothesiseFile"/>, one
/// <see cref="RunSpec.Hypotheses"/> run per exhibit, leased, retried on another silo when one dies, stored once).
/// Matching every file against the banks, grouping renditions and scenes and ranking the queue need every file at once and
/// cost little beside decoding; they run here, on the stored facts, exactly as <c>harrier triage</c> runs them, so the
/// results are the single-process results.
/// </summary>
public static class ClusterTriage
{
    /// <summary>How often the runs' state is read while the silos work.</summary>
    public static TimeSpan PollEvery { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Triages the case of <paramref name="store"/>, the hypotheses computed on the cluster of <paramref name="client"/>.</summary>
    public static Task<TriageSummary> RunAsync(ClusterClient client, CaseStore store, RunTriageRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        return new RunTriage(store).RunAsync(
            request with { Hypothesise = (files, videos, ct) => HypothesiseAsync(client, store, context, request.Justification, files, videos, ct) },
            context, cancellationToken);
    }

    private static async Task<IReadOnlyList<TriageFileError>> HypothesiseAsync(ClusterClient client, CaseStore store, OperationContext context, string? justification,
        IReadOnlyList<EvidenceFile> files, IReadOnlySet<long> videos, CancellationToken cancellationToken)
    {
        var runs = files.GroupBy(f => f.ExhibitId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Spec: new RunSpec(string.Create(CultureInfo.InvariantCulture, $"{RunSpec.Hypotheses}-{g.Key}-{Guid.NewGuid():N}"),
                RunSpec.Hypotheses, g.Key, context.Actor, justification, false), Items: g.Select(f => f.Id).ToList()))
            .ToList();
        var videoCount = files.Count(f => videos.Contains(f.Id));
        await store.RecordAsync(context.Intent("triage.hypotheses.start", justification), string.Create(CultureInfo.InvariantCulture,
            $"{files.Count - videoCount} images and {videoCount} videos nothing else matched to compute hypotheses for, on cluster {ClusterSilo.ClusterIdOf(store.Manifest.CaseId)}: runs {string.Join(", ", runs.Select(r => r.Spec.RunId))}"),
            cancellationToken);
        context.Progress?.Report(new OperationProgress("hypotheses", 0, files.Count));
        foreach (var (spec, items) in runs)
        {
            await client.StartAsync(spec, items, cancellationToken);
        }

        var statuses = new RunStatus[runs.Count];
        while (true)
        {
            for (var i = 0; i < runs.Count; i++)
            {
                statuses[i] = await client.StatusAsync(runs[i].Spec.RunId, cancellationToken)
                    ?? throw new InvalidOperationException($"cluster run {runs[i].Spec.RunId} is gone from the work table");
            }

            context.Progress?.Report(new OperationProgress("hypotheses", statuses.Sum(s => s.Done + s.Failed), files.Count));
            if (statuses.All(s => s.Complete))
            {
                break;
            }

            await Task.Delay(PollEvery, context.Time, cancellationToken);
        }

        // A failed item's reason is the operation's own text (or the scheduler's, for a file every silo that took it died on).
        var paths = files.ToDictionary(f => f.Id);
        return [.. runs.Zip(statuses).SelectMany(r => r.Second.Failures.Select(f => new TriageFileError(f.Item, r.First.Spec.ExhibitId,
                f.RelPath ?? (paths.TryGetValue(f.Item, out var file) ? file.RelPath : ""), f.Reason)))
            .OrderBy(e => e.ExhibitId, StringComparer.Ordinal).ThenBy(e => e.RelPath, StringComparer.Ordinal)];
    }
}
