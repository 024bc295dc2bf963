using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Harrier.Chain.Store;

/// <summary>
/// A store column being appended to in place: the file (header and elements, as <see cref="ColumnFile"/> reads it) is
/// mapped read-write with room to grow (doubling), new elements are written after the committed ones, and elements
/// already stored can be read or updated (an output's spending input). Nothing before the committed count is moved or
/// rewritten. <see cref="Commit"/> trims the file to its elements and writes the count into the header; the manifest,
/// written after every column is committed, is what makes the new elements part of the store.
/// </summary>
internal sealed unsafe class ColumnWriter<T> : IRemappable
    where T : unmanaged
{
    private readonly string _path;
    private FileMapping? _map;
    private T* _items;
    private long _capacity;

    /// <summary>Opens (or creates) the column at <paramref name="path"/> holding <paramref name="committed"/> elements.</summary>
    public ColumnWriter(string path, long committed)
    {
        _path = path;
        if (!File.Exists(path))
        {
            if (committed != 0)
            {
                throw new InvalidDataException($"{path}: column missing from the store");
            }

            ColumnFile.Write<T>(path, []);
        }
        else
        {
            // Checks the header and that the committed elements are there (a killed import may have left more).
            ColumnFile.Map<T>(path, committed).Dispose();
        }

        Count = committed;
        _capacity = Math.Max(committed + (committed / 4), 1 << 16);
        Map();
    }

    public long Count { get; private set; }

    public ref T this[long index] => ref _items[index];

    /// <summary>Asks the CPU to start loading element <paramref name="index"/> (a hint: no fault, no effect on results).</summary>
    public void Prefetch(long index)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_items + index);
        }
    }

    public void Add(T value)
    {
        if (Count == _capacity)
        {
            Grow(Count + 1);
        }

        _items[Count++] = value;
    }

    public void AddRange(ReadOnlySpan<T> values)
    {
        if (Count + values.Length > _capacity)
        {
            Grow(Count + values.Length);
        }

        values.CopyTo(new Span<T>(_items + Count, values.Length));
        Count += values.Length;
    }

    /// <summary>Unmaps and maps again: the pages written or read so far stop counting as this process's resident memory.</summary>
    public void Remap()
    {
        Unmap();
        Map();
    }

    /// <summary>Flushes, trims the file to its elements and writes the count into the header.</summary>
    public void Commit()
    {
        Close();
        Map();
    }

    /// <summary>
    /// <see cref="Commit"/> and no remap: the file is left exactly a column file of <see cref="Count"/> elements (a
    /// remap would grow it to the capacity again), and the writer is done.
    /// </summary>
    public void Close()
    {
        _map?.Flush();
        Unmap();
        using (var fs = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            fs.SetLength(ColumnFile.HeaderSize + (Count * Marshal.SizeOf<T>()));
            Span<byte> count = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(count, Count);
            fs.Position = 8;
            fs.Write(count);
            fs.Flush(flushToDisk: true);
        }
    }

    private void Grow(long needed)
    {
        var capacity = _capacity;
        while (capacity < needed)
        {
            capacity *= 2;
        }

        Unmap();
        _capacity = capacity;
        Map();
    }

    private void Map()
    {
        var bytes = ColumnFile.HeaderSize + (_capacity * Marshal.SizeOf<T>());
        using (var fs = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            if (fs.Length < bytes)
            {
                fs.SetLength(bytes);
            }
        }

        _map = new FileMapping(_path, bytes, writable: true);
        _items = (T*)(_map.Start + ColumnFile.HeaderSize);
    }

    private void Unmap()
    {
        _map?.Dispose();
        _map = null;
        _items = null;
    }

    public void Dispose() => Unmap();
}

/// <summary>A column being appended: remapped to drop resident pages, committed at the end of an import.</summary>
internal interface IRemappable : IDisposable
{
    void Remap();

    void Commit();
}
