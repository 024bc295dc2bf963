using Harrier.Media.Metadata;
using Harrier.Testing;

namespace Harrier.Media.Tests.Metadata;

public sealed class MediaMetadataReaderTests
{
    private static string Photo(string group, string cls, string name) => TestPaths.Photos(group, cls, name);

    private static readonly string Daisy = Photo("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");

    private static MediaMetadata ReadBytes(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return MediaMetadataReader.Read(stream);
    }

    [Fact]
    public void Real_photos_carry_no_exif_and_give_no_facts_and_no_notes()
    {
        // The repository photos (data/photos) are published originals with JFIF (and some ICC) segments only: nothing may be invented.
        var photos = Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).ToList();
        Assert.True(photos.Count > 500, $"{photos.Count} photos");
        foreach (var path in photos)
        {
            var m = MediaMetadataReader.Read(path);
            Assert.False(m.HasFacts, path);
            Assert.Empty(m.Notes);
        }
    }

    [Fact]
    public void Exif_written_into_a_real_photo_is_read_back_exactly()
    {
        var before = File.ReadAllBytes(Daisy);
        var m = ReadBytes(ExifJpeg.Insert(before, ExifJpeg.SampleTiff()));
        Assert.Empty(m.Notes);
        Assert.Equal(ExifJpeg.Make, m.CameraMake);
        Assert.Equal(ExifJpeg.Model, m.CameraModel);
        Assert.Equal(ExifJpeg.Serial, m.CameraSerial);
        Assert.Equal(ExifJpeg.Software, m.Software);
        Assert.Equal(ExifJpeg.Latitude, m.Latitude!.Value, 9);
        Assert.Equal(ExifJpeg.Longitude, m.Longitude!.Value, 9);
        Assert.Equal(ExifJpeg.Altitude, m.Altitude!.Value, 9);
        Assert.Equal("2021-07-14T16:05:09+02:00", m.TakenOriginal);
        Assert.Equal("2021-07-14T16:05:10", m.TakenDigitized); // no OffsetTimeDigitized: no offset invented
        Assert.Null(m.ContainerCreated);
        Assert.True(m.HasGps);
        Assert.Equal(before, File.ReadAllBytes(Daisy)); // reading never writes
    }

    [Fact]
    public void A_bare_tiff_structure_is_read_as_a_tiff_file()
    {
        // A TIFF file is the same structure without the JPEG around it (as in camera raw and scanner output).
        var m = ReadBytes(ExifJpeg.SampleTiff());
        Assert.Empty(m.Notes);
        Assert.Equal(ExifJpeg.Serial, m.CameraSerial);
        Assert.Equal(ExifJpeg.Latitude, m.Latitude!.Value, 9);
    }

    [Fact]
    public void Southern_and_below_sea_level_positions_are_negative()
    {
        var tiff = ExifJpeg.Tiff([ExifJpeg.Ascii(0x010F, "X")], null,
        [
            ExifJpeg.Ascii(0x0001, "S"), ExifJpeg.Rationals(0x0002, (33, 1), (51, 1), (0, 1)),
            ExifJpeg.Ascii(0x0003, "E"), ExifJpeg.Rationals(0x0004, (151, 1), (12, 1), (36, 1)),
            ExifJpeg.Bytes(0x0005, 1), ExifJpeg.Rationals(0x0006, (12, 1)),
        ]);
        var m = ReadBytes(ExifJpeg.Insert(File.ReadAllBytes(Daisy), tiff));
        Assert.Equal(-(33 + (51 / 60.0)), m.Latitude!.Value, 9);
        Assert.Equal(151 + (12 / 60.0) + (36 / 3600.0), m.Longitude!.Value, 9);
        Assert.Equal(-12, m.Altitude!.Value, 9);
    }

    [Fact]
    public void Malformed_metadata_gives_notes_never_an_exception()
    {
        var photo = File.ReadAllBytes(Daisy);

        // IFD0 offset far beyond the segment: the library notes it and recovers from the usual offset (8).
        var broken = ExifJpeg.SampleTiff();
        BitConverter.GetBytes(0x7FFF_0000u).CopyTo(broken, 4);
        var m1 = ReadBytes(ExifJpeg.Insert(photo, broken));
        Assert.Contains(m1.Notes, n => n.Contains("offset", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(ExifJpeg.Make, m1.CameraMake);

        // The Exif sub-IFD pointer aimed outside the data: IFD0 facts stay, the pointer is a note.
        var dangling = ExifJpeg.SampleTiff();
        var entries = BitConverter.ToUInt16(dangling, 8);
        for (var i = 0; i < entries; i++)
        {
            var e = 8 + 2 + (12 * i);
            if (BitConverter.ToUInt16(dangling, e) == 0x8769)
            {
                BitConverter.GetBytes(0x00FF_FFF0u).CopyTo(dangling, e + 8);
            }
        }

        var m4 = ReadBytes(ExifJpeg.Insert(photo, dangling));
        Assert.NotEmpty(m4.Notes);
        Assert.Equal(ExifJpeg.Make, m4.CameraMake);
        Assert.Null(m4.TakenOriginal);
        Assert.Null(m4.CameraSerial);

        // A readable structure with impossible values: a zero denominator, a month 13, an offset that is not ±HH:MM.
        var invalid = ExifJpeg.Tiff([ExifJpeg.Ascii(0x010F, ExifJpeg.Make)],
            [ExifJpeg.Ascii(0x9003, "2021:13:40 25:61:00"), ExifJpeg.Ascii(0x9004, "2021:07:14 16:05:10"), ExifJpeg.Ascii(0x9012, "CEST")],
            [ExifJpeg.Ascii(0x0001, "N"), ExifJpeg.Rationals(0x0002, (51, 0), (0, 0), (0, 0)), ExifJpeg.Ascii(0x0003, "E"), ExifJpeg.Rationals(0x0004, (1, 1), (0, 1), (0, 1))]);
        var m2 = ReadBytes(ExifJpeg.Insert(photo, invalid));
        Assert.Equal(ExifJpeg.Make, m2.CameraMake); // what is valid is kept
        Assert.Null(m2.TakenOriginal);
        Assert.Equal("2021-07-14T16:05:10", m2.TakenDigitized);
        Assert.False(m2.HasGps);
        Assert.Contains(m2.Notes, n => n.Contains("DateTimeOriginal", StringComparison.Ordinal));
        Assert.Contains(m2.Notes, n => n.Contains("DateTimeDigitized offset", StringComparison.Ordinal));
        Assert.Contains(m2.Notes, n => n.Contains("GPS position", StringComparison.Ordinal));

        // A JPEG cut inside its APP1 segment, and bytes that are no known format.
        var cut = ExifJpeg.Insert(photo, ExifJpeg.SampleTiff())[..60];
        Assert.NotEmpty(ReadBytes(cut).Notes);
        var random = new byte[4096];
        new Random(5).NextBytes(random);
        var m3 = ReadBytes(random);
        Assert.NotEmpty(m3.Notes);
        Assert.False(m3.HasFacts);
    }

    [Theory]
    [InlineData("+48.8584+002.2945/", 48.8584, 2.2945, null)]
    [InlineData("-33.8688+151.2093+058.000/", -33.8688, 151.2093, 58.0)]
    [InlineData("+4851.504+00217.670/", 48.8584, 2.29450, null)]
    [InlineData("+485130.24-0001739.6CRSWGS_84/", 48.8584, -0.29433333, null)]
    public void Iso6709_points_parse(string text, double lat, double lon, double? alt)
    {
        var p = MediaMetadataReader.ParseIso6709(text);
        Assert.NotNull(p);
        Assert.Equal(lat, p.Value.Lat, 4);
        Assert.Equal(lon, p.Value.Lon, 4);
        Assert.Equal(alt, p.Value.Alt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("48.8584,2.2945")]
    [InlineData("+98.0+002.0/")]
    [InlineData("+48.0+202.0/")]
    [InlineData("+4875.0+00217.0/")]
    public void Invalid_iso6709_points_are_refused(string text) => Assert.Null(MediaMetadataReader.ParseIso6709(text));

    [Fact]
    public void QuickTime_gps_and_creation_time_are_read_from_a_mov_and_mp4_creation_time()
    {
        var dir = Directory.CreateTempSubdirectory("harrier-meta-").FullName;
        try
        {
            var mov = Path.Combine(dir, "gps.mov");
            FfmpegTool.Run("-f lavfi -i testsrc2=size=64x48:rate=10:duration=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
                "-metadata creation_time=2024-05-06T07:08:09Z -metadata location=+48.8584+002.2945/", mov);
            var m = MediaMetadataReader.Read(mov);
            Assert.Empty(m.Notes);
            Assert.Equal(48.8584, m.Latitude!.Value, 9);
            Assert.Equal(2.2945, m.Longitude!.Value, 9);
            Assert.Equal("2024-05-06T07:08:09Z", m.ContainerCreated);

            var mp4 = Path.Combine(dir, "plain.mp4");
            FfmpegTool.Run("-f lavfi -i testsrc2=size=64x48:rate=10:duration=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p " +
                "-metadata creation_time=2023-01-02T03:04:05Z", mp4);
            var p = MediaMetadataReader.Read(mp4);
            Assert.Equal("2023-01-02T03:04:05Z", p.ContainerCreated);
            Assert.False(p.HasGps);

            // ffmpeg's default creation time is 0 (1904-01-01, the QuickTime epoch): not a fact.
            var unset = Path.Combine(dir, "unset.mp4");
            FfmpegTool.Run("-f lavfi -i testsrc2=size=64x48:rate=10:duration=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p", unset);
            Assert.False(MediaMetadataReader.Read(unset).HasFacts);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

}
