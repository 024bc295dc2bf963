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
/// Imports block files into a store: reads every file (errors noted, reading goes on; an import that finds no block at
/// all is refused and writes nothing), indexes blocks by hash,
/// links them by previous hash whatever their order on disk, picks the chain with the most work that extends the
/// stored tip (or starts at genesis, or at the earliest block found), appends it, and reports stale and unlinked blocks.
/// </summary>
public static class ChainImporter
{
    public static ChainImportResult Import(string storeDirectory, string source, ChainImportOptions? options = null,
        IProgress<(string Stage, long Done, long Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ChainImportOptions();
        var readClock = Stopwatch.StartNew();
        ChainBuilder? builder = null;
        Network? network = options.Network;
        long inputsBefore = 0, outputsBefore = 0;
        if (ChainStore.Exists(storeDirectory))
        {
            using var existing = ChainStore.Open(storeDirectory);
            if (network is not null && network != existing.Network)
            {
                throw new InvalidDataException($"the store holds {existing.Manifest.Network} blocks, not {ChainNetworks.NameOf(network)}");
            }

            network = existing.Network;
            builder = new ChainBuilder(existing);
            inputsBefore = existing.InputCount;
            outputsBefore = existing.OutputCount;
        }

        var files = BlockFileReader.ListBlockFiles(source);
        if (files.Count == 0)
        {
            throw new FileNotFoundException($"no block files (blk*.dat, *.raw, *.bin, *.hex, block*.txt) in {source}", source);
        }

        var folder = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source))! : source;
        var xorKey = BlockFileReader.ReadXorKey(folder);
        var errors = new List<ChainReadError>();
        var found = new List<FoundBlock>();
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var blocks = BlockFileReader.ReadFile(files[i], network, xorKey, errors);
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
        builder ??= new ChainBuilder(network);
        var plan = Plan(builder, found);
        var txBefore = builder.TxCount;
        for (var i = 0; i < plan.Append.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            builder.Append(plan.Append[i].Block);
            if (i % 64 == 0)
            {
                progress?.Report(("linking", i + 1, plan.Append.Count));
            }
        }

        builder.Imports++;
        var manifest = builder.Write(storeDirectory);
        buildClock.Stop();
        return new ChainImportResult(files.Count, found.Count, plan.Append.Count, plan.AlreadyStored,
            plan.Stale.Select(b => b.Hash.ToString()).ToList(), plan.Unlinked.Select(b => b.Hash.ToString()).ToList(),
            builder.TxCount - txBefore, manifest.Inputs - inputsBefore, manifest.Outputs - outputsBefore, manifest, errors,
            readClock.Elapsed, buildClock.Elapsed);
    }

    internal sealed record ImportPlan(List<FoundBlock> Append, List<FoundBlock> Stale, List<FoundBlock> Unlinked, int AlreadyStored);

    /// <summary>Chooses which found blocks extend the store, in order.</summary>
    internal static ImportPlan Plan(ChainBuilder builder, List<FoundBlock> found)
    {
        var byHash = new Dictionary<Hash32, FoundBlock>();
        var order = new List<FoundBlock>();
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
        var stack = new Stack<FoundBlock>();
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

        void Resolve(FoundBlock b)
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
            work[b.Hash] = w + WorkOf(b.Block.Header.Bits.ToCompact());
        }

        FoundBlock? best = null;
        foreach (var b in order)
        {
            if (anchored[b.Hash] && (best is null || work[b.Hash] > work[best.Hash]))
            {
                best = b;
            }
        }

        var append = new List<FoundBlock>();
        for (var b = best; b is not null; b = byHash.GetValueOrDefault(b.Prev))
        {
            append.Add(b);
        }

        append.Reverse();
        var onPath = append.Select(b => b.Hash).ToHashSet();
        var root = append.Count > 0 ? append[0].Prev : default;
        var stale = new List<FoundBlock>();
        var unlinked = new List<FoundBlock>();
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

        Hash32 RootOf(FoundBlock b)
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
