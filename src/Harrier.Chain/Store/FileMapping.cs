using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace Harrier.Chain.Store;

/// <summary>
/// A file mapped into memory with a pinned pointer to its first byte: what a column being appended, a column being
/// read and an index run each hold while mapped (one place for the acquire/release pairing).
/// </summary>
internal sealed unsafe partial class FileMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    /// <summary>Maps <paramref name="bytes"/> bytes of <paramref name="path"/> from its start (0: the whole file).</summary>
    public FileMapping(string path, long bytes, bool writable)
        : this(MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, Access(writable)), bytes, writable)
    {
    }

    /// <summary>Maps <paramref name="bytes"/> bytes of the file <paramref name="stream"/> has open (left open: the caller goes on writing it).</summary>
    public FileMapping(FileStream stream, long bytes, bool writable)
        : this(MemoryMappedFile.CreateFromFile(stream, null, 0, Access(writable), HandleInheritability.None, leaveOpen: true), bytes, writable)
    {
    }

    private FileMapping(MemoryMappedFile file, long bytes, bool writable)
    {
        _file = file;
        _view = _file.CreateViewAccessor(0, bytes, Access(writable));
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        Start = p + _view.PointerOffset;
    }

    private static MemoryMappedFileAccess Access(bool writable) => writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;

    /// <summary>The file's first byte.</summary>
    public byte* Start { get; }

    public void Flush() => _view.Flush();

    /// <summary>
    /// Tells the kernel the mapping is read at random (<c>MADV_RANDOM</c>): a page not in memory is read alone, not
    /// with the 128 KB around it, which under memory pressure would evict pages still needed for pages never read.
    /// Advice only: where it is refused or not Linux, nothing changes. (Matching's <c>LargeMemory</c> has its own
    /// madvise call: engines do not reference each other, and two lines are not worth a shared project.)
    /// </summary>
    public void AdviseRandom(long bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes <= 0)
        {
            return;
        }

        var start = (nint)Start & ~(nint)(Environment.SystemPageSize - 1);
        _ = Madvise(start, (nuint)(bytes + ((nint)Start - start)), MadvRandom);
    }

    private const int MadvRandom = 1;

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
