using System.Diagnostics;
using System.Numerics;
using Harrier.Chain.Store;
using NBitcoin;

namespace Harrier.Chain.Blocks;

/// <summary>What an import found and did.</summary>
public sealed record ChainImportResult(
    int FilesRead,
    int BlocksFound,
    int BlocksAdded,
    int AlreadyStored,
    IReadOnlyList<string> StaleBlocks,
    IReadOnlyList<string> UnlinkedBlocks,
    int TransactionsAdded,
    long InputsAdded,
    long OutputsAdded,
    ChainManifest Manifest,
    IReadOnlyList<ChainReadError> Errors,
    TimeSpan ReadTime,
    TimeSpan BuildTime);

/// <summary>Import options.</summary>
public sealed record ChainImportOptions
{
    /// <summary>The network to expect; null: the store's, else the first magic found (main for raw and hex blocks).</summary>
    public Network? Network { get; init; }
}

/// <summary>
/// Imports block files into a store in two passes with bounded memory: pass one reads every file (errors noted, reading
/// goes on; an import that finds no block at all is refused and writes nothing) keeping only each block's place and
/// header, indexes blocks by hash,
/// links them by previous hash whatever their order on disk, picks the chain with the most work that extends the
/// stored tip (or starts at genesis, or at the earliest block found); pass two reads that chain's blocks again in order
/// and appends them to the store's columns in place, and the import reports stale and unlinked blocks.
/// </summary>
public static class ChainImporter
{
    /// <summary>Blocks parsed together (in parallel) in pass two before they are appended, by bytes.</summary>
    private const long AppendBatchBytes = 32L << 20;

    public static ChainImportResult Import(string storeDirectory, string source, ChainImportOptions? options = null,
        IProgress<(string Stage, long Done, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ChainImportOptions();
        var readClock = Stopwatch.StartNew();
        Network? network = options.Network;
        ChainManifest? manifest = null;
        if (ChainStore.Exists(storeDirectory))
        {
            manifest = ChainStore.ReadManifest(storeDirectory, forImport: true);
            var stored = ChainNetworks.FromName(manifest.Network) ?? throw new InvalidDataException($"unknown network {manifest.Network} in {storeDirectory}");
            if (network is not null && network != stored)
            {
                throw new InvalidDataException($"the store holds {manifest.Network} blocks, not {ChainNetworks.NameOf(network)}");
            }

            network = stored;
        }

        var files = BlockFileReader.ListBlockFiles(source);
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no block files (blk*.dat, *.raw, *.bin, *.hex, block*.txt) in {source}", source);
        }

        // Pass one: find and check every block, keeping only where it is and its header.
        var folder = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source))! : source;
        var xorKey = BlockFileReader.ReadXorKey(folder);
        var errors = new List<ChainReadError>();
        var found = new List<BlockRef>();
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var blocks = BlockFileReader.ScanFile(files[i], network, xorKey, errors);
            if (network is null && blocks.Count > 0)
            {
                network = blocks[0].Network;
            }

            found.AddRange(blocks);
            progress?.Report(("reading", i + 1, files.Count));
        }

        if (found.Count == 0)
        {
            // Nothing to add: refused before anything is written, so a file of garbage (or only zeros) never creates a
            // store pinned to a network it guessed, and never rewrites an existing one.
            var why = errors.Count > 0 ? $"{errors.Count} errors; first: {errors[0]}" : "no block record: empty or only zero bytes";
            throw new InvalidDataException(files.Count == 1
                ? $"no block found in {files[0]} ({why}); nothing imported"
                : $"no block found in the {files.Count} block files of {source} ({why}); nothing imported");
        }

        readClock.Stop();
        var buildClock = Stopwatch.StartNew();
        network ??= Network.Main;
        using var builder = ChainBuilder.Open(storeDirectory, network, manifest);
        var plan = Plan(builder, found);
        var txBefore = builder.TxCount;
        var inputsBefore = builder.InputCount;
        var outputsBefore = builder.OutputCount;

        // Pass two: read the chosen blocks again in chain order, a batch at a time, parse each batch in parallel while
        // the previous one is appended; nothing of a block is kept once it is appended.
        var handles = new Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle>();
        try
        {
            var next = 0;
            Task<ParsedBlock[]>? pending = plan.Append.Count > 0 ? StartBatch(plan.Append, ref next, xorKey, handles, cancellationToken) : null;
            var appended = 0;
            while (pending is not null)
            {
                var batch = pending.GetAwaiter().GetResult();
                pending = next < plan.Append.Count ? StartBatch(plan.Append, ref next, xorKey, handles, cancellationToken) : null;
                foreach (var block in batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (builder.BlockCount == 0)
                    {
                        builder.BaseHeight = block.Prev.IsZero ? 0 : CoinbaseHeight(plan.Append[0], xorKey, handles);
                    }

                    builder.Append(block);
                    if (appended++ % 64 == 0)
                    {
                        progress?.Report(("linking", appended, plan.Append.Count));
                    }
                }
            }
        }
        finally
        {
            foreach (var h in handles.Values)
            {
                h.Dispose();
            }
        }

        builder.Imports++;
        var written = builder.Commit();
        buildClock.Stop();
        return new ChainImportResult(files.Count, found.Count, plan.Append.Count, plan.AlreadyStored,
            plan.Stale.Select(b => b.Hash.ToString()).ToList(), plan.Unlinked.Select(b => b.Hash.ToString()).ToList(),
            builder.TxCount - txBefore, written.Inputs - inputsBefore, written.Outputs - outputsBefore, written, errors,
            readClock.Elapsed, buildClock.Elapsed);
    }

    private static Task<ParsedBlock[]> StartBatch(List<BlockRef> append, ref int next, byte[]? xorKey,
        Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> handles, CancellationToken cancellationToken)
    {
        // Read on this thread (sequential I/O, the handle cache is not shared), parse on the pool.
        var raw = new List<(BlockRef Ref, byte[] Bytes)>();
        long bytes = 0;
        while (next < append.Count && bytes < AppendBatchBytes)
        {
            var b = append[next++];
            var data = BlockFileReader.ReadBlock(b, xorKey, handles);
            raw.Add((b, data));
            bytes += data.Length;
        }

        return Task.Run(() =>
        {
            var parsed = new ParsedBlock[raw.Count];
            Parallel.For(0, raw.Count, new ParallelOptions { CancellationToken = cancellationToken }, () => new byte[1 << 16], (i, _, scratch) =>
            {
                var p = new ParsedBlock();
                parsed[i] = ParsedBlock.TryParse(raw[i].Bytes, p, scratch, check: false)
                    ? p
                    : ParsedBlock.From(Block.Load(raw[i].Bytes, raw[i].Ref.Network));
                if (parsed[i].Hash != raw[i].Ref.Hash)
                {
                    throw new InvalidDataException($"{raw[i].Ref.File} at offset {raw[i].Ref.Offset}: the block file changed during the import");
                }

                parsed[i].ComputeAddressKeys();

                return scratch;
            }, _ => { });
            return parsed;
        }, cancellationToken);
    }

    private static int? CoinbaseHeight(BlockRef first, byte[]? xorKey, Dictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> handles) =>
        Block.Load(BlockFileReader.ReadBlock(first, xorKey, handles), first.Network).GetCoinbaseHeight();

    internal sealed record ImportPlan(List<BlockRef> Append, List<BlockRef> Stale, List<BlockRef> Unlinked, int AlreadyStored);

    /// <summary>Chooses which found blocks extend the store, in order.</summary>
    internal static ImportPlan Plan(ChainBuilder builder, List<BlockRef> found)
    {
        var byHash = new Dictionary<Hash32, BlockRef>();
        var order = new List<BlockRef>();
        var already = 0;
        foreach (var b in found)
        {
            if (builder.ContainsBlock(b.Hash))
            {
                already++;
                continue;
            }

            if (byHash.TryAdd(b.Hash, b))
            {
                order.Add(b);
            }
        }

        var tip = builder.Tip;
        var storeEmpty = tip is null;
        var hasGenesis = storeEmpty && order.Any(b => b.Prev.IsZero);

        // Anchored: the block's ancestry reaches an acceptable start (the stored tip; genesis; or, for an empty store
        // without genesis, any block whose parent is absent). Work is summed along the way.
        var work = new Dictionary<Hash32, BigInteger>();
        var anchored = new Dictionary<Hash32, bool>();
        var stack = new Stack<BlockRef>();
        foreach (var start in order)
        {
            var b = start;
            while (!anchored.ContainsKey(b.Hash))
            {
                if (byHash.TryGetValue(b.Prev, out var parent) && !anchored.ContainsKey(parent.Hash))
                {
                    stack.Push(b);
                    b = parent;
                    continue;
                }

                Resolve(b);
                if (stack.Count == 0)
                {
                    break;
                }

                b = stack.Pop();
            }

            while (stack.Count > 0)
            {
                Resolve(stack.Pop());
            }
        }

        void Resolve(BlockRef b)
        {
            if (anchored.ContainsKey(b.Hash))
            {
                return;
            }

            bool ok;
            BigInteger w;
            if (byHash.TryGetValue(b.Prev, out var parent))
            {
                ok = anchored[parent.Hash];
                w = work[parent.Hash];
            }
            else if (!storeEmpty)
            {
                ok = b.Prev == tip;
                w = BigInteger.Zero;
            }
            else
            {
                ok = hasGenesis ? b.Prev.IsZero : true;
                w = BigInteger.Zero;
            }

            anchored[b.Hash] = ok;
            work[b.Hash] = w + WorkOf(b.Bits);
        }

        BlockRef? best = null;
        foreach (var b in order)
        {
            if (anchored[b.Hash] && (best is null || work[b.Hash] > work[best.Hash]))
            {
                best = b;
            }
        }

        var append = new List<BlockRef>();
        for (var b = best; b is not null; b = byHash.GetValueOrDefault(b.Prev))
        {
            append.Add(b);
        }

        append.Reverse();
        var onPath = append.Select(b => b.Hash).ToHashSet();
        var root = append.Count > 0 ? append[0].Prev : default;
        var stale = new List<BlockRef>();
        var unlinked = new List<BlockRef>();
        foreach (var b in order)
        {
            if (onPath.Contains(b.Hash))
            {
                continue;
            }

            // Stale: on a branch that shares the chosen chain's start; unlinked: anything else.
            if (anchored[b.Hash] && RootOf(b) == root)
            {
                stale.Add(b);
            }
            else if (!storeEmpty && builder.ContainsBlock(b.Prev))
            {
                stale.Add(b);
            }
            else
            {
                unlinked.Add(b);
            }
        }

        Hash32 RootOf(BlockRef b)
        {
            while (byHash.TryGetValue(b.Prev, out var p))
            {
                b = p;
            }

            return b.Prev;
        }

        return new ImportPlan(append, stale, unlinked, already);
    }

    /// <summary>Expected hashes to find a block at this compact target: 2^256 / (target + 1).</summary>
    internal static BigInteger WorkOf(uint compact)
    {
        var exponent = (int)(compact >> 24);
        var mantissa = new BigInteger(compact & 0x007fffff);
        var target = exponent <= 3 ? mantissa >> (8 * (3 - exponent)) : mantissa << (8 * (exponent - 3));
        return target.IsZero ? BigInteger.Zero : (BigInteger.One << 256) / (target + 1);
    }
}
