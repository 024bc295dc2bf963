using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using NBitcoin;

namespace Harrier.Chain.Blocks;

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

        var key = File.ReadAllBytes(path);
        if (key.Length != 8)
        {
            throw new InvalidDataException($"{path}: an XOR key must be 8 bytes, found {key.Length}");
        }

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
    /// Reads every block of one file. <paramref name="expected"/> pins the network (null: the first magic decides).
    /// Errors go to <paramref name="errors"/>; the blocks that could be read are returned.
    /// </summary>
    public static List<FoundBlock> ReadFile(string file, Network? expected, byte[]? xorKey, List<ChainReadError> errors,
        Network? rawNetwork = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var name = Path.GetFileName(file);
        if (name.EndsWith(".hex", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return ReadHex(file, expected ?? rawNetwork ?? Network.Main, errors);
        }

        var data = File.ReadAllBytes(file);
        if (xorKey is not null)
        {
            Deobfuscate(data, xorKey);
        }

        if (name.EndsWith(".raw", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            return ReadRaw(file, data, expected ?? rawNetwork ?? Network.Main, errors);
        }

        return ReadFramed(file, data, expected, errors);
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

    private static List<FoundBlock> ReadFramed(string file, byte[] data, Network? expected, List<ChainReadError> errors)
    {
        // Framing first (sequential, cheap), then the blocks parse and hash-check in parallel, kept in file order.
        var records = new List<(long Offset, int Size, Network Network)>();
        var framingErrors = new List<ChainReadError>();
        Frame(file, data, expected, framingErrors, records);
        var blocks = new Block?[records.Count];
        var parseErrors = new List<ChainReadError>?[records.Count];
        Parallel.For(0, records.Count, i =>
        {
            var (offset, size, net) = records[i];
            var local = new List<ChainReadError>();
            blocks[i] = TryLoad(file, offset, data.AsSpan((int)offset + 8, size).ToArray(), net, local);
            parseErrors[i] = local.Count > 0 ? local : null;
        });

        var found = new List<FoundBlock>(records.Count);
        var all = new List<ChainReadError>(framingErrors);
        for (var i = 0; i < records.Count; i++)
        {
            if (blocks[i] is { } b)
            {
                found.Add(new FoundBlock(file, records[i].Offset, records[i].Network, b));
            }

            all.AddRange(parseErrors[i] ?? []);
        }

        errors.AddRange(all.OrderBy(e => e.Offset));
        return found;
    }

    private static void Frame(string file, byte[] data, Network? expected, List<ChainReadError> errors, List<(long, int, Network)> records)
    {
        var network = expected;
        long pos = 0;
        while (pos < data.Length)
        {
            if (data[pos] == 0)
            {
                // Preallocated tail (or a gap): skip the zeros.
                var next = data.AsSpan((int)pos).IndexOfAnyExcept((byte)0);
                if (next < 0)
                {
                    break;
                }

                pos += next;
                continue;
            }

            var magicNet = pos + 4 <= data.Length ? ChainNetworks.FromMagic(data.AsSpan((int)pos, 4)) : null;
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

            var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)pos + 4, 4));
            var left = data.Length - (pos + 8);
            if (size < 80 || size > left)
            {
                errors.Add(new ChainReadError(file, pos, string.Create(CultureInfo.InvariantCulture,
                    $"truncated block record: declares {size} bytes, {left} left in the file")));
                pos = Resync(data, pos + 8, network);
                continue;
            }

            records.Add((pos, (int)size, network));
            pos += 8 + size;
        }
    }

    private static long SkipRecord(byte[] data, long pos)
    {
        if (pos + 8 > data.Length)
        {
            return data.Length;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)pos + 4, 4));
        return Math.Min(data.Length, pos + 8 + size);
    }

    private static long Resync(byte[] data, long from, Network? network)
    {
        for (var p = from; p + 4 <= data.Length; p++)
        {
            var net = ChainNetworks.FromMagic(data.AsSpan((int)p, 4));
            if (net is not null && (network is null || net == network))
            {
                return p;
            }
        }

        return data.Length;
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
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            errors.Add(new ChainReadError(file, offset, "block does not parse: " + e.Message));
            return null;
        }
    }
}
