using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Harrier.Media.Tmk;

/// <summary>
/// The reference <c>.tmk</c> layout (spec §3.5), little-endian: a 32-byte header <c>TMK1</c> <c>FVEC</c> <c>PDQF</c>,
/// int32 framesPerSecond, numPeriods, numFourierCoefficients, frameFeatureDimension, frameFeatureCount; then int32
/// periods, float32 coefficients, float32 average, float32 cos[P][m][d], float32 sin[P][m][d] (263,344 bytes with the
/// standard parameters).
/// </summary>
public static class TmkFormat
{
    private const int HeaderLength = 32;
    private const int MaxCount = 1 << 16;

    /// <summary>The largest hash read: 64 MiB, 250 times the standard 263,344 bytes.</summary>
    private const long MaxFileBytes = 64L << 20;

    /// <summary>The file length with the standard parameters.</summary>
    public static int StandardLength => Length(TmkParameters.Periods.Count, TmkParameters.FourierCoefficientCount, TmkParameters.FeatureDimension);

    /// <summary>Writes <paramref name="features"/> in the reference layout.</summary>
    public static void Write(Stream stream, TmkFeatures features)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(features);
        var p = features.Periods.Count;
        var m = features.FourierCoefficients.Count;
        var d = features.Dimension;
        var bytes = new byte[Length(p, m, d)];
        var span = bytes.AsSpan();
        Encoding.ASCII.GetBytes("TMK1FVECPDQF", span);
        int[] header = [features.FramesPerSecond, p, m, d, features.FrameCount];
        for (var i = 0; i < header.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[(12 + (4 * i))..], header[i]);
        }

        var offset = HeaderLength;
        foreach (var period in features.Periods)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[offset..], period);
            offset += 4;
        }

        offset = WriteFloats(span, offset, features.FourierCoefficients.ToArray());
        offset = WriteFloats(span, offset, features.Average.Span);
        offset = WriteFloats(span, offset, features.Cos.Span);
        WriteFloats(span, offset, features.Sin.Span);
        stream.Write(bytes);
    }

    /// <summary>Writes a <c>.tmk</c> file.</summary>
    public static void WriteFile(string path, TmkFeatures features)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(stream, features);
    }

    /// <summary>Reads a <c>.tmk</c> hash.</summary>
    /// <exception cref="TmkFormatException">Wrong magic, implausible sizes (over 64 MiB in all), or a truncated or oversized file.</exception>
    public static TmkFeatures Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[HeaderLength];
        if (stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength)
        {
            throw new TmkFormatException("truncated: shorter than the 32-byte TMK header");
        }

        if (!header[..12].SequenceEqual("TMK1FVECPDQF"u8))
        {
            throw new TmkFormatException("not a TMK+PDQF file (the header must start with TMK1 FVEC PDQF)");
        }

        var fps = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var p = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        var m = BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
        var d = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        if (p is < 1 or > 64 || m is < 1 or > 1024 || d is < 1 or > MaxCount || count < 0 || fps < 1)
        {
            throw new TmkFormatException(string.Create(CultureInfo.InvariantCulture,
                $"implausible header: fps {fps}, periods {p}, coefficients {m}, dimension {d}, frames {count}"));
        }

        // The size the header declares is checked before anything is allocated: a 32-byte file must not ask for
        // gigabytes (or overflow the length) whatever its header says (fuzz/regressions/tmk).
        var length = HeaderLength + (4L * p) + (4L * m) + (4L * d) + (8L * p * m * d);
        if (length > MaxFileBytes)
        {
            throw new TmkFormatException(string.Create(CultureInfo.InvariantCulture,
                $"implausible header: periods {p}, coefficients {m}, dimension {d} make a {length:N0}-byte hash, more than {MaxFileBytes:N0}"));
        }

        if (stream.CanSeek && stream.Length - stream.Position < length - HeaderLength)
        {
            throw new TmkFormatException(string.Create(CultureInfo.InvariantCulture,
                $"truncated: {HeaderLength + stream.Length - stream.Position} bytes, expected {length}"));
        }

        var body = new byte[length - HeaderLength];
        var read = stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
        if (read < body.Length)
        {
            throw new TmkFormatException(string.Create(CultureInfo.InvariantCulture, $"truncated: {HeaderLength + read} bytes, expected {HeaderLength + body.Length}"));
        }

        if (stream.ReadByte() >= 0)
        {
            throw new TmkFormatException(string.Create(CultureInfo.InvariantCulture, $"trailing bytes after the {HeaderLength + body.Length}-byte hash"));
        }

        var span = body.AsSpan();
        var periods = new int[p];
        for (var i = 0; i < p; i++)
        {
            periods[i] = BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]);
            if (periods[i] < 1)
            {
                throw new TmkFormatException($"period {i} is not positive");
            }
        }

        var offset = 4 * p;
        var coefficients = ReadFloats(span, ref offset, m);
        var average = ReadFloats(span, ref offset, d);
        var cos = ReadFloats(span, ref offset, p * m * d);
        var sin = ReadFloats(span, ref offset, p * m * d);
        return new TmkFeatures(fps, count, periods, coefficients, average, cos, sin);
    }

    /// <summary>Reads a <c>.tmk</c> file; errors name the file.</summary>
    public static TmkFeatures ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        try
        {
            return Read(stream);
        }
        catch (TmkFormatException e)
        {
            throw new TmkFormatException($"{path}: {e.Message}", e);
        }
    }

    private static int Length(int p, int m, int d) => checked(HeaderLength + (4 * p) + (4 * m) + (4 * d) + (2 * 4 * p * m * d));

    private static int WriteFloats(Span<byte> dst, int offset, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(dst[offset..]);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(dst[(offset + (4 * i))..], values[i]);
            }
        }

        return offset + (4 * values.Length);
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> src, ref int offset, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(offset + (4 * i))..]);
        }

        offset += 4 * count;
        return values;
    }
}
