namespace Harrier.Matching.Video;

/// <summary>TMK+PDQF scores of a pair (spec §3.6–3.8).</summary>
/// <param name="Level1">Cosine similarity of the average features, −1..1.</param>
/// <param name="Level2">Best normalised temporal-kernel score over periods and offsets, about 0..1; null when not computed (level 1 under the gate).</param>
public readonly record struct TmkScore(double Level1, double? Level2);
