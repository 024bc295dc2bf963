using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using Harrier.Chain.Store;

namespace Harrier.Chain.Clustering;

/// <summary>Why two addresses were joined.</summary>
public enum UnionRule : byte
{
    /// <summary>Co-spent as inputs of one transaction (common-input ownership).</summary>
    MultiInput = 1,

    /// <summary>The other output of a plain 2-output payment to a known deposit address (certain, no heuristic).</summary>
    KnownPayeeChange = 2,

    /// <summary>Change output picked by the named change heuristics (heuristic).</summary>
    ChangeHeuristic = 3,
}

/// <summary>One recorded union: the two addresses it joined, the transaction, and the rule.</summary>
public readonly record struct UnionEvidence(int AddressA, int AddressB, int Tx, UnionRule Rule);

/// <summary>Clustering options.</summary>
public sealed record ClusterOptions
{
    /// <summary>Change heuristics to apply (names from <see cref="ChangeHeuristics.Names"/>, intersected); none by default.</summary>
    public IReadOnlyList<string> ChangeHeuristics { get; init; } = [];

    /// <summary>Transactions whose links are undone (a bad link found by an analyst).</summary>
    public IReadOnlyCollection<Hash32> ExcludedTxs { get; init; } = [];

    /// <summary>The platform's deposit addresses: the known-payee rule, and never change.</summary>
    public IReadOnlyCollection<string> KnownPayees { get; init; } = [];
}

/// <summary>Counts from one clustering run.</summary>
public sealed record ClusterStats(
    int Addresses, int Clusters, int Unions, int MultiInputTxs, int CoinJoinsSkipped, int MultisigSkipped, int ExcludedSkipped,
    int KnownPayeeLinks, int ChangeLinks, double Seconds)
{
    /// <summary>
    /// Bytes the clustering run allocated (its thread's managed allocations: the union-find, which becomes the cluster
    /// labels, 4 bytes an address, and a few small sets): an upper bound of its own managed memory. The union evidence
    /// (16 bytes a union) and the CoinJoin kinds (one byte a transaction) are written to column files as they are found,
    /// not held on the heap, and are not included, nor are the store's mapped columns. 0 when loaded from a saved run of
    /// an earlier Harrier.
    /// </summary>
    public long AllocatedBytes { get; init; }
}

/// <summary>
/// The address clusters of a store: multi-input union-find skipping coinbase, multisig and detected CoinJoins, plus
/// the known-payee rule and optional change heuristics. Each union that merged two sets is kept as evidence, so a
/// cluster explains itself (<see cref="Explain"/>, <see cref="LinkPath"/>) and a bad link is undone by excluding its tx.
/// </summary>
/// <remarks>
/// Memory: only the labels (4 bytes an address) are on the heap. The union evidence and the per-transaction CoinJoin
/// kinds are column files, mapped read-only. <see cref="Build"/> writes them, sequentially as they are found, into a
/// folder of its own beside the store's saved clusters (<c>STORE/clusters.build-GUID/</c>, on the store's disk, not
/// in a RAM-backed temporary folder) and deletes that folder on <see cref="Dispose"/> (a killed build's folder is deleted by the next
/// <see cref="Build"/> on that store: <see cref="RemoveStaleBuilds"/>); <see cref="Save"/> copies them
/// into <c>STORE/clusters/</c>. <see cref="Load"/> maps the saved files in <c>STORE/clusters/</c> themselves and
/// deletes nothing. Dispose a set when done with it (its lists are unreadable after).
/// </remarks>
public sealed class ClusterSet : IDisposable
{
    /// <summary>Folder name under the store for the cluster files.</summary>
    public const string FolderName = "clusters";

    private const string ManifestName = "clusters.json";
    private const string UnionsFile = "union.evidence.col";
    private const string CoinJoinFile = "tx.coinjoin.col";
    private const string BuildSuffix = ".build-";
    private const string BuildLockName = "build.lock";

    /// <summary>Appends between remaps of a spill writer, so that written pages stop counting as this process's memory.</summary>
    private const int RemapEvery = 1 << 22;

    private readonly MappedList<UnionEvidence> _unions;
    private readonly MappedList<byte> _coinJoin;
    private readonly string _filesDirectory;
    private readonly FileStream? _buildLock;
    private int[]? _memberStart;
    private int[]? _members;

    private ClusterSet(int[] clusterOf, string filesDirectory, FileStream? buildLock, ClusterOptions options, ClusterStats stats, string tip)
    {
        ClusterOf = clusterOf;
        _filesDirectory = filesDirectory;
        _buildLock = buildLock;
        _unions = new MappedList<UnionEvidence>(ColumnFile.Map<UnionEvidence>(Path.Combine(filesDirectory, UnionsFile)));
        _coinJoin = new MappedList<byte>(ColumnFile.Map<byte>(Path.Combine(filesDirectory, CoinJoinFile)));
        Options = options;
        Stats = stats;
        Tip = tip;
    }

    /// <summary>Cluster id of each address: the smallest address id in its cluster.</summary>
    public int[] ClusterOf { get; }

    /// <summary>Every union that merged two clusters, in the order made (a mapped column file, see the remarks).</summary>
    public IReadOnlyList<UnionEvidence> Unions => _unions;

    /// <summary>CoinJoin kind per transaction (a mapped column file, see the remarks).</summary>
    public IReadOnlyList<byte> CoinJoinKinds => _coinJoin;

    public ClusterOptions Options { get; }

    public ClusterStats Stats { get; }

    /// <summary>The store tip the clusters were computed on.</summary>
    public string Tip { get; }

    public CoinJoinKind CoinJoinOf(int tx) => (CoinJoinKind)_coinJoin[tx];

    /// <summary>Runs the clustering over the whole store.</summary>
    public static ClusterSet Build(ChainStore store, ClusterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ClusterOptions();
        foreach (var h in options.ChangeHeuristics)
        {
            if (!Clustering.ChangeHeuristics.Names.Contains(h))
            {
                throw new ArgumentException($"unknown change heuristic '{h}' (known: {string.Join(", ", Clustering.ChangeHeuristics.Names)})");
            }
        }

        var clock = Stopwatch.StartNew();
        var allocated0 = GC.GetAllocatedBytesForCurrentThread();
        var spill = Path.Combine(store.Directory, FolderName + BuildSuffix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(spill);
        var buildLock = new FileStream(Path.Combine(spill, BuildLockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        try
        {
            RemoveStaleBuilds(store.Directory);
            var (clusterOf, stats) = Spill(store, options, spill, clock, allocated0);
            return new ClusterSet(clusterOf, spill, buildLock, options, stats, store.Manifest.Tip);
        }
        catch
        {
            buildLock.Dispose();
            Directory.Delete(spill, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Deletes the spill folders of builds whose process is gone (killed before <see cref="Dispose"/>: at 50 M
    /// transactions a folder holds gigabytes). A build holds its folder's lock file open exclusively for as long as the set
    /// lives, and the operating system releases that lock when the process dies, however it dies; so a folder whose lock
    /// can be taken is nobody's. A folder without a lock file (one being created this instant, or written before the lock
    /// existed) is left alone. Returns the folders deleted.
    /// </summary>
    internal static IReadOnlyList<string> RemoveStaleBuilds(string storeDirectory)
    {
        var removed = new List<string>();
        foreach (var folder in Directory.EnumerateDirectories(storeDirectory, FolderName + BuildSuffix + "*"))
        {
            var lockPath = Path.Combine(folder, BuildLockName);
            try
            {
                using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                Directory.Delete(folder, recursive: true);
                removed.Add(folder);
            }
            catch (FileNotFoundException)
            {
                // No lock file: not judged.
            }
            catch (DirectoryNotFoundException)
            {
                // Deleted meanwhile by another build's sweep.
            }
            catch (IOException)
            {
                // Locked: a live build's folder.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to delete.
            }
        }

        return removed;
    }

    private static (int[] ClusterOf, ClusterStats Stats) Spill(ChainStore store, ClusterOptions options, string spill, Stopwatch clock, long allocated0)
    {
        var uf = new UnionFind(store.AddressCount);
        using var unions = new ColumnWriter<UnionRow>(Path.Combine(spill, UnionsFile), 0);
        using var coinJoin = new ColumnWriter<byte>(Path.Combine(spill, CoinJoinFile), 0);
        void AddUnion(UnionEvidence u)
        {
            unions.Add(new UnionRow(u));
            if (unions.Count % RemapEvery == 0)
            {
                unions.Remap();
            }
        }

        var excluded = new HashSet<int>();
        foreach (var h in options.ExcludedTxs)
        {
            if (store.TryFindTx(h, out var t))
            {
                excluded.Add(t);
            }
        }

        var payees = new HashSet<int>();
        foreach (var text in options.KnownPayees)
        {
            if (store.TryFindAddress(text, out var a))
            {
                payees.Add(a);
            }
        }

        int multi = 0, cj = 0, multisig = 0, excl = 0, payeeLinks = 0, changeLinks = 0;
        var inputAddrs = new List<int>();
        for (var tx = 0; tx < store.TxCount; tx++)
        {
            if (coinJoin.Count % RemapEvery == 0 && coinJoin.Count > 0)
            {
                coinJoin.Remap();
            }

            if (store.IsCoinbase(tx))
            {
                coinJoin.Add((byte)CoinJoinKind.None);
                continue;
            }

            var kind = CoinJoinDetector.Classify(store, tx);
            coinJoin.Add((byte)kind);
            inputAddrs.Clear();
            for (var i = store.TxInStart[tx]; i < store.TxInStart[tx + 1]; i++)
            {
                var o = store.InSpent[i];
                var a = o >= 0 ? store.OutAddress[o] : -1;
                if (a >= 0 && !inputAddrs.Contains(a))
                {
                    inputAddrs.Add(a);
                }
            }

            if (inputAddrs.Count == 0)
            {
                continue;
            }

            if (kind != CoinJoinKind.None)
            {
                cj++;
                continue;
            }

            if (excluded.Contains(tx))
            {
                excl++;
                continue;
            }

            var isMultisig = (store.FlagsOf(tx) & TxTraits.MultisigInput) != 0;
            if (inputAddrs.Count > 1)
            {
                if (isMultisig)
                {
                    multisig++;
                }
                else
                {
                    multi++;
                    for (var k = 1; k < inputAddrs.Count; k++)
                    {
                        if (uf.Union(inputAddrs[0], inputAddrs[k]))
                        {
                            AddUnion(new UnionEvidence(inputAddrs[0], inputAddrs[k], tx, UnionRule.MultiInput));
                        }
                    }
                }
            }

            if (isMultisig)
            {
                continue;
            }

            var outStart = store.TxOutStart[tx];
            var outCount = store.TxOutStart[tx + 1] - outStart;
            if (payees.Count > 0 && outCount == 2)
            {
                var a0 = store.OutAddress[outStart];
                var a1 = store.OutAddress[outStart + 1];
                var p0 = a0 >= 0 && payees.Contains(a0);
                var p1 = a1 >= 0 && payees.Contains(a1);
                if (p0 != p1)
                {
                    var change = p0 ? a1 : a0;
                    if (change >= 0)
                    {
                        payeeLinks++;
                        if (uf.Union(inputAddrs[0], change))
                        {
                            AddUnion(new UnionEvidence(inputAddrs[0], change, tx, UnionRule.KnownPayeeChange));
                        }
                    }

                    continue;
                }
            }

            if (options.ChangeHeuristics.Count > 0)
            {
                var change = Clustering.ChangeHeuristics.UniqueChange(options.ChangeHeuristics, store, tx,
                    o => store.OutAddress[o] < 0 || payees.Contains(store.OutAddress[o]));
                if (change >= 0)
                {
                    changeLinks++;
                    if (uf.Union(inputAddrs[0], store.OutAddress[change]))
                    {
                        AddUnion(new UnionEvidence(inputAddrs[0], store.OutAddress[change], tx, UnionRule.ChangeHeuristic));
                    }
                }
            }
        }

        var clusterOf = uf.LabelInPlace(out var clusterCount);
        unions.Close();
        coinJoin.Close();
        clock.Stop();
        var stats = new ClusterStats(store.AddressCount, clusterCount, (int)unions.Count, multi, cj, multisig, excl, payeeLinks, changeLinks,
            clock.Elapsed.TotalSeconds)
        {
            AllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - allocated0,
        };
        return (clusterOf, stats);
    }

    /// <summary>Addresses of cluster <paramref name="cluster"/>, ascending.</summary>
    public ReadOnlySpan<int> Members(int cluster)
    {
        if (_members is null)
        {
            var start = new int[ClusterOf.Length + 1];
            foreach (var c in ClusterOf)
            {
                start[c + 1]++;
            }

            for (var i = 0; i < ClusterOf.Length; i++)
            {
                start[i + 1] += start[i];
            }

            var members = new int[ClusterOf.Length];
            var fill = start.AsSpan(0, ClusterOf.Length).ToArray();
            for (var a = 0; a < ClusterOf.Length; a++)
            {
                members[fill[ClusterOf[a]]++] = a;
            }

            _memberStart = start;
            _members = members;
        }

        return _members.AsSpan(_memberStart![cluster], _memberStart[cluster + 1] - _memberStart[cluster]);
    }

    /// <summary>The unions inside the cluster of <paramref name="address"/>: a spanning tree of evidence.</summary>
    public IReadOnlyList<UnionEvidence> Explain(int address)
    {
        var c = ClusterOf[address];
        return _unions.Where(u => ClusterOf[u.AddressA] == c).ToList();
    }

    /// <summary>The chain of unions linking two addresses of one cluster (empty when they are the same or not linked).</summary>
    public IReadOnlyList<UnionEvidence> LinkPath(int from, int to)
    {
        if (from == to || ClusterOf[from] != ClusterOf[to])
        {
            return [];
        }

        var edges = new Dictionary<int, List<UnionEvidence>>();
        foreach (var u in Explain(from))
        {
            (edges.TryGetValue(u.AddressA, out var la) ? la : edges[u.AddressA] = []).Add(u);
            (edges.TryGetValue(u.AddressB, out var lb) ? lb : edges[u.AddressB] = []).Add(u);
        }

        var via = new Dictionary<int, UnionEvidence> { };
        var seen = new HashSet<int> { from };
        var queue = new Queue<int>();
        queue.Enqueue(from);
        while (queue.Count > 0)
        {
            var a = queue.Dequeue();
            if (a == to)
            {
                break;
            }

            foreach (var e in edges.GetValueOrDefault(a) ?? [])
            {
                var b = e.AddressA == a ? e.AddressB : e.AddressA;
                if (seen.Add(b))
                {
                    via[b] = e;
                    queue.Enqueue(b);
                }
            }
        }

        var path = new List<UnionEvidence>();
        for (var a = to; a != from && via.TryGetValue(a, out var e); a = e.AddressA == a ? e.AddressB : e.AddressA)
        {
            path.Add(e);
        }

        path.Reverse();
        return path;
    }

    /// <summary>Writes the clusters next to the store (<c>clusters/</c>).</summary>
    public void Save(string storeDirectory)
    {
        var dir = Path.Combine(storeDirectory, FolderName);
        Directory.CreateDirectory(dir);
        File.Delete(Path.Combine(dir, ManifestName));
        ColumnFile.Write<int>(Path.Combine(dir, "cluster.of.col"), ClusterOf);
        CopyColumn(UnionsFile, dir);
        CopyColumn(CoinJoinFile, dir);
        var manifest = new SavedManifest(Tip, Options.ChangeHeuristics.ToList(), Options.ExcludedTxs.Select(h => h.ToString()).ToList(),
            Options.KnownPayees.ToList(), Stats);
        File.WriteAllText(Path.Combine(dir, ManifestName), JsonSerializer.Serialize(manifest, ChainStore.JsonOptions));
    }

    /// <summary>Frees the mapped lists and deletes the folder <see cref="Build"/> wrote them to (saved files stay).</summary>
    public void Dispose()
    {
        _unions.Dispose();
        _coinJoin.Dispose();
        if (_buildLock is not null)
        {
            _buildLock.Dispose();
            if (Directory.Exists(_filesDirectory))
            {
                Directory.Delete(_filesDirectory, recursive: true);
            }
        }
    }

    /// <summary>True when clusters were saved for this store.</summary>
    public static bool Exists(string storeDirectory) => File.Exists(Path.Combine(storeDirectory, FolderName, ManifestName));

    /// <summary>Loads saved clusters; refuses ones computed on another tip.</summary>
    public static ClusterSet Load(ChainStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var dir = Path.Combine(store.Directory, FolderName);
        var manifestPath = Path.Combine(dir, ManifestName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"no clusters in {dir} (run chain cluster first)", manifestPath);
        }

        var m = JsonSerializer.Deserialize<SavedManifest>(File.ReadAllText(manifestPath), ChainStore.JsonOptions)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
        if (m.Tip != store.Manifest.Tip)
        {
            throw new InvalidDataException($"the clusters in {dir} were computed at tip {m.Tip}, the store is now at {store.Manifest.Tip}: run chain cluster again");
        }

        int[] clusterOf;
        using (var c = ColumnFile.Map<int>(Path.Combine(dir, "cluster.of.col")))
        {
            clusterOf = c.Span.ToArray();
        }

        var excluded = new List<Hash32>();
        foreach (var t in m.ExcludedTxs)
        {
            if (Hash32.TryParse(t, out var h))
            {
                excluded.Add(h);
            }
        }

        var options = new ClusterOptions { ChangeHeuristics = m.ChangeHeuristics, ExcludedTxs = excluded, KnownPayees = m.KnownPayees };
        return new ClusterSet(clusterOf, dir, buildLock: null, options, m.Stats, m.Tip);
    }

    /// <summary>Copies one mapped column file into <paramref name="dir"/> (a temporary name, then renamed into place).</summary>
    private void CopyColumn(string name, string dir)
    {
        var from = Path.GetFullPath(Path.Combine(_filesDirectory, name));
        var to = Path.GetFullPath(Path.Combine(dir, name));
        if (from == to)
        {
            return;
        }

        File.Copy(from, to + ".tmp", overwrite: true);
        File.Move(to + ".tmp", to, overwrite: true);
    }

    private sealed record SavedManifest(string Tip, List<string> ChangeHeuristics, List<string> ExcludedTxs, List<string> KnownPayees, ClusterStats Stats);
}


/// <summary>
/// <see cref="UnionEvidence"/> as written to <c>union.evidence.col</c>: the same 16 bytes (three ints, the rule in
/// byte 12), with the three bytes after the rule always zero (a copied <see cref="UnionEvidence"/> may carry whatever
/// its padding held, which made the saved file differ between runs of the same clustering).
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
internal readonly struct UnionRow(UnionEvidence u)
{
    public readonly int AddressA = u.AddressA;
    public readonly int AddressB = u.AddressB;
    public readonly int Tx = u.Tx;
    public readonly int Rule = (byte)u.Rule;
}

/// <summary>A read-only list over a mapped column (fewer than 2^31 elements).</summary>
internal sealed class MappedList<T>(MappedColumn<T> column) : IReadOnlyList<T>, IDisposable
    where T : unmanaged
{
    public int Count { get; } = checked((int)column.Count);

    public T this[int index] => (uint)index < (uint)Count ? column.Slice(index, 1)[0] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<T> GetEnumerator()
    {
        const int Chunk = 4096;
        for (var start = 0; start < Count; start += Chunk)
        {
            var n = Math.Min(Chunk, Count - start);
            for (var i = 0; i < n; i++)
            {
                yield return column.Slice(start, n)[i];
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => column.Dispose();
}
