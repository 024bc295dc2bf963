namespace Harrier.Media.Pdq;

/// <summary>The eight dihedral variants of a PDQ hash, in the reference order (spec §1.9).</summary>
public enum PdqDihedral
{
    /// <summary>The image as stored.</summary>
    Original = 0,

    /// <summary>Rotated 90° counter-clockwise.</summary>
    Rotate90 = 1,

    /// <summary>Rotated 180°.</summary>
    Rotate180 = 2,

    /// <summary>Rotated 90° clockwise.</summary>
    Rotate270 = 3,

    /// <summary>Mirrored top↔bottom.</summary>
    FlipX = 4,

    /// <summary>Mirrored left↔right.</summary>
    FlipY = 5,

    /// <summary>Transposed (main diagonal).</summary>
    FlipPlus1 = 6,

    /// <summary>Anti-transposed.</summary>
    FlipMinus1 = 7,
}
