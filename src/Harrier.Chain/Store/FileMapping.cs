using System.IO.MemoryMappedFiles;

namespace Harrier.Chain.Store;

/// <summary>
/// A file mapped into memory with a pinned pointer to its first byte: what a column being appended, a column being
/// read and an index run each hold while mapped (one place for the acquire/release pairing).
/// </summary>
internal sealed unsafe class FileMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    /// <summary>Maps <paramref name="bytes"/> bytes of <paramref name="path"/> from its start (0: the whole file).</summary>
    public FileMapping(string path, long bytes, bool writable)
    {
        var access = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, access);
        _view = _file.CreateViewAccessor(0, bytes, access);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Start = p + _view.PointerOffset;
    }

    /// <summary>The file's first byte.</summary>
    public byte* Start { get; }

    public void Flush() => _view.Flush();

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
