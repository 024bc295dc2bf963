using System.Globalization;
using System.Security.Cryptography;
using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Media.Imaging;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>Ingest's metadata facts and derived thumbnails, end to end on both databases.</summary>
public sealed class IngestMediaFactsTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");
    private static readonly string Shoe = TestPaths.Photos("clothing-cc0", "shoes", "07d88b75-85a4-407b-aa73-12294a2ff9a8.jpg");

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), StringComparer.Ordinal);


    /// <summary>The unblurred reference: the source's luma box-averaged to (w, h).</summary>
    private static double SourceEnergyAt(string source, int w, int h)
    {
        using var image = ImageDecoder.Decode(source);
        var sum = new double[w * h];
        var count = new int[w * h];
        var px = image.Pixels;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var o = (y * image.Stride) + (x * image.BytesPerPixel);
                var luma = image.BytesPerPixel == 1 ? px[o] : (0.299 * px[o]) + (0.587 * px[o + 1]) + (0.114 * px[o + 2]);
                var t = (Math.Min(h - 1, y * h / image.Height) * w) + Math.Min(w - 1, x * w / image.Width);
                sum[t] += luma;
                count[t]++;
            }
        }

        return GreyPlanes.HighFrequencyEnergy((x, y) => sum[(y * w) + x] / count[(y * w) + x], w, h);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Metadata_is_stored_thumbnails_are_blurred_greyscale_in_the_case_folder_and_evidence_is_untouched(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var daisy = File.ReadAllBytes(Daisy);
        t.WriteEvidence("photos/plain.jpg", File.ReadAllBytes(Shoe));
        t.WriteEvidence("photos/exif.jpg", ExifJpeg.Insert(daisy, ExifJpeg.SampleTiff()));
        var invalidDate = ExifJpeg.Tiff([ExifJpeg.Ascii(0x010F, ExifJpeg.Make)], [ExifJpeg.Ascii(0x9003, "2021:13:40 25:61:00")], null);
        t.WriteEvidence("photos/bad-exif.jpg", ExifJpeg.Insert(daisy, invalidDate));
        Directory.CreateDirectory(Path.Combine(t.EvidenceDir, "video"));
        FfmpegTool.Run("-f lavfi -i testsrc2=size=160x120:rate=25:duration=4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
            "-metadata creation_time=2024-05-06T07:08:09Z -metadata location=-33.8688+151.2093+058.000/", Path.Combine(t.EvidenceDir, "video", "clip.mov"));
        t.WriteEvidence("notes.txt", "not media"u8.ToArray());
        t.WriteEvidence("scans/page.tif", ExifJpeg.SampleTiff()); // TIFF does not decode here (kind other) but its metadata is read
        var evidenceBefore = Snapshot(t.EvidenceDir);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        var result = await Ingest.RunAsync(store);
        Assert.Equal(6, result.Ingested);
        Assert.Empty(result.Unreadable); // malformed metadata never makes a file unreadable
        Assert.Equal(3, result.Thumbnails);
        Assert.Equal(1, result.KeyframeStrips);
        Assert.Equal(4, result.WithMetadata); // exif.jpg, bad-exif.jpg (its valid make), clip.mov, page.tif
        Assert.Equal(3, result.WithGps);
        Assert.Equal(2, result.WithCameraSerial);
        Assert.Contains(result.Notes, n => n.RelPath == "photos/bad-exif.jpg" && n.Reason.Contains("DateTimeOriginal", StringComparison.Ordinal));
        Assert.All(result.Notes, n => Assert.Equal("photos/bad-exif.jpg", n.RelPath));

        // Evidence: the same files with the same bytes, nothing added beside them.
        Assert.Equal(evidenceBefore, Snapshot(t.EvidenceDir));

        var files = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaFactsStore(store).LoadAsync(CancellationToken.None);
        var exif = facts[files["photos/exif.jpg"]];
        Assert.Equal(MediaKinds.Image, exif.Kind);
        Assert.NotNull(exif.Metadata);
        Assert.Equal(ExifJpeg.Make, exif.Metadata.CameraMake);
        Assert.Equal(ExifJpeg.Model, exif.Metadata.CameraModel);
        Assert.Equal(ExifJpeg.Serial, exif.Metadata.CameraSerial);
        Assert.Equal(ExifJpeg.Software, exif.Metadata.Software);
        Assert.Equal(ExifJpeg.Latitude, exif.Metadata.Latitude!.Value, 9);
        Assert.Equal(ExifJpeg.Longitude, exif.Metadata.Longitude!.Value, 9);
        Assert.Equal(ExifJpeg.Altitude, exif.Metadata.Altitude!.Value, 9);
        Assert.Equal("2021-07-14T16:05:09+02:00", exif.Metadata.TakenOriginal);
        Assert.Equal("2021-07-14T16:05:10", exif.Metadata.TakenDigitized);
        Assert.Empty(exif.Notes);
        Assert.Null(facts[files["photos/plain.jpg"]].Metadata); // the real photo carries no EXIF
        var bad = facts[files["photos/bad-exif.jpg"]];
        Assert.Equal(MediaKinds.Image, bad.Kind);
        Assert.Equal(ExifJpeg.Make, bad.Metadata!.CameraMake);
        Assert.Null(bad.Metadata.TakenOriginal);
        Assert.NotEmpty(bad.Notes);
        var mov = facts[files["video/clip.mov"]];
        Assert.Equal(MediaKinds.Video, mov.Kind);
        Assert.Equal(-33.8688, mov.Metadata!.Latitude!.Value, 9);
        Assert.Equal(151.2093, mov.Metadata.Longitude!.Value, 9);
        Assert.Equal(58.0, mov.Metadata.Altitude!.Value, 9);
        Assert.Equal("2024-05-06T07:08:09Z", mov.Metadata.ContainerCreated);
        Assert.Null(facts[files["notes.txt"]].Metadata);
        var tif = facts[files["scans/page.tif"]];
        Assert.Equal((MediaKinds.Other, "tiff"), (tif.Kind, tif.Format));
        Assert.Equal(ExifJpeg.Serial, tif.Metadata!.CameraSerial);
        Assert.Null(tif.Derived);

        // Derived files: exactly one per image or video, only under CASE/derived, named by evidence id.
        var derived = Path.Combine(t.CaseDir, MediaFactsStore.DerivedFolder);
        var expected = new[] { "photos/plain.jpg", "photos/exif.jpg", "photos/bad-exif.jpg" }
            .Select(p => $"thumbs/{files[p].ToString(CultureInfo.InvariantCulture)}.png")
            .Append($"strips/{files["video/clip.mov"].ToString(CultureInfo.InvariantCulture)}.png").Order(StringComparer.Ordinal);
        Assert.Equal(expected, Directory.EnumerateFiles(derived, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(derived, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.Equal($"derived/thumbs/{files["photos/plain.jpg"]}.png", facts[files["photos/plain.jpg"]].Derived);
        Assert.Null(facts[files["notes.txt"]].Derived);
        var outside = Directory.EnumerateFiles(t.Root, "*.png", SearchOption.AllDirectories).Where(f => !f.StartsWith(derived + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        Assert.Empty(outside);

        foreach (var (rel, source) in new[] { ("photos/plain.jpg", Shoe), ("photos/exif.jpg", Daisy) })
        {
            var (w, h, grey) = GreyPlanes.DecodeGrey(File.ReadAllBytes(Path.Combine(t.CaseDir, facts[files[rel]].Derived!)), rel);
            Assert.Equal(128, Math.Max(w, h));
            var blurred = GreyPlanes.HighFrequencyEnergy((x, y) => grey[(y * w) + x], w, h);
            var sharp = SourceEnergyAt(source, w, h);
            Assert.True(blurred < 0.02 * sharp, $"{rel}: high-frequency energy {blurred:F2} vs {sharp:F2} unblurred");
        }

        var (sw, sh, _) = GreyPlanes.DecodeGrey(File.ReadAllBytes(Path.Combine(t.CaseDir, mov.Derived!)), mov.Derived!);
        Assert.Equal((5 * 128, 96), (sw, sh));

        // The audit log counts what was written; it never holds metadata values or file names.
        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        var ingest = Assert.Single(audit, e => e.Action == "ingest.media");
        Assert.Contains("3 thumbnails, 1 keyframe strips", ingest.Target, StringComparison.Ordinal);
        Assert.Contains("3 with GPS", ingest.Target, StringComparison.Ordinal);
        foreach (var e in audit)
        {
            foreach (var secret in new[] { ExifJpeg.Make, ExifJpeg.Serial, ExifJpeg.Model, "51.5", "-33.86", "151.2", "exif.jpg", "plain.jpg", "clip.mov", "page.tif", "2021-07-14" })
            {
                Assert.DoesNotContain(secret, e.Target + e.Justification, StringComparison.Ordinal);
            }
        }

        Assert.True((await store.Audit.VerifyAsync(CancellationToken.None)).Ok);

        // The report shows counts only: no values, no names.
        await new TriageStore(store).RunAsync("tester", null, null, CancellationToken.None);
        var rows = await new TriageStore(store).LoadAsync(CancellationToken.None);
        Assert.Equal(ExifJpeg.Serial, rows.Single(r => r.RelPath == "photos/exif.jpg").Metadata!.CameraSerial);
        Assert.Equal(mov.Derived, rows.Single(r => r.RelPath == "video/clip.mov").Derived);
        var report = Path.Combine(t.CaseDir, TriageReport.FileName);
        TriageReport.Write(report, "Operation Test", "2025-03-12T06:00:00Z", rows);
        var html = await File.ReadAllTextAsync(report);
        Assert.Contains("<td>GPS position</td><td class=n>1</td><td class=n>1</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>camera serial number</td><td class=n>1</td><td class=n>0</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>blurred thumbnail or strip</td><td class=n>3</td><td class=n>1</td>", html, StringComparison.Ordinal);
        foreach (var secret in new[] { ExifJpeg.Make, ExifJpeg.Serial, "51.5", "151.2", "exif.jpg", "derived/", ".png" })
        {
            Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task No_thumbnails_writes_no_derived_files_and_a_rerun_ingests_nothing_twice()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        t.WriteEvidence("a.jpg", File.ReadAllBytes(Shoe));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var first = await Ingest.RunAsync(store, null);
        Assert.Equal((1, 0, 0), (first.Ingested, first.Thumbnails, first.KeyframeStrips));
        Assert.False(Directory.Exists(Path.Combine(t.CaseDir, MediaFactsStore.DerivedFolder)));
        var again = await Ingest.RunAsync(store);
        Assert.Equal((0, 1, 0), (again.Ingested, again.AlreadyIngested, again.Thumbnails));
        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "ingest.media.start" && e.Target.EndsWith("no thumbnails", StringComparison.Ordinal));
    }
}
