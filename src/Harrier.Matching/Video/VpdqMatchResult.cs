namespace Harrier.Matching.Video;

/// <summary>The comparison of a query vPDQ hash with a compared one.</summary>
/// <param name="QueryMatchPercent">100 · matched query frames / kept query frames (0 when none kept).</param>
/// <param name="ComparedMatchPercent">100 · matched compared frames / kept compared frames.</param>
/// <param name="QueryFrames">Query frames kept after dedupe and the quality filter.</param>
/// <param name="QueryMatched">Kept query frames with some match.</param>
/// <param name="ComparedFrames">Compared frames kept.</param>
/// <param name="ComparedMatched">Kept compared frames with some match.</param>
/// <param name="IsMatch">Both percentages reach the thresholds of the options.</param>
/// <param name="Clips">Corresponding time ranges, longest support first (empty when not asked for or nothing matched).</param>
public sealed record VpdqMatchResult(
    double QueryMatchPercent,
    double ComparedMatchPercent,
    int QueryFrames,
    int QueryMatched,
    int ComparedFrames,
    int ComparedMatched,
    bool IsMatch,
    IReadOnlyList<VpdqClip> Clips);
