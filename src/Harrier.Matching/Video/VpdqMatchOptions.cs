namespace Harrier.Matching.Video;

/// <summary>Thresholds for comparing two vPDQ hashes. Defaults are pytx's (HMA with the vPDQ extension).</summary>
public sealed record VpdqMatchOptions
{
    /// <summary>Matcher rules.</summary>
    public VpdqMatchMode Mode { get; init; } = VpdqMatchMode.Pytx;

    /// <summary>Frame match distance D (pytx: ≤ D; C++: &lt; D). Default 31.</summary>
    public int Distance { get; init; } = 31;

    /// <summary>
    /// <see cref="VpdqMatchMode.Aligned"/> only: a frame pair at distance ≤ this also matches when it lies on the
    /// dominant time offset. Default 45; values ≤ <see cref="Distance"/> make Aligned the same as pytx.
    /// </summary>
    public int AlignedDistance { get; init; } = 45;

    /// <summary>Frames with quality below this are ignored (both modes keep quality ≥ F). Default 50.</summary>
    public int Quality { get; init; } = 50;

    /// <summary>The pair is a match when query% ≥ this … (pytx: 80).</summary>
    public double QueryMatchPercent { get; init; } = 80.0;

    /// <summary>… and compared% ≥ this (pytx: 0; the vpdq README example puts 80 here instead).</summary>
    public double ComparedMatchPercent { get; init; }

    /// <summary>Also locate the matching time ranges (costs one pass over the matched frame pairs).</summary>
    public bool LocateClips { get; init; } = true;

    /// <summary>Default options.</summary>
    public static VpdqMatchOptions Default { get; } = new();
}
