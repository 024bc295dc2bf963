using System.Text.Json;
using Harrier.Cases.Triage;

namespace Harrier.Cases.Tests;

/// <summary>
/// The committed <c>media_facts</c> rows written by ingest at 76d6339, before the media features moved into
/// Harrier.Media (tests/Harrier.Operations.Tests/Fixtures/MediaFeatures/README.md): one row per file, by name.
/// </summary>
internal static class MediaFactsFixture
{
    /// <summary>The fixture's folder in the test output.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "MediaFeatures");

    /// <summary>
    /// The rows by file name, with the evidence folder written <paramref name="evidenceDir"/> and the derived file's id
    /// <paramref name="ids"/>' (by file name); with the derived PNG's SHA-256 as it was.
    /// </summary>
    public static IReadOnlyDictionary<string, (MediaFactsRow Row, string? DerivedSha256)> Load(string evidenceDir, IReadOnlyDictionary<string, long>? ids)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "media_facts.v1.json")));
        var map = new Dictionary<string, (MediaFactsRow, string?)>(StringComparer.Ordinal);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            var name = e.GetProperty("rel_path").GetString()!;
            string? S(string c) => e.GetProperty(c).ValueKind == JsonValueKind.Null ? null
                : e.GetProperty(c).GetString()!.Replace("$EVIDENCE", evidenceDir, StringComparison.Ordinal)
                    .Replace("$ID", ids is null ? "$ID" : ids[name].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            int? I(string c) => e.GetProperty(c).ValueKind == JsonValueKind.Null ? null : e.GetProperty(c).GetInt32();
            double? D(string c) => e.GetProperty(c).ValueKind == JsonValueKind.Null ? null : e.GetProperty(c).GetDouble();
            map[name] = (new MediaFactsRow
            {
                Kind = S("kind")!,
                Format = S("format"),
                Width = I("width"),
                Height = I("height"),
                DurationS = D("duration_s"),
                FrameRate = D("frame_rate"),
                Codec = S("codec"),
                Pdq = S("pdq"),
                PdqQuality = I("pdq_quality"),
                Vpdq = S("vpdq"),
                Error = S("error"),
                CameraMake = S("camera_make"),
                CameraModel = S("camera_model"),
                CameraSerial = S("camera_serial"),
                Software = S("software"),
                GpsLat = D("gps_lat"),
                GpsLon = D("gps_lon"),
                GpsAlt = D("gps_alt"),
                TakenOriginal = S("taken_original"),
                TakenDigitized = S("taken_digitized"),
                ContainerCreated = S("container_created"),
                Notes = S("notes"),
                Derived = S("derived"),
                TmkLevel1 = S("tmk_level1"),
                Reframed = S("reframed"),
            }, S("derived_sha256"));
        }

        return map;
    }
}
