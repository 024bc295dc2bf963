using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Metadata;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Tests;

/// <summary><see cref="MediaFactsFormat"/>: rows written before it existed still read, and what it writes reads back unchanged.</summary>
public sealed class MediaFactsFormatTests
{
    [Fact]
    public void Rows_written_by_the_ingest_of_76d6339_read_and_write_back_unchanged()
    {
        var rows = MediaFactsFixture.Load("/evidence", null);
        Assert.Equal(["broken.jpg", "clip.mp4", "framed.jpg", "notes.txt", "photo.jpg"], rows.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, (row, _)) in rows)
        {
            var features = MediaFactsFormat.Read(row);
            Assert.Equal(row, MediaFactsFormat.Write(features, row.Derived));
            Assert.Equal(row.Kind, features.Kind);
            _ = name;
        }

        var photo = MediaFactsFormat.Read(rows["photo.jpg"].Row);
        Assert.Equal((MediaKinds.Image, 320, 240), (photo.Kind, photo.Width, photo.Height));
        Assert.Empty(photo.PdqTrimmed);
        Assert.Equal(PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count, photo.PdqReframed.Count);
        Assert.Equal((0, 0), (photo.PdqOffCentre.Count, photo.PdqDerotated.Count)); // written before issue 21.2/21.4: no migration needed

        var framed = MediaFactsFormat.Read(rows["framed.jpg"].Row);
        Assert.NotEmpty(framed.PdqTrimmed);
        Assert.All(framed.PdqTrimmed, t => Assert.Equal(framed.Pdq!.Value.Quality, t.Quality));

        var clip = MediaFactsFormat.Read(rows["clip.mp4"].Row);
        Assert.Equal((MediaKinds.Video, "h264", 12.0), (clip.Kind, clip.Codec, clip.FrameRate));
        Assert.Equal(24, clip.Vpdq!.Count); // 12 sampled frames, each with the hash inside its letterbox
        Assert.Equal(12, clip.VpdqOverlay!.Count); // the logo painted out
        Assert.Equal(256, clip.TmkLevel1!.Length);
        Assert.Equal(3 * PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count, clip.VpdqReframed!.Count);
        Assert.Null(clip.VpdqDihedral); // written before issue 21.1: no dihedral frame hashes, and no migration needed

        var broken = MediaFactsFormat.Read(rows["broken.jpg"].Row);
        Assert.Equal(MediaKinds.Unreadable, broken.Kind);
        Assert.StartsWith("image does not decode: /evidence/broken.jpg", broken.Error, StringComparison.Ordinal);
        Assert.Equal(["metadata not read (IOException): End of data reached."], broken.Notes);
        Assert.Null(MediaFactsFormat.Read(rows["notes.txt"].Row).Pdq);
    }

    [Fact]
    public void Features_round_trip_through_a_row()
    {
        var h = Enumerable.Range(0, 24).Select(i => Hash256.Parse(new string("0123456789abcdef"[i % 16], 64))).ToArray();
        PdqDihedralResult D(int k) => new(h[k], h[k + 1], h[k + 2], h[k + 3], h[k + 4], h[k + 5], h[k + 6], h[k + 7], 87);
        var image = new MediaFeatures(MediaKinds.Image, "jpeg")
        {
            Width = 640, Height = 480, Pdq = D(0), PdqTrimmed = [D(8), D(16)], PdqReframed = [h[3], h[5]],
            Metadata = new MediaMetadata { CameraMake = "Make", Latitude = -33.8688, Longitude = 151.2093, TakenOriginal = "2021:01:02 03:04:05" },
            Notes = ["one", "two"],
        };
        Assert.Equivalent(image, MediaFactsFormat.Read(MediaFactsFormat.Write(image, "derived/thumbs/1.png")), strict: true);

        // The off-centre and de-rotation hypotheses (issue 21.2, 21.4) after the centre-crop ones, together or alone;
        // a reader that takes only the centre-crop line (version 1) still reads the same centre-crop hashes.
        var hypotheses = image with { PdqOffCentre = [h[6], h[7], h[9]], PdqDerotated = [h[10], h[11]] };
        var row = MediaFactsFormat.Write(hypotheses, null);
        Assert.Equivalent(hypotheses, MediaFactsFormat.Read(row), strict: true);
        Assert.Equal(string.Join(' ', image.PdqReframed.Select(x => x.ToString())), row.Reframed!.Split('\n')[1]);
        Assert.StartsWith("offcentre L0.075 R0.075 T0.075 B0.075 ", row.Reframed.Split('\n')[2], StringComparison.Ordinal);
        Assert.Equal("derotated -3 -2 -1 1 2 3", row.Reframed.Split('\n')[4]);
        // The content-inside-content regions and hashes (issue 21.3) after them, with or without the others.
        var inset = hypotheses with { PdqInset = [(new PixelRegion(10, 20, 300, 200), h[12]), (new PixelRegion(0, 0, 320, 240), h[13])] };
        var insetRow = MediaFactsFormat.Write(inset, null);
        Assert.Equivalent(inset, MediaFactsFormat.Read(insetRow), strict: true);
        Assert.Equal("inset 10,20,300,200 0,0,320,240", insetRow.Reframed!.Split('\n')[6]);
        Assert.Equal(row.Reframed, string.Join('\n', insetRow.Reframed.Split('\n')[..6]));
        foreach (var one in new[] { image with { PdqOffCentre = [h[6]] }, image with { PdqDerotated = [h[10]] }, image with { PdqInset = [(new PixelRegion(1, 2, 3, 4), h[12])] } })
        {
            Assert.Equivalent(one, MediaFactsFormat.Read(MediaFactsFormat.Write(one, null)), strict: true);
        }

        // The off-centre hashes' stable bits: their own pair of lines after the hashes, read back in order; a reader that
        // predates them skips the pair (the rows above, without it, read as before), and a line whose count is not the
        // hashes' count reads as none (compared by the plain distance, never paired with the wrong crop).
        var masked = inset with { PdqOffCentreStable = [h[14], h[15], h[1]], PdqDerotatedStable = [h[2], h[3]] };
        var maskedRow = MediaFactsFormat.Write(masked, null);
        Assert.Equivalent(masked, MediaFactsFormat.Read(maskedRow), strict: true);
        var maskedLines = maskedRow.Reframed!.Split('\n');
        Assert.StartsWith("offcentrestable L0.075 R0.075 T0.075 B0.075 ", maskedLines[4], StringComparison.Ordinal);
        Assert.Equal(string.Join(' ', new[] { h[14], h[15], h[1] }.Select(x => x.ToString())), maskedLines[5]);
        Assert.Equal("derotatedstable -3 -2 -1 1 2 3", maskedLines[8]);
        Assert.Equal(insetRow.Reframed, string.Join('\n', maskedLines[..4].Concat(maskedLines[6..8]).Concat(maskedLines[10..])));
        var short1 = maskedRow with { Reframed = string.Join('\n', maskedLines[..5].Append(h[14].ToString()).Concat(maskedLines[6..])) };
        Assert.Equivalent(inset with { PdqDerotatedStable = [h[2], h[3]] }, MediaFactsFormat.Read(short1), strict: true);

        var video = new MediaFeatures(MediaKinds.Video, "mp4")
        {
            Width = 160, Height = 96, DurationSeconds = 3, FrameRate = 12, Codec = "h264",
            Vpdq = [new VpdqFeature(0, 100, h[1], 0), new VpdqFeature(0, 90, h[2], 0), new VpdqFeature(3, 80, h[4], 0.25)],
            VpdqOverlay = [new VpdqFeature(0, 100, h[6], 0)],
            VpdqReframed = [new VpdqFeature(0, 70, h[7], 0)],
            TmkLevel1 = [.. Enumerable.Range(0, 256).Select(i => i / 7f)],
        };
        Assert.Equivalent(video, MediaFactsFormat.Read(MediaFactsFormat.Write(video, null)), strict: true);

        // The dihedral frame hashes (issue 21.1) after the overlay section, and without one.
        var dihedral = video with { VpdqDihedral = [new VpdqDihedralFrame(0, D(0), 0), new VpdqDihedralFrame(12, D(8), 1)] };
        Assert.Equivalent(dihedral, MediaFactsFormat.Read(MediaFactsFormat.Write(dihedral, null)), strict: true);
        var noOverlay = dihedral with { VpdqOverlay = null };
        Assert.Equivalent(noOverlay, MediaFactsFormat.Read(MediaFactsFormat.Write(noOverlay, null)), strict: true);

        // Frame hypotheses (issue 21.2-21.4 for video), with the off-centre and de-rotation hashes' stable bits as a fifth
        // and a sixth field of each frame's line; a line written before them (four fields), or a field that does not count
        // as many as its hashes, reads as having none.
        var frame = new VpdqFrameHypotheses(0, 0, 90, [h[1], h[2]], [h[3]], [(new PixelRegion(1, 2, 30, 40), h[4])]);
        var hypothesised = video with
        {
            VpdqHypotheses = [frame with { OffCentreStable = [h[5], h[6]], DerotatedStable = [h[7]] }, frame with { FrameNumber = 12, TimestampSeconds = 1 }],
        };
        var hypothesisedRow = MediaFactsFormat.Write(hypothesised, null);
        Assert.Equivalent(hypothesised, MediaFactsFormat.Read(hypothesisedRow), strict: true);
        var frameLines = hypothesisedRow.Reframed!.Split('\n');
        Assert.EndsWith("|" + h[5] + " " + h[6] + "|" + h[7], frameLines[^2], StringComparison.Ordinal);
        Assert.Equal(4, frameLines[^1].Split('|').Length);
        var oneShort = frameLines[^2].Replace(" " + h[6] + "|", "|", StringComparison.Ordinal);
        var mismatched = MediaFactsFormat.Read(hypothesisedRow with { Reframed = string.Join('\n', frameLines[..^2].Append(oneShort).Append(frameLines[^1])) });
        Assert.Equal((0, 1), (mismatched.VpdqHypotheses![0].OffCentreStable.Count, mismatched.VpdqHypotheses[0].DerotatedStable.Count));
        Assert.Equal([h[1], h[2]], mismatched.VpdqHypotheses[0].OffCentre);

        // A video with no frames keeps an empty list (not null), and no overlay stays null.
        var empty = MediaFactsFormat.Read(MediaFactsFormat.Write(new MediaFeatures(MediaKinds.Video, "mp4") { Vpdq = [] }, null));
        Assert.Equal((0, null), (empty.Vpdq!.Count, empty.VpdqOverlay));
    }
}
