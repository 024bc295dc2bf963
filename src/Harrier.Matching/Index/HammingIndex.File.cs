using System.Buffers.Binary;

namespace Harrier.Matching.Index;

/// <summary>How much of an index file <see cref="HammingIndex.Open"/> checks before returning.</summary>
public enum IndexVerification
{
    /// <summary>Header fields, header checksum and section bounds, then the payload checksum over every byte (parallel).</summary>
    Full,

    /// <summary>Header fields, header checksum and section bounds only; call <see cref="HammingIndex.VerifyPayload"/> later.</summary>
    HeaderOnly,
}

/// <summary>
/// File format, version 1 (little-endian):
/// <code>
/// offset size  field
///   0     8    magic "HRRIDX\r\n" (the CR LF catches text-mode transfers)
///   8     4    format version (1)
///  12     4    header size (4096: the sections start page-aligned so the mapped blocks are 64-byte aligned)
///  16     8    entry count N (tombstoned entries included)
///  24     8    live entry count
///  32     8    blocks offset   (N rounded up to 8 × 32 bytes: word-major blocks of eight hashes)
///  40     8    ids offset      (N × 8 bytes, int64)
///  48     8    quality offset  (N bytes; 255 = none)
///  56     8    tombstone offset ((N+63)/64 × 8 bytes, bit i = entry i removed)
///  64     8    file length
///  72     8    payload checksum (Checksum64 over bytes [header size, file length))
///  80     8    header checksum (Checksum64 over bytes [0, 80))
///  88..4095    zero
/// </code>
/// Each section starts on a 64-byte boundary; gaps are zero. Opening reads the header with ordinary I/O,
/// checks it, then maps the file read-only and searches it in place: nothing is copied, so open time does
/// not grow with N except for the optional payload check. Multi-index tables are not stored; they are
/// rebuilt on demand (about a second per 10M entries).
/// </summary>
public sealed partial class HammingIndex
{
    private const int FormatVersion = 1;
    private const int HeaderSize = 4096;
    private static ReadOnlySpan<byte> Magic => "HRRIDX\r\n"u8;

    /// <summary>Saves the index to <paramref name="path"/> (written to a temporary file, then moved into place).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = full + ".tmp-" + Environment.ProcessId;
        var n = _store.Count;
        var blocksOffset = (long)HeaderSize;
        var idsOffset = Align(blocksOffset + ((long)HashStore.RoundUpToBlock(n) * 32));
        var qualityOffset = Align(idsOffset + ((long)n * 8));
        var deadOffset = Align(qualityOffset + n);
        var length = Align(deadOffset + ((long)HashStore.DeadWords(n) * 8));
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20))
            {
                stream.SetLength(length);
                unsafe
                {
                    WriteAt(stream, blocksOffset, (byte*)_store.Blocks, (long)HashStore.RoundUpToBlock(n) * 32);
                    WriteAt(stream, idsOffset, (byte*)_store.Ids, (long)n * 8);
                    WriteAt(stream, qualityOffset, _store.Quality, n);
                    WriteAt(stream, deadOffset, (byte*)_store.Dead, (long)HashStore.DeadWords(n) * 8);
                }

                stream.Flush();
            }

            ulong payload;
            using (var mapped = new MappedFile(temp, length))
            {
                unsafe
                {
                    payload = Checksum64.Compute(mapped.Base + HeaderSize, length - HeaderSize, Environment.ProcessorCount);
                }
            }

            var header = new byte[HeaderSize];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), HeaderSize);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), n);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), _store.LiveCount);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), blocksOffset);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(40), idsOffset);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(48), qualityOffset);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(56), deadOffset);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(64), length);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(72), payload);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(80), Checksum64.Hash(header.AsSpan(0, 80), 0));
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Write(header);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Opens an index file by memory-mapping it. The header (magic, version, checksum, section bounds)
    /// is always checked; with <see cref="IndexVerification.Full"/> (the default) the payload checksum is
    /// verified too, over every byte on all cores. Throws <see cref="IndexFormatException"/> naming the
    /// file and what is wrong.
    /// </summary>
    public static HammingIndex Open(string path, IndexVerification verification = IndexVerification.Full)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var header = new byte[HeaderSize];
        long fileLength;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            fileLength = stream.Length;
            if (fileLength < HeaderSize || stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
            {
                throw Bad(path, $"too short to be a Harrier index ({fileLength} bytes)");
            }
        }

        if (!header.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw Bad(path, "not a Harrier index (bad magic)");
        }

        var version = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (version != FormatVersion)
        {
            throw Bad(path, $"index format version {version}; this build reads version {FormatVersion}");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(80)) != Checksum64.Hash(header.AsSpan(0, 80), 0))
        {
            throw Bad(path, "header checksum mismatch: the file is damaged");
        }

        var n = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        var live = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24));
        var blocksOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(32));
        var idsOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(40));
        var qualityOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(48));
        var deadOffset = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(56));
        var length = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(64));
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != HeaderSize || n < 0 || n > int.MaxValue - 64
            || live < 0 || live > n || length != fileLength
            || blocksOffset != HeaderSize
            || idsOffset != Align(blocksOffset + (HashStore.RoundUpToBlock((int)n) * 32L))
            || qualityOffset != Align(idsOffset + (n * 8))
            || deadOffset != Align(qualityOffset + n)
            || length != Align(deadOffset + (HashStore.DeadWords((int)n) * 8L)))
        {
            throw Bad(path, $"inconsistent header or truncated file (header says {length} bytes, file has {fileLength})");
        }

        var mapped = new MappedFile(path, length);
        try
        {
            var payload = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(72));
            HashStore store;
            unsafe
            {
                var b = mapped.Base;
                store = new HashStore(mapped, (ulong*)(b + blocksOffset), (long*)(b + idsOffset), b + qualityOffset,
                    (ulong*)(b + deadOffset), (int)n, (int)live);
            }

            var index = new HammingIndex(store) { _path = path, _payloadChecksum = payload };
            if (verification == IndexVerification.Full)
            {
                index.VerifyPayload();
            }

            return index;
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    private string? _path;
    private ulong _payloadChecksum;

    /// <summary>
    /// Recomputes the payload checksum of a mapped index and throws <see cref="IndexFormatException"/>
    /// on a mismatch. A no-op for an index that was not opened from a file or has changed since.
    /// </summary>
    public void VerifyPayload()
    {
        if (!_store.IsMapped || _path is null)
        {
            return;
        }

        unsafe
        {
            var n = _store.Count;
            var start = (byte*)_store.Blocks;
            var end = (byte*)_store.Dead + ((long)HashStore.DeadWords(n) * 8);
            var length = Align(end - start + HeaderSize) - HeaderSize;
            var actual = Checksum64.Compute(start, length, Environment.ProcessorCount);
            if (actual != _payloadChecksum)
            {
                throw Bad(_path, "payload checksum mismatch: the file is damaged");
            }
        }
    }

    private static long Align(long offset) => (offset + 63) & ~63L;

    private static IndexFormatException Bad(string path, string what) => new($"{path}: {what}");

    private static unsafe void WriteAt(FileStream stream, long offset, byte* data, long length)
    {
        stream.Position = offset;
        while (length > 0)
        {
            var n = (int)Math.Min(length, 1 << 30);
            stream.Write(new ReadOnlySpan<byte>(data, n));
            data += n;
            length -= n;
        }
    }
}
