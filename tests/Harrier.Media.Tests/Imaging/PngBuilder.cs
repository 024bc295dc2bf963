using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Harrier.Media.Tests.Imaging;

/// <summary>Writes minimal PNG files (IHDR, IDAT, IEND) for decoder tests, including deliberately hostile ones.</summary>
internal static class PngBuilder
{
    /// <summary>A PNG whose IDAT holds <paramref name="height"/> rows of filter byte 0 plus <paramref name="rowBytes"/> bytes from <paramref name="row"/>.</summary>
    public static byte[] Build(int width, int height, byte colorType, int rowBytes, Func<int, byte[]> row, int declaredWidth = -1, int declaredHeight = -1, byte bitDepth = 8)
    {
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var line = new byte[rowBytes + 1];
            for (var y = 0; y < height; y++)
            {
                line[0] = 0;
                row(y).AsSpan(0, rowBytes).CopyTo(line.AsSpan(1));
                z.Write(line);
            }
        }

        return Assemble(declaredWidth < 0 ? width : declaredWidth, declaredHeight < 0 ? height : declaredHeight, colorType, idat.ToArray(), bitDepth);
    }

    /// <summary>A PNG with the given header and raw (already compressed) IDAT payload.</summary>
    public static byte[] Assemble(int width, int height, byte colorType, byte[] idat, byte bitDepth = 8)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(len, Crc32(typed));
        s.Write(len);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
