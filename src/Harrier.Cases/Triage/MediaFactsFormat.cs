using System.Globalization;
using System.Runtime.InteropServices;
using Harrier.Media.Features;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// The one reader and writer of the text encodings in <c>media_facts</c>' columns (<see cref="MediaFactsRow"/>), version
/// <see cref="Version"/>. It lives in Cases, not beside <see cref="MediaFeatures"/> in the media engine, because these
/// encodings exist only to fit typed features into the case database's TEXT columns (the same on SQLite and
/// PostgreSQL): which hash goes into which column and how several share one is the store's layout, not an interchange
/// format. The interchange forms it is built from (PDQ hex, vPDQ lines) stay in the engine (<see cref="Hash256"/>,
/// <see cref="VpdqFormats"/>).
/// </summary>
/// <remarks>
/// Version 1 is every row written so far (there is no version column: a later version adds one, and a row without it is
/// version 1):
/// <list type="bullet">
/// <item><c>pdq</c>: 64-hex hashes separated by one space: the eight plain dihedral hashes (<see cref="PdqDihedralResult.ToArray"/>
/// order), then eight per border-trimmed region; <c>pdq_quality</c> is the plain hashes' quality, and the trimmed ones
/// are read back with it.</item>
/// <item><c>vpdq</c>: vPDQ lines (<see cref="VpdqFormats.ToLine"/>) separated by '\n'; for a video with a static overlay,
/// then the line <c>overlay</c> and the painted-out features; then (rows written since issue 21.1) the line <c>dihedral</c>
/// and one line per frame with its eight dihedral hashes, <c>frame,quality,H0 H1 … H7,seconds</c> (a vPDQ line whose
/// hash field holds the eight hashes in <see cref="PdqDihedralResult.ToArray"/> order, space-separated). A row without
/// that section (written before) reads as having no dihedral hashes: an optional addition, so no migration. An empty
/// string is a video with no frames.</item>
/// <item><c>reframed</c>: the line <c>crops C… fills F…</c> naming the crop shares and fills tried (so a reader can tell
/// what it reads; a row without this header is read as having none), then an image's hashes on one line separated by
/// spaces, or a video's features one vPDQ line each. For an image (rows written since issue 21.2), then optionally the
/// line <c>offcentre S…</c> naming the off-centre crops tried (sides L, T, R, B and the share, e.g. <c>LT0.1</c>) and
/// a line of their hashes, and the line <c>derotated A…</c> naming the angles tried and a line of their hashes: optional
/// additions that a row written before reads without (no migration), and that a reader of version 1 that takes only the
/// second line never sees. After the off-centre hashes (rows written since the masked distance), the line
/// <c>offcentrestable S…</c> naming the same crops and a line of each hash's stable bits
/// (<see cref="MediaFeatures.PdqOffCentreStable"/>), in the same order; optional in the same way (a row without it is
/// compared by the plain distance, and a line whose count differs from the hashes' is read as absent); after the
/// de-rotation hashes, likewise, the line <c>derotatedstable A…</c> and a line of their stable bits. Then (rows written since issue 21.3), when the image shows content inside a surround, the
/// line <c>inset X,Y,W,H…</c> naming the regions found (<see cref="PdqInset"/>) and a line of their hashes, in the same
/// order; optional in the same way. Since issue 21.6 ingest leaves an image's column empty (NULL) and triage fills it
/// (<see cref="HypothesesText"/>, always with the header) for the images nothing else matched: an image row with the
/// column empty has no hypotheses computed yet; one with it (from triage, or from an older ingest) has them. For a video
/// that triage found nothing for (issue 21.2–21.4 for video), its frame hypotheses are appended as a section
/// (<see cref="FrameHypothesesText"/>, after the header line alone when the video has no reframed frames): a video row
/// without the section has none computed yet. A reader that predates the section fails on such a row's reframed
/// frames, as one predating <c>dihedral</c> would on its vPDQ.</item>
/// <item><c>tmk_level1</c>: the 256 floats' little-endian bytes in base64.</item>
/// <item><c>notes</c>: one note a line.</item>
/// </list>
/// </remarks>
public static class MediaFactsFormat
{
    /// <summary>The version this class writes (and the only one written so far).</summary>
    public const int Version = 1;

    /// <summary>In <c>vpdq</c>, the line after which come the features of frames with a static overlay painted out.</summary>
    internal const string OverlayMarker = "overlay";

    /// <summary>In <c>vpdq</c>, the line after which come the dihedral hashes of one sampled frame a second.</summary>
    internal const string DihedralMarker = "dihedral";

    /// <summary>The start of the <c>reframed</c> column's header line.</summary>
    private const string CropsHeader = "crops ";

    /// <summary>In an image's <c>reframed</c>, the start of the line naming the off-centre crops whose hashes follow.</summary>
    private const string OffCentreHeader = "offcentre ";

    /// <summary>In an image's <c>reframed</c>, the start of the line naming the off-centre crops whose stable bits follow.</summary>
    private const string OffCentreStableHeader = "offcentrestable ";

    /// <summary>In an image's <c>reframed</c>, the start of the line naming the de-rotation angles whose stable bits follow.</summary>
    private const string DerotatedStableHeader = "derotatedstable ";

    /// <summary>In an image's <c>reframed</c>, the start of the line naming the de-rotation angles whose hashes follow.</summary>
    private const string DerotatedHeader = "derotated ";

    /// <summary>In an image's <c>reframed</c>, the start of the line naming the content regions (x,y,w,h) whose hashes follow.</summary>
    private const string InsetHeader = "inset ";

    /// <summary>
    /// In a video's <c>reframed</c>, the start of the line after which come its frame hypotheses (computed at triage for
    /// videos nothing else matched), one line per sampled frame.
    /// </summary>
    internal const string FrameHypothesesHeader = "framehypotheses ";

    /// <summary>The row that stores <paramref name="features"/> with the derived picture at <paramref name="derived"/>.</summary>
    public static MediaFactsRow Write(MediaFeatures features, string? derived)
    {
        ArgumentNullException.ThrowIfNull(features);
        var m = features.Metadata;
        return new MediaFactsRow
        {
            Kind = features.Kind,
            Format = features.Format,
            Width = features.Width,
            Height = features.Height,
            DurationS = features.DurationSeconds,
            FrameRate = features.FrameRate,
            Codec = features.Codec,
            Pdq = features.Pdq is { } p
                ? string.Join(' ', p.ToArray().Concat(features.PdqTrimmed.SelectMany(t => t.ToArray())).Select(h => h.ToString()))
                : null,
            PdqQuality = features.Pdq?.Quality,
            Vpdq = features.Vpdq is null ? null : string.Join('\n', features.Vpdq.Select(VpdqFormats.ToLine)
                .Concat(features.VpdqOverlay is { Count: > 0 } o ? [OverlayMarker, .. o.Select(VpdqFormats.ToLine)] : [])
                .Concat(features.VpdqDihedral is { Count: > 0 } d ? [DihedralMarker, .. d.Select(DihedralLine)] : [])),
            Error = features.Error,
            CameraMake = m?.CameraMake,
            CameraModel = m?.CameraModel,
            CameraSerial = m?.CameraSerial,
            Software = m?.Software,
            GpsLat = m?.Latitude,
            GpsLon = m?.Longitude,
            GpsAlt = m?.Altitude,
            TakenOriginal = m?.TakenOriginal,
            TakenDigitized = m?.TakenDigitized,
            ContainerCreated = m?.ContainerCreated,
            Notes = features.Notes.Count == 0 ? null : string.Join('\n', features.Notes),
            Derived = derived,
            TmkLevel1 = features.TmkLevel1 is { } tk ? Convert.ToBase64String(MemoryMarshal.AsBytes(tk.AsSpan())) : null,
            Reframed = ReframedText(features),
        };
    }

    /// <summary>The features stored in <paramref name="row"/> (without a thumbnail, which is never stored).</summary>
    /// <exception cref="FormatException">A hash or feature in the row is malformed.</exception>
    public static MediaFeatures Read(MediaFactsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        PdqDihedralResult? pdq = null;
        var trimmed = new List<PdqDihedralResult>();
        if (row.Pdq is { } pdqText)
        {
            var h = pdqText.Split(' ').Select(x => Hash256.Parse(x)).ToArray();
            var quality = row.PdqQuality ?? 0;
            pdq = Dihedral(h, 0, quality);
            for (var k = PdqDihedralResult.Count; k + PdqDihedralResult.Count <= h.Length; k += PdqDihedralResult.Count)
            {
                trimmed.Add(Dihedral(h, k, quality));
            }
        }

        IReadOnlyList<VpdqFeature>? vpdq = null;
        IReadOnlyList<VpdqFeature>? overlay = null;
        IReadOnlyList<VpdqDihedralFrame>? vpdqDihedral = null;
        if (row.Vpdq is { } vpdqText)
        {
            var lines = vpdqText.Length == 0 ? [] : vpdqText.Split('\n');
            var dihedralAt = Array.IndexOf(lines, DihedralMarker);
            if (dihedralAt >= 0)
            {
                vpdqDihedral = lines[(dihedralAt + 1)..].Select(ParseDihedralLine).ToList();
                lines = lines[..dihedralAt];
            }

            var marker = Array.IndexOf(lines, OverlayMarker);
            vpdq = lines.Take(marker < 0 ? lines.Length : marker).Select(VpdqFormats.ParseLine).ToList();
            overlay = marker < 0 ? null : lines[(marker + 1)..].Select(VpdqFormats.ParseLine).ToList();
        }

        IReadOnlyList<Hash256> pdqReframed = [];
        List<Hash256> pdqOffCentre = [];
        List<Hash256> pdqOffCentreStable = [];
        List<Hash256> pdqDerotated = [];
        List<Hash256> pdqDerotatedStable = [];
        IReadOnlyList<(PixelRegion, Hash256)> pdqInset = [];
        IReadOnlyList<VpdqFeature>? vpdqReframed = null;
        IReadOnlyList<VpdqFrameHypotheses>? vpdqHypotheses = null;
        if (row.Reframed is { } reframedText)
        {
            var lines = reframedText.Split('\n');
            if (lines.Length >= 2 && lines[0].StartsWith(CropsHeader, StringComparison.Ordinal))
            {
                if (row.Kind == MediaKinds.Video)
                {
                    var at = Array.FindIndex(lines, l => l.StartsWith(FrameHypothesesHeader, StringComparison.Ordinal));
                    vpdqReframed = lines[1..(at < 0 ? lines.Length : at)].Select(VpdqFormats.ParseLine).ToList();
                    if (at >= 0)
                    {
                        vpdqHypotheses = lines[(at + 1)..].Select(ParseFrameHypotheses).ToList();
                    }
                }
                else
                {
                    pdqReframed = HashLine(lines[1]);
                    for (var k = 2; k + 1 < lines.Length; k += 2)
                    {
                        if (lines[k].StartsWith(OffCentreHeader, StringComparison.Ordinal))
                        {
                            pdqOffCentre = HashLine(lines[k + 1]);
                        }
                        else if (lines[k].StartsWith(OffCentreStableHeader, StringComparison.Ordinal))
                        {
                            pdqOffCentreStable = HashLine(lines[k + 1]);
                        }
                        else if (lines[k].StartsWith(DerotatedHeader, StringComparison.Ordinal))
                        {
                            pdqDerotated = HashLine(lines[k + 1]);
                        }
                        else if (lines[k].StartsWith(DerotatedStableHeader, StringComparison.Ordinal))
                        {
                            pdqDerotatedStable = HashLine(lines[k + 1]);
                        }
                        else if (lines[k].StartsWith(InsetHeader, StringComparison.Ordinal))
                        {
                            pdqInset = InsetLines(lines[k], lines[k + 1]);
                        }
                    }
                }
            }
        }

        return new MediaFeatures(row.Kind, row.Format)
        {
            Width = row.Width,
            Height = row.Height,
            DurationSeconds = row.DurationS,
            FrameRate = row.FrameRate,
            Codec = row.Codec,
            Pdq = pdq,
            PdqTrimmed = trimmed,
            PdqReframed = pdqReframed,
            PdqOffCentre = pdqOffCentre,
            PdqOffCentreStable = pdqOffCentre.Count == pdqOffCentreStable.Count ? pdqOffCentreStable : [],
            PdqDerotated = pdqDerotated,
            PdqDerotatedStable = pdqDerotated.Count == pdqDerotatedStable.Count ? pdqDerotatedStable : [],
            PdqInset = pdqInset,
            Vpdq = vpdq,
            VpdqOverlay = overlay,
            VpdqReframed = vpdqReframed,
            VpdqDihedral = vpdqDihedral,
            VpdqHypotheses = vpdqHypotheses,
            TmkLevel1 = row.TmkLevel1 is { } tk ? MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(tk)).ToArray() : null,
            Metadata = ReadMetadata(row),
            Error = row.Error,
            Notes = row.Notes?.Split('\n') ?? [],
        };
    }

    /// <summary>The metadata columns of <paramref name="row"/>; null when they hold no fact.</summary>
    public static MediaMetadata? ReadMetadata(MediaFactsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var m = new MediaMetadata
        {
            CameraMake = row.CameraMake,
            CameraModel = row.CameraModel,
            CameraSerial = row.CameraSerial,
            Software = row.Software,
            Latitude = row.GpsLat,
            Longitude = row.GpsLon,
            Altitude = row.GpsAlt,
            TakenOriginal = row.TakenOriginal,
            TakenDigitized = row.TakenDigitized,
            ContainerCreated = row.ContainerCreated,
        };
        return m.HasFacts ? m : null;
    }

    /// <summary>One frame's dihedral hashes as a vPDQ line whose hash field holds the eight hashes, space-separated.</summary>
    private static string DihedralLine(VpdqDihedralFrame f) => string.Create(CultureInfo.InvariantCulture,
        $"{f.FrameNumber},{f.Hashes.Quality},{string.Join(' ', f.Hashes.ToArray().Select(h => h.ToString()))},{f.TimestampSeconds:F3}");

    private static VpdqDihedralFrame ParseDihedralLine(string line)
    {
        var parts = line.Split(',');
        var hashes = parts.Length == 4 ? parts[2].Split(' ') : [];
        if (hashes.Length != PdqDihedralResult.Count)
        {
            throw new FormatException($"expected frame,quality,8 space-separated hashes,seconds in a dihedral line, got \"{line[..Math.Min(line.Length, 40)]}\"");
        }

        // The plain vPDQ line parser checks the frame number, quality and time; its hash field is given the first hash.
        var plain = VpdqFormats.ParseLine(string.Join(',', parts[0], parts[1], hashes[0], parts[3]));
        return new VpdqDihedralFrame(plain.FrameNumber, Dihedral([.. hashes.Select(x => Hash256.Parse(x))], 0, plain.Quality), plain.TimestampSeconds);
    }

    private static PdqDihedralResult Dihedral(Hash256[] h, int k, int quality) =>
        new(h[k], h[k + 1], h[k + 2], h[k + 3], h[k + 4], h[k + 5], h[k + 6], h[k + 7], quality);

    /// <summary>Hashes separated by one space; an empty line is none.</summary>
    private static List<Hash256> HashLine(string line) => line.Length == 0 ? [] : [.. line.Split(' ').Select(x => Hash256.Parse(x))];

    /// <summary>The inset section: its header's regions (x,y,w,h in the image's pixels) paired with its hash line's hashes.</summary>
    /// <exception cref="FormatException">The regions and hashes do not pair up or a region is malformed.</exception>
    private static List<(PixelRegion, Hash256)> InsetLines(string header, string hashes)
    {
        var regions = header[InsetHeader.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r =>
        {
            var v = r.Split(',').Select(p => int.Parse(p, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
            return v.Length == 4 ? new PixelRegion(v[0], v[1], v[2], v[3]) : throw new FormatException($"an inset region is x,y,w,h: '{r}'");
        }).ToList();
        var list = HashLine(hashes);
        if (list.Count != regions.Count)
        {
            throw new FormatException($"{regions.Count} inset regions but {list.Count} hashes");
        }

        return [.. regions.Zip(list)];
    }

    /// <summary>An off-centre crop as the letters of its cut sides and its share, e.g. <c>LT0.1</c>.</summary>
    private static string CropName((CropSides Sides, double Share) crop) =>
        (crop.Sides.HasFlag(CropSides.Left) ? "L" : "") + (crop.Sides.HasFlag(CropSides.Top) ? "T" : "") + (crop.Sides.HasFlag(CropSides.Right) ? "R" : "")
        + (crop.Sides.HasFlag(CropSides.Bottom) ? "B" : "") + crop.Share.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>The reframed column: the header naming the crop shares and fills tried, then the hashes.</summary>
    private static string? ReframedText(MediaFeatures f)
    {
        if (f.PdqReframed.Count > 0 || f.PdqOffCentre.Count > 0 || f.PdqDerotated.Count > 0 || f.PdqInset.Count > 0)
        {
            return HypothesesText(f);
        }

        var text = f.VpdqReframed is { Count: > 0 } v ? Header + "\n" + string.Join('\n', v.Select(VpdqFormats.ToLine)) : null;
        return f.VpdqHypotheses is { } h ? (text ?? Header) + FrameHypothesesText(h) : text;
    }

    /// <summary>The header line a video's <c>reframed</c> column starts with when it holds no reframed frame (to hold frame hypotheses).</summary>
    public static string ReframedHeader => Header;

    /// <summary>
    /// A LIKE pattern matching a video's <c>reframed</c> column once it holds frame hypotheses (<see cref="FrameHypothesesText"/>).
    /// </summary>
    public static string FrameHypothesesPattern => "%\n" + FrameHypothesesHeader + "%";

    /// <summary>
    /// A video's frame hypotheses as the section appended to its <c>reframed</c> column: '\n', the line
    /// <c>framehypotheses offcentre C… derotated A…</c> naming the crops and angles, then one line per sampled frame,
    /// <c>frame,quality,seconds|O…|D…|X,Y,W,H:H …|SO…|SD…</c> (its off-centre hashes in the crops' order, its de-rotation
    /// hashes in the angles' order, its inset regions with their hashes, the field empty when none was found, and, in rows
    /// written since the masked distance, the off-centre and the de-rotation hashes' stable bits in the same orders; a line
    /// without those two fields, or a field whose count is not its hashes', reads as having none, compared by the plain
    /// distance). The
    /// header is written even when no frame was usable, so a stored section means "computed".
    /// </summary>
    public static string FrameHypothesesText(IReadOnlyList<VpdqFrameHypotheses> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var text = "\n" + FrameHypothesesHeader + "offcentre " + string.Join(' ', PdqOffCentre.DefaultCrops.Select(CropName))
            + " derotated " + string.Join(' ', PdqDerotate.DefaultAngles.Select(a => a.ToString("0.####", CultureInfo.InvariantCulture)));
        foreach (var f in frames)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"\n{f.FrameNumber},{f.Quality},{f.TimestampSeconds:F3}|")
                + string.Join(' ', f.OffCentre.Select(h => h.ToString())) + "|" + string.Join(' ', f.Derotated.Select(h => h.ToString())) + "|"
                + string.Join(' ', f.Inset.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Region.X},{r.Region.Y},{r.Region.Width},{r.Region.Height}:{r.Hash}")))
                + (f.OffCentreStable.Count > 0 || f.DerotatedStable.Count > 0
                    ? "|" + string.Join(' ', f.OffCentreStable.Select(h => h.ToString())) + "|" + string.Join(' ', f.DerotatedStable.Select(h => h.ToString()))
                    : "");
        }

        return text;
    }

    private static VpdqFrameHypotheses ParseFrameHypotheses(string line)
    {
        var parts = line.Split('|');
        var head = parts[0].Split(',');
        if (parts.Length is not (4 or 6) || head.Length != 3)
        {
            throw new FormatException($"expected frame,quality,seconds|off-centre hashes|de-rotation hashes|insets[|their stable bits|their stable bits] in a frame hypotheses line, got \"{line[..Math.Min(line.Length, 40)]}\"");
        }

        var frame = int.Parse(head[0], NumberStyles.Integer, CultureInfo.InvariantCulture);
        var quality = int.Parse(head[1], NumberStyles.Integer, CultureInfo.InvariantCulture);
        var seconds = double.Parse(head[2], NumberStyles.Float, CultureInfo.InvariantCulture);
        var inset = parts[3].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(r =>
        {
            var rh = r.Split(':');
            var v = rh[0].Split(',').Select(p => int.Parse(p, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
            return rh.Length == 2 && v.Length == 4 ? (new PixelRegion(v[0], v[1], v[2], v[3]), Hash256.Parse(rh[1]))
                : throw new FormatException($"a frame's inset is x,y,w,h:hash: '{r}'");
        }).ToList();
        var (offCentre, derotated) = (HashLine(parts[1]), HashLine(parts[2]));
        List<Hash256> offCentreStable = parts.Length == 6 ? HashLine(parts[4]) : [];
        List<Hash256> derotatedStable = parts.Length == 6 ? HashLine(parts[5]) : [];
        return new VpdqFrameHypotheses(frame, seconds, quality, offCentre, derotated, inset)
        {
            OffCentreStable = offCentreStable.Count == offCentre.Count ? offCentreStable : [],
            DerotatedStable = derotatedStable.Count == derotated.Count ? derotatedStable : [],
        };
    }

    /// <summary>The crop/fill header line of the <c>reframed</c> column.</summary>
    private static string Header => CropsHeader + string.Join(' ', PdqReframe.DefaultCrops.Select(c => c.ToString("0.####", CultureInfo.InvariantCulture)))
        + " fills " + string.Join(' ', PdqReframe.DefaultFills.Select(fill => fill.ToString().ToLowerInvariant()));

    /// <summary>
    /// An image's <c>reframed</c> column holding its hypotheses (<see cref="MediaFeatures.PdqReframed"/>, off-centre,
    /// de-rotated and inset hashes), always with the header line, so that a stored column means "computed" even when a
    /// list is empty (triage computes them once, for the images nothing else matched, and reads them back after).
    /// </summary>
    public static string HypothesesText(MediaFeatures features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var f = features;
        var text = Header + "\n" + string.Join(' ', f.PdqReframed.Select(h => h.ToString()));
        if (f.PdqOffCentre.Count > 0)
        {
            text += "\n" + OffCentreHeader + string.Join(' ', PdqOffCentre.DefaultCrops.Select(CropName)) + "\n" + string.Join(' ', f.PdqOffCentre.Select(h => h.ToString()));
        }

        if (f.PdqOffCentreStable.Count > 0)
        {
            text += "\n" + OffCentreStableHeader + string.Join(' ', PdqOffCentre.DefaultCrops.Select(CropName)) + "\n" + string.Join(' ', f.PdqOffCentreStable.Select(h => h.ToString()));
        }

        if (f.PdqDerotated.Count > 0)
        {
            text += "\n" + DerotatedHeader + string.Join(' ', PdqDerotate.DefaultAngles.Select(a => a.ToString("0.####", CultureInfo.InvariantCulture)))
                + "\n" + string.Join(' ', f.PdqDerotated.Select(h => h.ToString()));
        }

        if (f.PdqDerotatedStable.Count > 0)
        {
            text += "\n" + DerotatedStableHeader + string.Join(' ', PdqDerotate.DefaultAngles.Select(a => a.ToString("0.####", CultureInfo.InvariantCulture)))
                + "\n" + string.Join(' ', f.PdqDerotatedStable.Select(h => h.ToString()));
        }

        if (f.PdqInset.Count > 0)
        {
            text += "\n" + InsetHeader + string.Join(' ', f.PdqInset.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"{r.Region.X},{r.Region.Y},{r.Region.Width},{r.Region.Height}"))) + "\n" + string.Join(' ', f.PdqInset.Select(r => r.Hash.ToString()));
        }

        return text;
    }
}
