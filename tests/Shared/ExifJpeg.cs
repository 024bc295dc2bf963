using System.Buffers.Binary;
using System.Text;

namespace Harrier.Testing;

/// <summary>
/// Writes EXIF by hand: a little-endian TIFF structure (IFD0, Exif sub-IFD, GPS IFD) in an APP1 segment spliced
/// into a JPEG right after SOI, so tests know every value the reader must find.
/// </summary>
internal static class ExifJpeg
{
    public sealed record Tag(ushort Id, ushort Type, uint Count, byte[] Value);

    public const string Make = "Harrier Test Cam";
    public const string Model = "HT-1";
    public const string Software = "harrier-test 1.0";
    public const string Serial = "SN-0042-TEST";

    /// <summary>51°30'26.4" N, 0°7'39.6" W, 35.5 m.</summary>
    public const double Latitude = 51 + (30 / 60.0) + (26.4 / 3600);
    public const double Longitude = -((7 / 60.0) + (39.6 / 3600));
    public const double Altitude = 35.5;

    public static Tag Ascii(ushort id, string s)
    {
        var b = Encoding.ASCII.GetBytes(s + "\0");
        return new Tag(id, 2, (uint)b.Length, b);
    }

    public static Tag Bytes(ushort id, params byte[] v) => new(id, 1, (uint)v.Length, v);

    public static Tag Rationals(ushort id, params (uint N, uint D)[] v)
    {
        var b = new byte[v.Length * 8];
        for (var i = 0; i < v.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 8), v[i].N);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((i * 8) + 4), v[i].D);
        }

        return new Tag(id, 5, (uint)v.Length, b);
    }

    /// <summary>The full sample: camera, serial, dates with an offset, and a GPS position with altitude.</summary>
    public static byte[] SampleTiff() => Tiff(
        [Ascii(0x010F, Make), Ascii(0x0110, Model), Ascii(0x0131, Software)],
        [Ascii(0x9003, "2021:07:14 16:05:09"), Ascii(0x9004, "2021:07:14 16:05:10"), Ascii(0x9011, "+02:00"), Ascii(0xA431, Serial)],
        [
            Bytes(0x0000, 2, 3, 0, 0), Ascii(0x0001, "N"), Rationals(0x0002, (51, 1), (30, 1), (264, 10)),
            Ascii(0x0003, "W"), Rationals(0x0004, (0, 1), (7, 1), (396, 10)), Bytes(0x0005, 0), Rationals(0x0006, (355, 10)),
        ]);

    /// <summary>A TIFF structure ("II") with IFD0 and, when given, the Exif and GPS IFDs it points to.</summary>
    public static byte[] Tiff(IReadOnlyList<Tag> ifd0, IReadOnlyList<Tag>? exif, IReadOnlyList<Tag>? gps)
    {
        var ifds = new List<List<Tag>> { new(ifd0) };
        if (exif is not null)
        {
            ifds.Add(new(exif));
        }

        if (gps is not null)
        {
            ifds.Add(new(gps));
        }

        // Pointers are LONGs whose values are only known once every IFD is placed: add placeholders first.
        if (exif is not null)
        {
            ifds[0].Add(new Tag(0x8769, 4, 1, new byte[4]));
        }

        if (gps is not null)
        {
            ifds[0].Add(new Tag(0x8825, 4, 1, new byte[4]));
        }

        ifds[0].Sort((a, b) => a.Id.CompareTo(b.Id));
        var offsets = new List<int>();
        var at = 8;
        foreach (var ifd in ifds)
        {
            offsets.Add(at);
            at += 2 + (12 * ifd.Count) + 4 + ifd.Sum(t => t.Value.Length > 4 ? t.Value.Length + (t.Value.Length & 1) : 0);
        }

        var exifAt = exif is not null ? offsets[1] : 0;
        var gpsAt = gps is not null ? offsets[^1] : 0;
        var buffer = new byte[at];
        "II"u8.CopyTo(buffer);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), 8);
        for (var n = 0; n < ifds.Count; n++)
        {
            var ifd = ifds[n];
            var pos = offsets[n];
            var data = pos + 2 + (12 * ifd.Count) + 4;
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(pos), (ushort)ifd.Count);
            for (var i = 0; i < ifd.Count; i++)
            {
                var t = ifd[i];
                var e = pos + 2 + (12 * i);
                BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(e), t.Id);
                BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(e + 2), t.Type);
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(e + 4), t.Count);
                var value = n == 0 && t.Id == 0x8769 ? BitConverter.GetBytes((uint)exifAt)
                    : n == 0 && t.Id == 0x8825 ? BitConverter.GetBytes((uint)gpsAt) : t.Value;
                if (value.Length <= 4)
                {
                    value.CopyTo(buffer.AsSpan(e + 8));
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(e + 8), (uint)data);
                    value.CopyTo(buffer.AsSpan(data));
                    data += value.Length + (value.Length & 1);
                }
            }
        }

        return buffer;
    }

    /// <summary><paramref name="jpeg"/> with an APP1 "Exif" segment holding <paramref name="tiff"/> right after SOI.</summary>
    public static byte[] Insert(byte[] jpeg, byte[] tiff)
    {
        if (jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ArgumentException("not a JPEG", nameof(jpeg));
        }

        var length = 2 + 6 + tiff.Length;
        var segment = new byte[2 + length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)length);
        "Exif\0\0"u8.CopyTo(segment.AsSpan(4));
        tiff.CopyTo(segment.AsSpan(10));
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }
}
