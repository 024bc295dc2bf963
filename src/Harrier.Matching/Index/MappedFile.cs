using System.IO.MemoryMappedFiles;

namespace Harrier.Matching.Index;

/// <summary>A read-only memory mapping of a whole file with its base pointer acquired.</summary>
internal sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private bool _released;
    private int _references = 1;

    public MappedFile(string path, long length)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, capacity: 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            Base = p + _view.PointerOffset;
            Length = length;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public byte* Base { get; }

    public long Length { get; }

    /// <summary>Takes one more reference (multi-index tables read in place keep the mapping alive after the store copies itself).</summary>
    public void Retain() => Interlocked.Increment(ref _references);

    /// <summary>Lets go of one reference; the last one unmaps the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        if (!_released)
        {
            _released = true;
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }

        _view.Dispose();
        _file.Dispose();
    }
}
