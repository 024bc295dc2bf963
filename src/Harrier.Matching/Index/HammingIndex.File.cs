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
/// File format, version 2 (little-endian; version 1, the same without the tables, is still read):
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
///  80     8    tables offset (0: no multi-index tables stored)
///  88     8    tables length
///  96     8    header checksum (Checksum64 over bytes [0, 96))
/// 104..4095    zero
/// tables section (at the tables offset):
///   0     8    magic "HRRMIH\r\n"
///   8     4    parts m (8..32)
///  12     4    indexed entries (= N)
///  16  m×48    per part: bit offset (4), width (4), directory bits (4), key bytes (4: 0, 1 or 2),
///              then the file offsets of its directory ((2^d + 1) × uint32), positions (N × int32) and
///              keys (N × key bytes; 0 when none) (8 each), 8 bytes zero
///  then the arrays, each on a 64-byte boundary
/// </code>
/// Each section starts on a 64-byte boundary; gaps are zero. Opening reads the header with ordinary I/O,
/// checks it, then maps the file read-only and searches it in place: nothing is copied, so open time does
/// not grow with N except for the optional payload check, and the multi-index tables the planner chose when
/// the index was saved serve the first query at full speed (the full check also pages the whole file in).
/// </summary>
public sealed partial class HammingIndex
{
    private const int FormatVersion = 2;
    private const int PartDescriptorSize = 48;
    private static ReadOnlySpan<byte> TablesMagic => "HRRMIH\r\n"u8;
    private const int HeaderSize = 4096;
    private static ReadOnlySpan<byte> Magic => "HRRIDX\r\n"u8;

    /// <summary>
    /// Saves the index to <paramref name="path"/> (written to a temporary file, then moved into place), with the
    /// multi-index tables the planner chooses for it (built now when the index has none covering every entry), so that
    /// <see cref="Open"/> serves the first query at full speed.
    /// </summary>
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
        TableLease? tables = null;
        if (n >= CostModel.MinEntriesForMultiIndex)
        {
            _path ??= full; // the calibration is cached beside the file
            tables = AcquireTables(DefaultParts(), Environment.ProcessorCount, full: true);
        }

        var tablesOffset = tables is null ? 0 : length;
        var layout = tables is null ? [] : TableLayout(tables.Value.Main, tablesOffset);
        if (tables is not null)
        {
            length = layout[^1].End;
        }

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
                    if (tables is { } lease)
                    {
                        WriteTables(stream, lease.Main, tablesOffset, layout);
                    }
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
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(80), tablesOffset);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(88), tables is null ? 0 : length - tablesOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(96), Checksum64.Hash(header.AsSpan(0, 96), 0));
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
        finally
        {
            tables?.Dispose();
        }
    }

    /// <summary>Where each array of a table set goes in the file: the descriptor block, then per part directory, positions, keys.</summary>
    private static (long Offset, long End)[] TableLayout(MultiIndexTable table, long start)
    {
        var layout = new List<(long, long)>();
        var at = start;
        void Next(long bytes)
        {
            layout.Add((at, at + bytes));
            at = Align(at + bytes);
        }

        Next(16 + ((long)table.Parts * PartDescriptorSize));
        foreach (var part in table.Tables)
        {
            Next(part.DirectoryLength * 4);
            Next((long)table.Count * 4);
            Next((long)table.Count * part.KeyBytes);
        }

        layout.Add((at, at));
        return [.. layout];
    }

    private static unsafe void WriteTables(FileStream stream, MultiIndexTable table, long start, (long Offset, long End)[] layout)
    {
        var descriptor = new byte[layout[0].End - layout[0].Offset];
        TablesMagic.CopyTo(descriptor);
        BinaryPrimitives.WriteInt32LittleEndian(descriptor.AsSpan(8), table.Parts);
        BinaryPrimitives.WriteInt32LittleEndian(descriptor.AsSpan(12), table.Count);
        var parts = table.Tables;
        for (var t = 0; t < parts.Length; t++)
        {
            var d = descriptor.AsSpan(16 + (t * PartDescriptorSize));
            BinaryPrimitives.WriteInt32LittleEndian(d, parts[t].Offset);
            BinaryPrimitives.WriteInt32LittleEndian(d[4..], parts[t].Width);
            BinaryPrimitives.WriteInt32LittleEndian(d[8..], parts[t].DirectoryBits);
            BinaryPrimitives.WriteInt32LittleEndian(d[12..], parts[t].KeyBytes);
            var (dir, positions, keys) = (layout[1 + (3 * t)], layout[2 + (3 * t)], layout[3 + (3 * t)]);
            BinaryPrimitives.WriteInt64LittleEndian(d[16..], dir.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(d[24..], positions.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(d[32..], parts[t].KeyBytes == 0 ? 0 : keys.Offset);
            WriteAt(stream, dir.Offset, (byte*)parts[t].Directory, dir.End - dir.Offset);
            WriteAt(stream, positions.Offset, (byte*)parts[t].Positions, positions.End - positions.Offset);
            if (parts[t].KeyBytes != 0)
            {
                WriteAt(stream, keys.Offset, parts[t].Keys, keys.End - keys.Offset);
            }
        }

        stream.Position = start;
        stream.Write(descriptor);
    }

    /// <summary>Reads the tables section of a mapped file, checking every field against what this build would write.</summary>
    private static unsafe MultiIndexTable ReadTables(string path, MappedFile mapped, long start, long length, int n)
    {
        var end = start + length;
        if (length < 16 || end > mapped.Length)
        {
            throw Bad(path, "multi-index tables section out of bounds");
        }

        var head = new ReadOnlySpan<byte>(mapped.Base + start, 16);
        var parts = BinaryPrimitives.ReadInt32LittleEndian(head[8..]);
        if (!head[..8].SequenceEqual(TablesMagic) || parts is < MultiIndexTable.MinParts or > MultiIndexTable.MaxParts
            || BinaryPrimitives.ReadInt32LittleEndian(head[12..]) != n || 16 + ((long)parts * PartDescriptorSize) > length)
        {
            throw Bad(path, "multi-index tables section damaged (magic, part count or entry count)");
        }

        var tables = new MultiIndexTable.PartTable[parts];
        for (var t = 0; t < parts; t++)
        {
            var d = new ReadOnlySpan<byte>(mapped.Base + start + 16 + (t * PartDescriptorSize), PartDescriptorSize);
            var width = MultiIndexTable.Width(parts, t);
            var dirBits = MultiIndexTable.DirectoryBits(width, n);
            var low = width - dirBits;
            var keyBytes = low == 0 ? 0 : low <= 8 ? 1 : 2;
            var dirAt = BinaryPrimitives.ReadInt64LittleEndian(d[16..]);
            var positionsAt = BinaryPrimitives.ReadInt64LittleEndian(d[24..]);
            var keysAt = BinaryPrimitives.ReadInt64LittleEndian(d[32..]);
            bool Within(long at, long bytes) => at >= start + 16 && at % 64 == 0 && at + bytes <= end;
            if (BinaryPrimitives.ReadInt32LittleEndian(d) != MultiIndexTable.Offset(parts, t)
                || BinaryPrimitives.ReadInt32LittleEndian(d[4..]) != width
                || BinaryPrimitives.ReadInt32LittleEndian(d[8..]) != dirBits
                || BinaryPrimitives.ReadInt32LittleEndian(d[12..]) != keyBytes
                || !Within(dirAt, ((1L << dirBits) + 1) * 4) || !Within(positionsAt, (long)n * 4)
                || (keyBytes != 0 && !Within(keysAt, (long)n * keyBytes)))
            {
                throw Bad(path, $"multi-index table {t} of {parts}: layout fields damaged");
            }

            tables[t] = new MultiIndexTable.PartTable
            {
                Offset = MultiIndexTable.Offset(parts, t),
                Width = width,
                DirectoryBits = dirBits,
                KeyBytes = keyBytes,
                Directory = (uint*)(mapped.Base + dirAt),
                Positions = (int*)(mapped.Base + positionsAt),
                Keys = keyBytes == 0 ? null : mapped.Base + keysAt,
            };
        }

        return MultiIndexTable.FromMapped(mapped, 0, n, tables);
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
        if (version is not (1 or FormatVersion))
        {
            throw Bad(path, $"index format version {version}; this build reads versions 1 and {FormatVersion}");
        }

        var checksummed = version == 1 ? 80 : 96;
        if (BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(checksummed)) != Checksum64.Hash(header.AsSpan(0, checksummed), 0))
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
        var tablesOffset = version == 1 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(80));
        var tablesLength = version == 1 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(88));
        var arraysEnd = Align(deadOffset + (HashStore.DeadWords((int)Math.Clamp(n, 0, int.MaxValue - 64)) * 8L));
        if (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12)) != HeaderSize || n < 0 || n > int.MaxValue - 64
            || live < 0 || live > n || length != fileLength
            || blocksOffset != HeaderSize
            || idsOffset != Align(blocksOffset + (HashStore.RoundUpToBlock((int)n) * 32L))
            || qualityOffset != Align(idsOffset + (n * 8))
            || deadOffset != Align(qualityOffset + n)
            || (tablesOffset == 0 ? tablesLength != 0 || length != arraysEnd
                : tablesOffset != arraysEnd || tablesLength <= 0 || length != tablesOffset + tablesLength))
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
                LargeMemory.AdviseRandom(b + idsOffset, n * 8);
            }

            var index = new HammingIndex(store) { _path = path, _payloadChecksum = payload, _payloadLength = length - HeaderSize };
            try
            {
                if (verification == IndexVerification.Full)
                {
                    index.VerifyPayload();
                }

                if (tablesOffset != 0)
                {
                    var tables = ReadTables(path, mapped, tablesOffset, tablesLength, (int)n);
                    index._sets[tables.Parts] = new TableSet(tables);
                    index._defaultParts = tables.Parts; // chosen by the planner when the index was saved
                    index._defaultPartsCount = (int)n;
                }
            }
            catch
            {
                index.DropTables();
                throw;
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
    private long _payloadLength;

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
            var start = (byte*)_store.Blocks;
            var actual = Checksum64.Compute(start, _payloadLength, Environment.ProcessorCount);
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
