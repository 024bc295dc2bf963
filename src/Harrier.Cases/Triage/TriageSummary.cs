namespace Harrier.Cases.Triage;

/// <summary>What one triage run decided, in counts (no names, no content).</summary>
public sealed record TriageSummary(
    int Files,
    IReadOnlyDictionary<string, int> ByStatus,
    int SceneGroups,
    int RenditionGroups,
    int QueuedGroups,
    int FilesWithConflicts)
{
    /// <summary>Candidate video pairs compared frame by frame.</summary>
    public int VideoPairsCompared { get; init; }

    /// <summary>Candidate video pairs the TMK pre-filter skipped.</summary>
    public int VideoPairsSkippedByTmk { get; init; }

    /// <summary>Images nothing else matched whose image hypotheses this run computed and stored (issue 21.6).</summary>
    public int ImagesHypothesised { get; init; }

    /// <summary>Images nothing else matched whose image hypotheses were stored before (by an earlier triage or an older ingest) and used as they are.</summary>
    public int ImagesHypothesesStored { get; init; }

    /// <summary>Videos nothing else matched whose frame hypotheses this run computed and stored (off-centre, turned and inset video).</summary>
    public int VideosHypothesised { get; init; }

    /// <summary>Videos nothing else matched whose frame hypotheses were stored by an earlier triage and used as they are.</summary>
    public int VideosHypothesesStored { get; init; }

    /// <summary>Files whose image or video hypotheses could not be computed (missing, changed since registration, no longer decoding): triaged without them.</summary>
    public IReadOnlyList<TriageFileError> Errors { get; init; } = [];
}

/// <summary>A file triage could not fully process, and why (the run went on; nothing stored about it was changed).</summary>
/// <param name="EvidenceId">The evidence row.</param>
/// <param name="ExhibitId">Its exhibit.</param>
/// <param name="RelPath">Its registered path in the exhibit.</param>
/// <param name="Error">What is wrong.</param>
public sealed record TriageFileError(long EvidenceId, string ExhibitId, string RelPath, string Error);

/// <summary>
/// Computes and stores (<see cref="MediaFactsStore.WriteHypothesesAsync(System.Threading.Channels.ChannelReader{ValueTuple{long, Harrier.Media.Features.MediaFeatures}}, CancellationToken)"/>) the hypotheses of <c>files</c>, the images and
/// videos triage would try them for that have none stored; returns the files it could not do, with the reason.
/// </summary>
/// <c>videos</c> holds the ids of those that are videos (the rest are images).
public delegate Task<IReadOnlyList<TriageFileError>> HypothesiseImages(IReadOnlyList<EvidenceFile> files, IReadOnlySet<long> videos, CancellationToken cancellationToken);
