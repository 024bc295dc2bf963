namespace Harrier.Media.Pdq;

/// <summary>The sides an off-centre crop cut (<see cref="PdqOffCentre"/>): one side, or two adjacent ones (a corner kept).</summary>
[Flags]
public enum CropSides
{
    /// <summary>No side.</summary>
    None = 0,

    /// <summary>The left side.</summary>
    Left = 1,

    /// <summary>The top.</summary>
    Top = 2,

    /// <summary>The right side.</summary>
    Right = 4,

    /// <summary>The bottom.</summary>
    Bottom = 8,
}
