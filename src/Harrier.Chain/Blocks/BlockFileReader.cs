using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using NBitcoin;

namespace Harrier.Chain.Blocks;

/// <summary>Where a checked block is (offset -1: a single-block file) and its header fields: what pass one of an import keeps.</summary>
internal sealed record BlockRef(string File, long Offset, int Size, Network Network, Hash32 Hash, Hash32 Prev, uint Bits);

/// <summary>One block as found on disk: where it was, which network's magic framed it, and its parsed form.</summary>

public sealed record FoundBlock(string File, long Offset, Network Network, Block Block)
{
    /// <summary>The block's hash.</summary>
    public Hash32 Hash { get; } = Hash32.From(Block.GetHash());

    /// <summary>The previous block's hash.</summary>
    public Hash32 Prev { get; } = Hash32.From(Block.Header.HashPrevBlock);
}

/// <summary>
/// Reads Bitcoin Core block files (<c>blkNNNNN.dat</c>: records of magic, LE size, block), with the XOR key of
/// <c>xor.dat</c> when present, zero padding at the end, and raw (<c>.raw</c>, <c>.bin</c>) or hex (<c>.hex</c>,
/// <c>.txt</c>, BOM allowed) single blocks. Problems are reported with file and offset and reading goes on
/// with the next record it can find.
/// </summary>
public static class BlockFileReader
{
    /// <summary>The Bitcoin Core 28+ obfuscation key file next to the block files.</summary>
    public const string XorKeyFileName = "xor.dat";

    /// <summary>Lists the block files of <paramref name="path"/> (a folder or one file) in name order.</summary>
    public static IReadOnlyList<string> ListBlockFiles(string path)
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }

        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"no block file or folder at {path}");
        }

        return Directory.EnumerateFiles(path)
            .Where(f => IsBlockFileName(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsBlockFileName(string name) =>
        (name.StartsWith("blk", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".dat", StringComparison.OrdinalIgnoreCase))
        || name.EndsWith(".raw", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".hex", StringComparison.OrdinalIgnoreCase)
        || (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) && name.StartsWith("block", StringComparison.OrdinalIgnoreCase));

    /// <summary>The 8-byte XOR key from <c>xor.dat</c> in <paramref name="folder"/>, or null when absent or all zero.</summary>
    public static byte[]? ReadXorKey(string folder)
    {
        var path = Path.Combine(folder, XorKeyFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var length = LengthOf(path);
        if (length != 8)
        {
            throw new InvalidDataException($"{path}: an XOR key must be 8 bytes, found {length}");
        }

        var key = File.ReadAllBytes(path);

        return key.AsSpan().ContainsAnyExcept((byte)0) ? key : null;
    }

    /// <summary>Undoes the block-file obfuscation in place: byte at file position p is XORed with key[p mod 8].</summary>
    public static void Deobfuscate(Span<byte> data, ReadOnlySpan<byte> key, long filePosition = 0)
    {
        if (key.Length != 8)
        {
            throw new ArgumentException("the key must be 8 bytes", nameof(key));
        }

        var i = 0;
        while (i < data.Length && (filePosition + i) % 8 != 0)
        {
            data[i] ^= key[(int)((filePosition + i) % 8)];
            i++;
        }

        // Aligned part: one ulong per 8 bytes (the key repeats every 8 bytes).
        var k = BinaryPrimitives.ReadUInt64LittleEndian(key);
        var words = MemoryMarshal.Cast<byte, ulong>(data[i..]);
        if (!BitConverter.IsLittleEndian)
        {
            k = BinaryPrimitives.ReverseEndianness(k);
        }

        for (var w = 0; w < words.Length; w++)
        {
            words[w] ^= k;
        }

        for (var j = i + (words.Length * 8); j < data.Length; j++)
        {
            data[j] ^= key[(int)((filePosition + j) % 8)];
        }
    }

    /// <summary>
    /// The most bytes one block can take on disk (Bitcoin's MAX_BLOCK_SERIALIZED_SIZE, the same on every network): a
    /// record declaring more is not a block, and a raw or hex single-block file longer than this is refused unread.
    /// </summary>
    public const int MaxBlockBytes = 4_000_000;

    /// <summary>Block records parsed together (in parallel) before the next are read: bounds the bytes held at once.</summary>
    private const long BatchBytes = 64L << 20;

    /// <summary>
    /// Reads every block of one file. <paramref name="expected"/> pins the network (null: the first magic decides).
    /// Errors go to <paramref name="errors"/>; the blocks that could be read are returned. Block files are streamed
    /// (a file of any size, sparse or not, is read a window at a time); a file that cannot be read is an error naming it.
    /// </summary>
    public static List<FoundBlock> ReadFile(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors,
        Network? rawNetwork = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var name = Path.GetFileName(file);
            var hex = name.EndsWith(".hex", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);
            var raw = name.EndsWith(".raw", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase);
            if (hex || raw)
            {
                // One block a file: never more than a block's bytes (hex: two digits a byte, and a little white space).
                var length = LengthOf(file);
                var limit = hex ? (2L * MaxBlockBytes) + 4096 : MaxBlockBytes;
                if (length > limit)
                {
                    errors.Add(new ChainReadError(file, 0, string.Create(CultureInfo.InvariantCulture,
                        $"a single-block file of {length:N0} bytes, more than a block can hold ({MaxBlockBytes:N0} bytes); not read")));
                    return [];
                }
            }

            if (hex)
            {
                return ReadHex(file, expected ?? rawNetwork ?? Network.Main, errors);
            }

            if (raw)
            {
                var data = File.ReadAllBytes(file);
                if (xorKey is not null)
                {
                    Deobfuscate(data, xorKey);
                }

                return ReadRaw(file, data, expected ?? rawNetwork ?? Network.Main, errors);
            }

            return ReadFramed(file, expected, xorKey, errors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ChainReadError(file, 0, "cannot read the file: " + e.Message));
            return [];
        }
    }

    /// <summary>
    /// Pass one of an import: finds and checks every block of one file like <see cref="ReadFile"/> (same errors, same
    /// blocks accepted) but keeps only where each block is and its header, never the block: memory is one batch.
    /// Blocks go through <see cref="ParsedBlock.TryParse"/> first; what it declines goes to NBitcoin, which accepts it
    /// or words the error.
    /// </summary>
    internal static List<BlockRef> ScanFile(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors)
    {
        try
        {
            var name = Path.GetFileName(file);
            var single = name.EndsWith(".hex", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(".raw", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase);
            if (single)
            {
                return ReadFile(file, expected, xorKey, errors)
                    .Select(b => new BlockRef(file, -1, 0, b.Network, b.Hash, b.Prev, b.Block.Header.Bits.ToCompact())).ToList();
            }

            return ScanFramed(file, expected, xorKey, errors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ChainReadError(file, 0, "cannot read the file: " + e.Message));
            return [];
        }
    }

    private static List<BlockRef> ScanFramed(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors) =>
        ReadBatches<BlockRef>(file, expected, xorKey, errors, (batch, refs, parseErrors) =>
            Parallel.For(0, batch.Count, () => (new ParsedBlock(), new byte[1 << 16]), (i, _, local) =>
            {
                var (offset, bytes, net) = batch[i];
                var (parsed, scratch) = local;
                if (ParsedBlock.TryParse(bytes, parsed, scratch))
                {
                    refs[i] = new BlockRef(file, offset, bytes.Length, net, parsed.Hash, parsed.Prev,
                        BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(72)));
                    return local;
                }

                var errs = new List<ChainReadError>();
                if (TryLoad(file, offset, bytes, net, errs) is { } block)
                {
                    refs[i] = new BlockRef(file, offset, bytes.Length, net, Hash32.From(block.GetHash()),
                        Hash32.From(block.Header.HashPrevBlock), block.Header.Bits.ToCompact());
                }

                parseErrors[i] = errs.Count > 0 ? errs : null;
                return local;
            }, _ => { }));

    /// <summary>The bytes of a block found by <see cref="ScanFile"/> (pass two of an import reads them again, in chain order).</summary>
    internal static byte[] ReadBlock(BlockRef block, byte[]? xorKey, Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> handles)
    {
        if (block.Offset < 0)
        {
            var name = Path.GetFileName(block.File);
            if (name.EndsWith(".hex", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            {
                return Convert.FromHexString(File.ReadAllText(block.File).Trim().TrimStart('\uFEFF').Trim());
            }

            var raw = File.ReadAllBytes(block.File);
            if (xorKey is not null)
            {
                Deobfuscate(raw, xorKey);
            }

            return raw;
        }

        if (!handles.TryGetValue(block.File, out var handle))
        {
            handle = File.OpenHandle(block.File, FileMode.Open, FileAccess.Read, FileShare.Read);
            handles[block.File] = handle;
        }

        var bytes = new byte[block.Size];
        var read = RandomAccess.Read(handle, bytes, block.Offset + 8);
        if (read != block.Size)
        {
            throw new InvalidDataException($"{block.File} at offset {block.Offset}: the block file changed during the import");
        }

        if (xorKey is not null)
        {
            Deobfuscate(bytes, xorKey, block.Offset + 8);
        }

        return bytes;
    }

    private static List<FoundBlock> ReadHex(string file, Network network, List<ChainReadError> errors)
    {
        var text = File.ReadAllText(file).Trim().TrimStart('\uFEFF').Trim();
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(text);
        }
        catch (FormatException e)
        {
            errors.Add(new ChainReadError(file, 0, "not a hex block: " + e.Message));
            return [];
        }

        return ReadRaw(file, bytes, network, errors);
    }

    private static List<FoundBlock> ReadRaw(string file, byte[] bytes, Network network, List<ChainReadError> errors)
    {
        var block = TryLoad(file, 0, bytes, network, errors);
        return block is null ? [] : [new FoundBlock(file, 0, network, block)];
    }

    /// <summary>
    /// A framed block file, streamed: records are framed in file order (sequential, cheap) and parsed and hash-checked in
    /// parallel a batch at a time, kept in file order; errors are sorted by offset.
    /// </summary>
    private static List<FoundBlock> ReadFramed(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors) =>
        ReadBatches<FoundBlock>(file, expected, xorKey, errors, (batch, found, parseErrors) =>
            Parallel.For(0, batch.Count, i =>
            {
                var (offset, bytes, net) = batch[i];
                var local = new List<ChainReadError>();
                if (TryLoad(file, offset, bytes, net, local) is { } block)
                {
                    found[i] = new FoundBlock(file, offset, net, block);
                }

                parseErrors[i] = local.Count > 0 ? local : null;
            }));

    /// <summary>
    /// The streaming loop both passes share: records are framed in file order (sequential, cheap), and each batch of
    /// about <see cref="BatchBytes"/> is handed to <paramref name="parse"/> (which fills one result or null, and one error
    /// list or null, per record, in parallel); results are kept in file order, errors sorted by offset.
    /// </summary>
    private static List<T> ReadBatches<T>(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors,
        Action<List<(long Offset, byte[] Bytes, Network Network)>, T?[], List<ChainReadError>?[]> parse)
        where T : class
    {
        using var window = new Window(file, xorKey);
        var found = new List<T>();
        var all = new List<ChainReadError>();
        var batch = new List<(long Offset, byte[] Bytes, Network Network)>();
        long batchBytes = 0;

        void Flush()
        {
            var results = new T?[batch.Count];
            var parseErrors = new List<ChainReadError>?[batch.Count];
            parse(batch, results, parseErrors);
            for (var i = 0; i < batch.Count; i++)
            {
                if (results[i] is { } r)
                {
                    found.Add(r);
                }

                all.AddRange(parseErrors[i] ?? []);
            }

            batch.Clear();
            batchBytes = 0;
        }

        foreach (var record in Frame(file, window, expected, all))
        {
            batch.Add(record);
            batchBytes += record.Bytes.Length;
            if (batchBytes >= BatchBytes)
            {
                Flush();
            }
        }

        Flush();
        errors.AddRange(all.OrderBy(e => e.Offset));
        return found;
    }

    private static IEnumerable<(long Offset, byte[] Bytes, Network Network)> Frame(string file, Window data, Network? expected, List<ChainReadError> errors)
    {
        var network = expected;
        long pos = 0;
        while (pos < data.Length)
        {
            if (data.ByteAt(pos) == 0)
            {
                // Preallocated tail (or a gap): skip the zeros.
                var next = data.NextNonZero(pos);
                if (next < 0)
                {
                    break;
                }

                pos = next;
                continue;
            }

            var magicNet = pos + 4 <= data.Length ? ChainNetworks.FromMagic(data.Span(pos, 4)) : null;
            if (magicNet is null)
            {
                errors.Add(new ChainReadError(file, pos, "no block magic here; skipping to the next record"));
                pos = Resync(data, pos + 1, network);
                continue;
            }

            if (network is null)
            {
                network = magicNet;
            }
            else if (magicNet != network)
            {
                errors.Add(new ChainReadError(file, pos,
                    $"magic of {ChainNetworks.NameOf(magicNet)}, expected {ChainNetworks.NameOf(network)}; record skipped"));
                pos = SkipRecord(data, pos);
                continue;
            }

            if (pos + 8 > data.Length)
            {
                errors.Add(new ChainReadError(file, pos, "truncated record header"));
                break;
            }

            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.Span(pos + 4, 4));
            var left = data.Length - (pos + 8);
            if (size < 80 || size > left)
            {
                errors.Add(new ChainReadError(file, pos, string.Create(CultureInfo.InvariantCulture,
                    $"truncated block record: declares {size} bytes, {left} left in the file")));
                pos = Resync(data, pos + 8, network);
                continue;
            }

            if (size > MaxBlockBytes)
            {
                errors.Add(new ChainReadError(file, pos, string.Create(CultureInfo.InvariantCulture,
                    $"not a block record: declares {size} bytes, more than a block can hold ({MaxBlockBytes})")));
                pos = Resync(data, pos + 8, network);
                continue;
            }

            yield return (pos, data.Span(pos + 8, (int)size).ToArray(), network);
            pos += 8 + size;
        }
    }

    private static long SkipRecord(Window data, long pos)
    {
        if (pos + 8 > data.Length)
        {
            return data.Length;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(data.Span(pos + 4, 4));
        return Math.Min(data.Length, pos + 8 + size);
    }

    private static long Resync(Window data, long from, Network? network)
    {
        // A window at a time, overlapping by three bytes so that a magic across two windows is found.
        for (var p = from; p + 4 <= data.Length;)
        {
            var span = data.Span(p, (int)Math.Min(Window.Size, data.Length - p));
            for (var i = 0; i + 4 <= span.Length; i++)
            {
                var net = ChainNetworks.FromMagic(span.Slice(i, 4));
                if (net is not null && (network is null || net == network))
                {
                    return p + i;
                }
            }

            p += Math.Max(1, span.Length - 3);
        }

        return data.Length;
    }

    /// <summary>
    /// The length of the file <paramref name="path"/> names, through symbolic links (a blocks folder of links to the
    /// files on an evidence mount): <see cref="FileInfo.Length"/> of a link is the link's own size.
    /// </summary>
    private static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target ? target.Length : info.Length;
    }

    /// <summary>
    /// A block file read through one buffer of <see cref="Size"/> bytes at its current position, XOR key undone as it is
    /// read: any span of up to <see cref="Size"/> bytes at any (64-bit) offset, and the next non-zero byte.
    /// </summary>
    private sealed class Window(string path, byte[]? xorKey) : IDisposable
    {
        /// <summary>The buffer: two records of the largest block fit.</summary>
        public const int Size = 2 * (MaxBlockBytes + 8);

        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        private readonly byte[] _buffer = new byte[Size];
        private long _start;
        private int _count;

        public long Length { get; } = LengthOf(path);

        public byte ByteAt(long pos) => Span(pos, 1)[0];

        /// <summary>The bytes [pos, pos + count), which must lie in the file.</summary>
        public ReadOnlySpan<byte> Span(long pos, int count)
        {
            if (pos < _start || pos + count > _start + _count)
            {
                Fill(pos);
            }

            return _buffer.AsSpan((int)(pos - _start), count);
        }

        /// <summary>The first offset at or after <paramref name="pos"/> whose byte is not zero, or -1.</summary>
        public long NextNonZero(long pos)
        {
            while (pos < Length)
            {
                var span = Span(pos, (int)Math.Min(Size, Length - pos));
                var i = span.IndexOfAnyExcept((byte)0);
                if (i >= 0)
                {
                    return pos + i;
                }

                pos += span.Length;
            }

            return -1;
        }

        private void Fill(long pos)
        {
            _stream.Position = pos;
            var want = (int)Math.Min(Size, Length - pos);
            var n = 0;
            while (n < want)
            {
                var r = _stream.Read(_buffer, n, want - n);
                if (r == 0)
                {
                    throw new EndOfStreamException($"{path}: ended at {pos + n:N0} bytes, before the {Length:N0} it had when opened");
                }

                n += r;
            }

            if (xorKey is not null)
            {
                Deobfuscate(_buffer.AsSpan(0, n), xorKey, pos);
            }

            _start = pos;
            _count = n;
        }

        public void Dispose() => _stream.Dispose();
    }

    private static Block? TryLoad(string file, long offset, byte[] bytes, Network network, List<ChainReadError> errors)
    {
        try
        {
            var block = Block.Load(bytes, network);

            // Cache hashes: the merkle check, linking and the store each need every txid once more.
            block.Header.PrecomputeHash(false, true);
            foreach (var tx in block.Transactions)
            {
                tx.PrecomputeHash(false, true);
            }

            if (!block.Header.CheckProofOfWork())
            {
                errors.Add(new ChainReadError(file, offset, "block hash does not meet its proof-of-work target; block skipped"));
                return null;
            }

            if (!block.CheckMerkleRoot())
            {
                errors.Add(new ChainReadError(file, offset, "block merkle root does not match its transactions; block skipped"));
                return null;
            }

            return block;
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or OverflowException or ArgumentException
            or InvalidOperationException or IndexOutOfRangeException)
        {
            // NBitcoin's answers to bytes that are not a block. Found by fuzzing: InvalidDataException (a non-canonical
            // varint) and OverflowException (an output of long.MinValue satoshis), which escaped the import as exit 3.
            errors.Add(new ChainReadError(file, offset, "block does not parse: " + e.Message));
            return null;
        }
    }
}
