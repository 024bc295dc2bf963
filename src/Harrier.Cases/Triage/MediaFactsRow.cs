namespace Harrier.Cases.Triage;

/// <summary>
/// The stored columns of one <c>media_facts</c> row (all but the evidence id and the ingest time) as the database holds
/// them; <see cref="MediaFactsFormat"/> turns them into <see cref="Harrier.Media.Features.MediaFeatures"/> and back.
/// </summary>
public sealed record MediaFactsRow
{
    /// <summary>Column <c>kind</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Column <c>format</c>.</summary>
    public string? Format { get; init; }

    /// <summary>Column <c>width</c>.</summary>
    public int? Width { get; init; }

    /// <summary>Column <c>height</c>.</summary>
    public int? Height { get; init; }

    /// <summary>Column <c>duration_s</c>.</summary>
    public double? DurationS { get; init; }

    /// <summary>Column <c>frame_rate</c>.</summary>
    public double? FrameRate { get; init; }

    /// <summary>Column <c>codec</c>.</summary>
    public string? Codec { get; init; }

    /// <summary>Column <c>pdq</c>: an image's eight plain dihedral hashes, then eight per border-trimmed region, space separated.</summary>
    public string? Pdq { get; init; }

    /// <summary>Column <c>pdq_quality</c>.</summary>
    public int? PdqQuality { get; init; }

    /// <summary>Column <c>vpdq</c>: a video's frame features as vPDQ lines, then the overlay marker line and the painted-out features.</summary>
    public string? Vpdq { get; init; }

    /// <summary>Column <c>error</c>.</summary>
    public string? Error { get; init; }

    /// <summary>Column <c>camera_make</c>.</summary>
    public string? CameraMake { get; init; }

    /// <summary>Column <c>camera_model</c>.</summary>
    public string? CameraModel { get; init; }

    /// <summary>Column <c>camera_serial</c>.</summary>
    public string? CameraSerial { get; init; }

    /// <summary>Column <c>software</c>.</summary>
    public string? Software { get; init; }

    /// <summary>Column <c>gps_lat</c>.</summary>
    public double? GpsLat { get; init; }

    /// <summary>Column <c>gps_lon</c>.</summary>
    public double? GpsLon { get; init; }

    /// <summary>Column <c>gps_alt</c>.</summary>
    public double? GpsAlt { get; init; }

    /// <summary>Column <c>taken_original</c>.</summary>
    public string? TakenOriginal { get; init; }

    /// <summary>Column <c>taken_digitized</c>.</summary>
    public string? TakenDigitized { get; init; }

    /// <summary>Column <c>container_created</c>.</summary>
    public string? ContainerCreated { get; init; }

    /// <summary>Column <c>notes</c>: one note a line.</summary>
    public string? Notes { get; init; }

    /// <summary>Column <c>derived</c>: the derived picture's path relative to the case folder.</summary>
    public string? Derived { get; init; }

    /// <summary>Column <c>tmk_level1</c>: 256 little-endian floats, base64.</summary>
    public string? TmkLevel1 { get; init; }

    /// <summary>Column <c>reframed</c>: the crop/fill header line, then an image's hashes on one line or a video's features one a line.</summary>
    public string? Reframed { get; init; }
}
