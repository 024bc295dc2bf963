using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>
/// The eight dihedral PDQ hashes of one image, computed from one DCT (spec §1.9), and their shared quality.
/// </summary>
public readonly record struct PdqDihedralResult(
    Hash256 Original,
    Hash256 Rotate90,
    Hash256 Rotate180,
    Hash256 Rotate270,
    Hash256 FlipX,
    Hash256 FlipY,
    Hash256 FlipPlus1,
    Hash256 FlipMinus1,
    int Quality)
{
    /// <summary>Number of variants.</summary>
    public const int Count = 8;

    /// <summary>The variant named <paramref name="variant"/>.</summary>
    public Hash256 this[PdqDihedral variant] => variant switch
    {
        PdqDihedral.Original => Original,
        PdqDihedral.Rotate90 => Rotate90,
        PdqDihedral.Rotate180 => Rotate180,
        PdqDihedral.Rotate270 => Rotate270,
        PdqDihedral.FlipX => FlipX,
        PdqDihedral.FlipY => FlipY,
        PdqDihedral.FlipPlus1 => FlipPlus1,
        PdqDihedral.FlipMinus1 => FlipMinus1,
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    /// <summary>The plain hash and quality (the <see cref="PdqDihedral.Original"/> variant).</summary>
    public PdqResult OriginalResult => new(Original, Quality);

    /// <summary>The eight hashes in reference order (original, rotate90, rotate180, rotate270, flipx, flipy, flipplus1, flipminus1).</summary>
    public Hash256[] ToArray() => [Original, Rotate90, Rotate180, Rotate270, FlipX, FlipY, FlipPlus1, FlipMinus1];

    internal static PdqDihedralResult FromSpan(ReadOnlySpan<Hash256> h, int quality) =>
        new(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], quality);
}
