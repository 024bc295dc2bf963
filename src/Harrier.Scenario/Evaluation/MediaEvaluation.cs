namespace Harrier.Scenario.Evaluation;

/// <summary>How well media triage recovered the scenario's truth (definitions in docs/triage.md).</summary>
/// <param name="Files">Media files (videos and stills) in the truth.</param>
/// <param name="MissingFromCase">Truth files (any kind) the case has no result for.</param>
/// <param name="Known">Per file: predicted known (known or near-duplicate) against truth <c>known</c>.</param>
/// <param name="Renditions">Pairwise over videos: same predicted rendition group against the same upload.</param>
/// <param name="Scenes">Pairwise over videos and stills: same predicted scene group against the same set of content items.</param>
/// <param name="Decoys">Benign decoy files in the truth.</param>
/// <param name="DecoysFiltered">Decoys filtered as known-good.</param>
/// <param name="FirstSeenShare">Share of media files left unknown (first seen) by the pipeline.</param>
/// <param name="TrueFirstSeenShare">Share of media files that are truly first seen.</param>
public sealed record MediaEvaluation(
    int Files,
    int MissingFromCase,
    PairScore Known,
    PairScore Renditions,
    PairScore Scenes,
    int Decoys,
    int DecoysFiltered,
    double FirstSeenShare,
    double TrueFirstSeenShare);
