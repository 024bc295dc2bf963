using Harrier.Media.Imaging;

namespace Harrier.Media.Pdq;

/// <summary>How <see cref="PdqBatch"/> hashes a set of files.</summary>
public sealed record PdqBatchOptions
{
    /// <summary>Front end (default full resolution).</summary>
    public PdqFrontEnd FrontEnd { get; init; } = PdqFrontEnd.Full;

    /// <summary>Compute the eight dihedral hashes.</summary>
    public bool Dihedral { get; init; }

    /// <summary>
    /// Hash the content inside uniform borders (letterbox bars, padding, window chrome; <see cref="BorderTrimmer"/>)
    /// instead of the whole image. Needs a full decode. Apply it to both sides of a comparison.
    /// </summary>
    public bool TrimBorders { get; init; }

    /// <summary>
    /// When set, hash the image as the centre of a larger picture with this share cut from each side
    /// (<see cref="PdqReframe"/>), in place of the image itself. Needs a full decode; no dihedral variants.
    /// </summary>
    public double? Reframe { get; init; }

    /// <summary>How <see cref="Reframe"/> fills the ring a crop removed.</summary>
    public ReframeFill ReframeFill { get; init; } = ReframeFill.Faded;

    /// <summary>Decoder limits and EXIF choice.</summary>
    public ImageDecoderOptions Decoder { get; init; } = ImageDecoderOptions.Default;

    /// <summary>Files hashed at once (default: one per core).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}
