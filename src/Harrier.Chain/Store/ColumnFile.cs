using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Harrier.Chain.Store;

/// <summary>
/// One column on disk: a 32-byte header (magic <c>HRCC</c>, format version, element size, element count) and then
/// the elements, little-endian, fixed size. Written whole to a temporary file and renamed into place; read through
/// a memory map.
/// </summary>
internal static class ColumnFile
{
    public const int HeaderSize = 32;
    public const ushort FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "HRCC"u8;

    public static void Write<T>(string path, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)Marshal.SizeOf<T>());
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], values.Length);
            fs.Write(header);
            fs.Write(MemoryMarshal.AsBytes(values));
            fs.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Maps a column read-only and checks its header.</summary>
    public static MappedColumn<T> Map<T>(string path)
        where T : unmanaged => Map<T>(path, null);

    /// <summary>
    /// Maps the first <paramref name="committed"/> elements of a store column read-only (null: the header's count, which
    /// must match the file). A store column may be longer than the manifest says: an import that was killed appended
    /// elements no manifest names, and they are not read.
    /// </summary>
    public static MappedColumn<T> Map<T>(string path, long? committed)
        where T : unmanaged
    {
        var length = new FileInfo(path).Length;
        if (length < HeaderSize)
        {
            throw new InvalidDataException($"{path}: column file too short ({length} bytes)");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        using (var fs = File.OpenRead(path))
        {
            fs.ReadExactly(header);
        }

        if (!header[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a Harrier column file");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{path}: column format version {version}, this build reads {FormatVersion}");
        }

        var size = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (size != Marshal.SizeOf<T>())
        {
            throw new InvalidDataException($"{path}: element size {size}, expected {Marshal.SizeOf<T>()}");
        }

        var count = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        if (committed is { } c)
        {
            if (HeaderSize + (c * size) > length)
            {
                throw new InvalidDataException($"{path}: the manifest says {c} elements, the file holds {(length - HeaderSize) / size}");
            }

            count = c;
        }
        else if (HeaderSize + (count * size) != length)
        {
            throw new InvalidDataException($"{path}: header says {count} elements, file holds {(length - HeaderSize) / size}");
        }

        return new MappedColumn<T>(path, count);
    }
}

/// <summary>A read-only memory-mapped column; <see cref="Span"/> is valid until disposed.</summary>
internal sealed unsafe class MappedColumn<T> : IDisposable
    where T : unmanaged
{
    private readonly FileMapping? _map;
    private readonly byte* _pointer;
    private readonly long _count;
    private readonly string _path;

    public MappedColumn(string path, long count)
    {
        // A column may pass 2^31 elements (the address scripts of a 50 M-transaction chain are 3.2 GB): it is read in
        // slices (Slice) then, and only Span, the whole column as one span, is refused.
        _path = path;
        _count = count;
        if (count == 0)
        {
            return;
        }

        _map = new FileMapping(path, 0, writable: false);
        _pointer = _map.Start + ColumnFile.HeaderSize;
    }

    public long Count => _count;

    /// <summary>The whole column, indexed by long (any length).</summary>
    public ColumnSpan<T> Column => new((T*)_pointer, _count);

    /// <summary>The whole column as one span; refused past 2^31 elements (use <see cref="Slice"/>).</summary>
    public ReadOnlySpan<T> Span => _count == 0 ? []
        : _count <= int.MaxValue ? new ReadOnlySpan<T>(_pointer, (int)_count)
        : throw new InvalidOperationException($"{_path}: {_count} elements are more than one span holds; read it in slices");

    /// <summary><paramref name="length"/> elements from <paramref name="start"/>, anywhere in the column.</summary>
    public ReadOnlySpan<T> Slice(long start, int length)
    {
        if (start < 0 || length < 0 || start + length > _count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"{_path}: elements {start}..{start + length} of {_count}");
        }

        return length == 0 ? [] : new ReadOnlySpan<T>(_pointer + (start * sizeof(T)), length);
    }

    public void Dispose() => _map?.Dispose();
}
