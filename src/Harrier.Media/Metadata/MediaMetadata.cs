using System.Text.Json.Serialization;

namespace Harrier.Media.Metadata;

/// <summary>
/// What a file's embedded metadata says about where, when and with what it was made: EXIF (IFD0, the Exif sub-IFD,
/// GPS) for images, and the movie header and QuickTime metadata for MP4/MOV. Values are case data: they belong in
/// the case database and its JSON, never in a log.
/// </summary>
public sealed record MediaMetadata
{
    /// <summary>No metadata at all.</summary>
    public static readonly MediaMetadata None = new();

    /// <summary>Camera make (EXIF 0x010F, QuickTime <c>com.apple.quicktime.make</c>).</summary>
    public string? CameraMake { get; init; }

    /// <summary>Camera model (EXIF 0x0110, QuickTime <c>com.apple.quicktime.model</c>).</summary>
    public string? CameraModel { get; init; }

    /// <summary>Camera body serial number (EXIF BodySerialNumber 0xA431).</summary>
    public string? CameraSerial { get; init; }

    /// <summary>Software that wrote the file (EXIF 0x0131, QuickTime <c>com.apple.quicktime.software</c>).</summary>
    public string? Software { get; init; }

    /// <summary>GPS latitude in degrees, north positive (WGS 84 as the file states it).</summary>
    public double? Latitude { get; init; }

    /// <summary>GPS longitude in degrees, east positive.</summary>
    public double? Longitude { get; init; }

    /// <summary>GPS altitude in metres, below sea level negative.</summary>
    public double? Altitude { get; init; }

    /// <summary>EXIF DateTimeOriginal as ISO 8601 local time, with its offset (OffsetTimeOriginal) when the file gives one.</summary>
    public string? TakenOriginal { get; init; }

    /// <summary>EXIF DateTimeDigitized as ISO 8601 local time, with its offset (OffsetTimeDigitized) when given.</summary>
    public string? TakenDigitized { get; init; }

    /// <summary>A video container's creation time: QuickTime <c>creationdate</c> as written, else the movie header's (UTC).</summary>
    public string? ContainerCreated { get; init; }

    /// <summary>Why some metadata could not be read (malformed segments, invalid values); empty when nothing was wrong.</summary>
    /// <remarks>Not serialised with the facts: a case stores them with the file's other notes.</remarks>
    [JsonIgnore]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Whether a position (latitude and longitude) is known.</summary>
    public bool HasGps => Latitude is not null && Longitude is not null;

    /// <summary>Whether any fact was found (notes do not count).</summary>
    [JsonIgnore]
    public bool HasFacts => CameraMake is not null || CameraModel is not null || CameraSerial is not null || Software is not null || HasGps
        || Altitude is not null || TakenOriginal is not null || TakenDigitized is not null || ContainerCreated is not null;
}
