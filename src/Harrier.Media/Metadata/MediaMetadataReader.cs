using System.Globalization;
using System.Text.RegularExpressions;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.QuickTime;

namespace Harrier.Media.Metadata;

/// <summary>
/// Reads <see cref="MediaMetadata"/> with MetadataExtractor. Evidence is opened read-only. Malformed metadata never
/// throws: what could be read is returned, and what could not becomes a note.
/// </summary>
public static partial class MediaMetadataReader
{
    /// <summary>Longest text value kept; longer values are cut (a malformed tag can claim megabytes).</summary>
    public const int MaxTextLength = 256;

    /// <summary>Reads the metadata of the file at <paramref name="path"/> (opened read-only, shared for reading).</summary>
    public static MediaMetadata Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            return Read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return MediaMetadata.None with { Notes = ["metadata not read: " + e.Message] };
        }
    }

    /// <summary>Reads the metadata in <paramref name="stream"/> (a seekable stream at the file's start).</summary>
    public static MediaMetadata Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A third-party parser on hostile input: any failure is a note on the file, never the end of an ingest.
            return MediaMetadata.None with { Notes = [$"metadata not read ({e.GetType().Name}): {e.Message}"] };
        }

        return FromDirectories(directories);
    }

    /// <summary>The facts in MetadataExtractor's directories (exposed for tests).</summary>
    internal static MediaMetadata FromDirectories(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        var notes = new List<string>();
        foreach (var d in directories)
        {
            foreach (var error in d.Errors)
            {
                notes.Add($"{d.Name}: {error}");
            }
        }

        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        var qtMeta = directories.OfType<QuickTimeMetadataHeaderDirectory>().FirstOrDefault();
        var qtMovie = directories.OfType<QuickTimeMovieHeaderDirectory>().FirstOrDefault();

        double? lat = null, lon = null, alt = null;
        if (gps is not null)
        {
            (lat, lon, alt) = FromGps(gps, notes);
        }
        else if (Text(qtMeta, QuickTimeMetadataHeaderDirectory.TagGpsLocation) is { } iso6709)
        {
            if (ParseIso6709(iso6709) is { } p)
            {
                (lat, lon, alt) = p;
            }
            else
            {
                notes.Add("QuickTime GPS location is not ISO 6709");
            }
        }

        return new MediaMetadata
        {
            CameraMake = Text(ifd0, ExifDirectoryBase.TagMake) ?? Text(qtMeta, QuickTimeMetadataHeaderDirectory.TagMake),
            CameraModel = Text(ifd0, ExifDirectoryBase.TagModel) ?? Text(qtMeta, QuickTimeMetadataHeaderDirectory.TagModel),
            CameraSerial = Text(sub, ExifDirectoryBase.TagBodySerialNumber) ?? Text(ifd0, ExifDirectoryBase.TagBodySerialNumber),
            Software = Text(ifd0, ExifDirectoryBase.TagSoftware) ?? Text(qtMeta, QuickTimeMetadataHeaderDirectory.TagSoftware),
            Latitude = lat,
            Longitude = lon,
            Altitude = alt,
            TakenOriginal = ExifDate(sub, ExifDirectoryBase.TagDateTimeOriginal, ExifDirectoryBase.TagTimeZoneOriginal, "DateTimeOriginal", notes),
            TakenDigitized = ExifDate(sub, ExifDirectoryBase.TagDateTimeDigitized, ExifDirectoryBase.TagTimeZoneDigitized, "DateTimeDigitized", notes),
            ContainerCreated = Text(qtMeta, QuickTimeMetadataHeaderDirectory.TagCreationDate) ?? MovieCreated(qtMovie),
            Notes = notes,
        };
    }

    private static (double? Lat, double? Lon, double? Alt) FromGps(GpsDirectory gps, List<string> notes)
    {
        double? lat = null, lon = null, alt = null;
        if (gps.ContainsTag(GpsDirectory.TagLatitude) || gps.ContainsTag(GpsDirectory.TagLongitude))
        {
            var location = gps.GetGeoLocation();
            if (location is { } g && double.IsFinite(g.Latitude) && double.IsFinite(g.Longitude) && Math.Abs(g.Latitude) <= 90 && Math.Abs(g.Longitude) <= 180)
            {
                (lat, lon) = (g.Latitude, g.Longitude);
            }
            else
            {
                notes.Add("GPS position present but incomplete or out of range");
            }
        }

        if (gps.TryGetRational(GpsDirectory.TagAltitude, out var altitude))
        {
            var metres = altitude.ToDouble();
            if (double.IsFinite(metres))
            {
                alt = gps.TryGetByte(GpsDirectory.TagAltitudeRef, out var below) && below == 1 ? -metres : metres;
            }
            else
            {
                notes.Add("GPS altitude is not a number");
            }
        }

        return (lat, lon, alt);
    }

    /// <summary>An EXIF date ("YYYY:MM:DD HH:MM:SS") as ISO 8601, with the offset tag appended when valid.</summary>
    private static string? ExifDate(ExifSubIfdDirectory? dir, int dateTag, int offsetTag, string name, List<string> notes)
    {
        if (Text(dir, dateTag) is not { } raw)
        {
            return null;
        }

        if (!DateTime.TryParseExact(raw, "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            notes.Add($"{name} is not a valid EXIF date");
            return null;
        }

        var iso = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        if (Text(dir, offsetTag) is { } offset)
        {
            if (OffsetPattern().IsMatch(offset))
            {
                return iso + offset;
            }

            notes.Add($"{name} offset is not ±HH:MM");
        }

        return iso;
    }

    private static string? MovieCreated(QuickTimeMovieHeaderDirectory? dir)
    {
        // A creation time of 0 (1904-01-01, the QuickTime epoch) means "not set": ffmpeg writes it by default.
        if (dir is not null && dir.TryGetDateTime(QuickTimeMovieHeaderDirectory.TagCreated, out var created) && created.Year > 1904)
        {
            return DateTime.SpecifyKind(created, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>
    /// An ISO 6709 point as QuickTime stores it (<c>+48.8584+002.2945+035.000/</c>): degrees, degrees and minutes
    /// (±DDMM.M, ±DDDMM.M) or degrees, minutes and seconds, with an optional altitude in metres.
    /// </summary>
    public static (double Lat, double Lon, double? Alt)? ParseIso6709(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var m = Iso6709Pattern().Match(value.Trim());
        if (!m.Success)
        {
            return null;
        }

        var lat = Angle(m.Groups[1].Value, 2);
        var lon = Angle(m.Groups[2].Value, 3);
        if (lat is null || lon is null || Math.Abs(lat.Value) > 90 || Math.Abs(lon.Value) > 180)
        {
            return null;
        }

        double? alt = m.Groups[3].Success ? double.Parse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
        return (lat.Value, lon.Value, alt);
    }

    private static double? Angle(string s, int degreeDigits)
    {
        var sign = s[0] == '-' ? -1 : 1;
        var body = s[1..];
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var intDigits = dot < 0 ? body.Length : dot;
        var number = double.Parse(body, NumberStyles.Float, CultureInfo.InvariantCulture);
        double degrees;
        if (intDigits == degreeDigits)
        {
            degrees = number;
        }
        else if (intDigits == degreeDigits + 2)
        {
            var d = Math.Floor(number / 100);
            var min = number - (d * 100);
            if (min >= 60)
            {
                return null;
            }

            degrees = d + (min / 60);
        }
        else if (intDigits == degreeDigits + 4)
        {
            var d = Math.Floor(number / 10000);
            var min = Math.Floor((number - (d * 10000)) / 100);
            var sec = number - (d * 10000) - (min * 100);
            if (min >= 60 || sec >= 60)
            {
                return null;
            }

            degrees = d + (min / 60) + (sec / 3600);
        }
        else
        {
            return null;
        }

        return sign * degrees;
    }

    private static string? Text(MetadataExtractor.Directory? dir, int tag)
    {
        if (dir is null || !dir.ContainsTag(tag))
        {
            return null;
        }

        var s = dir.GetString(tag);
        if (s is null)
        {
            return null;
        }

        s = s.Replace("\0", string.Empty, StringComparison.Ordinal).Trim();
        if (s.Length == 0)
        {
            return null;
        }

        return s.Length > MaxTextLength ? s[..MaxTextLength] : s;
    }

    [GeneratedRegex(@"^[+-]\d\d:\d\d$")]
    private static partial Regex OffsetPattern();

    [GeneratedRegex(@"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?(?:CRS[^/]*)?/?$")]
    private static partial Regex Iso6709Pattern();
}
