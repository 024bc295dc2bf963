namespace Harrier.Media.Pdq;

/// <summary>How <see cref="PdqReframe"/> fills the ring that a crop removed.</summary>
public enum ReframeFill
{
    /// <summary>The nearest edge pixel, fading into the image's mean brightness across the ring.</summary>
    Faded,

    /// <summary>Flat mid-grey.</summary>
    Grey,
}
