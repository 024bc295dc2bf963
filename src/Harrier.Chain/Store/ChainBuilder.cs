using System.Text.Json;
using Harrier.Chain.Blocks;
using NBitcoin;

namespace Harrier.Chain.Store;

/// <summary>
/// Appends blocks (in chain order) to a store's columns in place. Opening writes <c>import.pending</c> (the counts the
/// store had); the columns grow after their committed elements, the hash indexes spill sorted runs, and
/// <see cref="Commit"/> writes the manifest last and removes the marker. An import killed on the way leaves the
/// store as it was: readers map only the manifest's counts and, while the marker is there, ignore links to elements
/// past them; the next import rolls the links back (<see cref="Recover"/>) before it appends.
/// Memory is bounded by the index deltas (<see cref="HashIndex.DeltaLimit"/>), one block's arrays and the block hash
/// table (one entry a block), whatever the size of the store or the import: columns and runs are memory-mapped files,
/// remapped every <see cref="RemapEveryTxs"/> transactions so that the pages touched stop counting as resident.
/// </summary>
internal sealed class ChainBuilder : IDisposable
{
    public const string PendingFileName = "import.pending";
    public const string TxIndexName = "tx";
    public const string AddressIndexName = "addr";
    internal static int RemapEveryTxs = 1 << 20;

    /// <summary>
    /// Inputs whose spent transaction is not in the txid index's delta are held (at most this many: 56 bytes each) and
    /// resolved together in key order (<see cref="ResolveDeferred"/>); 0 resolves every input at once, at random.
    /// </summary>
    internal static int DeferLimit = 4 << 20;

    private readonly string _directory;
    private readonly List<IDisposable> _all = [];
    private readonly ColumnWriter<Hash32> _blockHash;
    private readonly ColumnWriter<uint> _blockTime;
    private readonly ColumnWriter<int> _blockTxStart;
    private readonly ColumnWriter<Hash32> _txHash;
    private readonly ColumnWriter<int> _txBlock;
    private readonly ColumnWriter<long> _txInStart;
    private readonly ColumnWriter<long> _txOutStart;
    private readonly ColumnWriter<byte> _txFlags;
    private readonly ColumnWriter<long> _inSpent;
    private readonly ColumnWriter<int> _inTx;
    private readonly ColumnWriter<long> _inValue;
    private readonly ColumnWriter<long> _outValue;
    private readonly ColumnWriter<int> _outAddress;
    private readonly ColumnWriter<long> _outSpentBy;
    private readonly ColumnWriter<int> _outTx;
    private readonly ColumnWriter<long> _outAddrNext;
    private readonly ColumnWriter<byte> _addrKind;
    private readonly ColumnWriter<long> _addrScriptStart;
    private readonly ColumnWriter<byte> _addrScript;
    private readonly ColumnWriter<long> _addrFirstOut;
    private readonly ColumnWriter<long> _addrLastOut;
    private readonly HashIndex _txIndex;
    private readonly HashIndex _addrIndex;
    private readonly Dictionary<Hash32, int> _blockIndex;
    private long _txsSinceRemap;
    private int[] _resolved = new int[256];
    private readonly int _deferLimit = DeferLimit;
    private Deferred[] _deferred = [];
    private int _deferredCount;
    private ulong[] _sortKeys = [];
    private long[] _sortLinks = [];
    private int[] _order = [];
    private long[] _deferredValue = [];
    private bool[] _deferredMultisig = [];
    private ulong[] _heldTxids = new ulong[2048];

    private ChainBuilder(string directory, Network network, ChainManifest? m)
    {
        _directory = directory;
        Network = network;
        BaseHeight = m?.BaseHeight;
        _ = Hash32.TryParse(m?.FirstPrev, out var firstPrev);
        FirstPrev = firstPrev;
        Imports = m?.Imports ?? 0;
        UnresolvedInputs = m?.UnresolvedInputs ?? 0;
        long blocks = m?.Blocks ?? 0, txs = m?.Transactions ?? 0, ins = m?.Inputs ?? 0, outs = m?.Outputs ?? 0, addrs = m?.Addresses ?? 0;
        long scriptBytes = 0;
        var csr = m is null ? 0 : 1;
        _blockHash = Column<Hash32>(ChainStore.Columns.BlockHash, blocks);
        _blockTime = Column<uint>(ChainStore.Columns.BlockTime, blocks);
        _blockTxStart = Column<int>(ChainStore.Columns.BlockTxStart, blocks + csr);
        _txHash = Column<Hash32>(ChainStore.Columns.TxHash, txs);
        _txBlock = Column<int>(ChainStore.Columns.TxBlock, txs);
        _txInStart = Column<long>(ChainStore.Columns.TxInStart, txs + csr);
        _txOutStart = Column<long>(ChainStore.Columns.TxOutStart, txs + csr);
        _txFlags = Column<byte>(ChainStore.Columns.TxFlags, txs);
        _inSpent = Column<long>(ChainStore.Columns.InSpent, ins);
        _inTx = Column<int>(ChainStore.Columns.InTx, ins);
        _outValue = Column<long>(ChainStore.Columns.OutValue, outs);
        if (ins > 0 && !File.Exists(Path.Combine(directory, ChainStore.Columns.InValue)))
        {
            BackfillInputValues(directory, _inSpent, _outValue, ins);
        }

        _inValue = Column<long>(ChainStore.Columns.InValue, ins);
        _outAddress = Column<int>(ChainStore.Columns.OutAddress, outs);
        _outSpentBy = Column<long>(ChainStore.Columns.OutSpentBy, outs);
        _outTx = Column<int>(ChainStore.Columns.OutTx, outs);
        _outAddrNext = Column<long>(ChainStore.Columns.OutAddrNext, outs);
        _addrKind = Column<byte>(ChainStore.Columns.AddrKind, addrs);
        _addrScriptStart = Column<long>(ChainStore.Columns.AddrScriptStart, addrs + csr);
        if (m is not null)
        {
            scriptBytes = _addrScriptStart[addrs];
        }

        _addrScript = Column<byte>(ChainStore.Columns.AddrScript, scriptBytes);
        _addrFirstOut = Column<long>(ChainStore.Columns.AddrFirstOut, addrs);
        _addrLastOut = Column<long>(ChainStore.Columns.AddrLastOut, addrs);
        if (m is null)
        {
            _blockTxStart.Add(0);
            _txInStart.Add(0);
            _txOutStart.Add(0);
            _addrScriptStart.Add(0);
        }

        _txIndex = new HashIndex(directory, TxIndexName, m?.TxIndexRuns ?? [], writable: true);
        _all.Add(_txIndex);
        _addrIndex = new HashIndex(directory, AddressIndexName, m?.AddressIndexRuns ?? [], writable: true) { RandomAccess = true };
        _all.Add(_addrIndex);
        _blockIndex = new Dictionary<Hash32, int>((int)blocks, KeyOrder.Instance);
        for (var b = 0; b < blocks; b++)
        {
            _blockIndex[_blockHash[b]] = b;
        }
    }

    /// <summary>
    /// Opens the store in <paramref name="directory"/> for appending (creating it when <paramref name="manifest"/> is
    /// null): finishes or rolls back a killed import, removes files it left, and marks the import pending.
    /// </summary>
    public static ChainBuilder Open(string directory, Network network, ChainManifest? manifest)
    {
        Directory.CreateDirectory(directory);
        Recover(directory, manifest);
        var inUse = new HashSet<string>((manifest?.TxIndexRuns ?? []).Concat(manifest?.AddressIndexRuns ?? []));
        foreach (var stray in HashIndex.Strays(directory, TxIndexName, inUse).Concat(HashIndex.Strays(directory, AddressIndexName, inUse)))
        {
            File.Delete(Path.Combine(directory, stray));
        }

        var pending = new PendingImport(manifest?.Inputs ?? 0, manifest?.Outputs ?? 0, manifest?.Addresses ?? 0);
        var path = Path.Combine(directory, PendingFileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(pending, ChainStore.JsonOptions));
        File.Move(path + ".tmp", path, overwrite: true);
        return new ChainBuilder(directory, network, manifest);
    }

    /// <summary>The counts a store had when an import began (<c>import.pending</c>).</summary>
    internal sealed record PendingImport(long Inputs, long Outputs, long Addresses);

    internal static PendingImport? ReadPending(string directory)
    {
        var path = Path.Combine(directory, PendingFileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<PendingImport>(File.ReadAllText(path), ChainStore.JsonOptions) : null;
    }

    /// <summary>
    /// After an import was killed: when the manifest is still the old one, undoes the links it wrote into stored
    /// elements (an output's spending input, an address's next output and last output); appended elements past the
    /// manifest's counts are simply overwritten later. Idempotent: the marker goes only once this is done.
    /// </summary>
    internal static void Recover(string directory, ChainManifest? manifest)
    {
        var pending = ReadPending(directory);
        if (pending is null)
        {
            return;
        }

        if (manifest is not null && (manifest.Inputs != pending.Inputs || manifest.Outputs != pending.Outputs || manifest.Addresses != pending.Addresses))
        {
            // The manifest was written: the import completed (killed while it tidied up).
            File.Delete(Path.Combine(directory, PendingFileName));
            return;
        }

        if (manifest is not null && manifest.Outputs > 0)
        {
            using var spentBy = new ColumnWriter<long>(Path.Combine(directory, ChainStore.Columns.OutSpentBy), manifest.Outputs);
            using var next = new ColumnWriter<long>(Path.Combine(directory, ChainStore.Columns.OutAddrNext), manifest.Outputs);
            using var address = new ColumnWriter<int>(Path.Combine(directory, ChainStore.Columns.OutAddress), manifest.Outputs);
            using var last = new ColumnWriter<long>(Path.Combine(directory, ChainStore.Columns.AddrLastOut), manifest.Addresses);
            for (long o = 0; o < manifest.Outputs; o++)
            {
                if (spentBy[o] >= manifest.Inputs)
                {
                    spentBy[o] = -1;
                }

                if (next[o] >= manifest.Outputs)
                {
                    // o was its address's last output before the killed import linked a new one after it.
                    next[o] = -1;
                    last[address[o]] = o;
                }
            }

            spentBy.Commit();
            next.Commit();
            last.Commit();
        }

        File.Delete(Path.Combine(directory, PendingFileName));
    }

    /// <summary>
    /// A store written before the input value column (format 3 as first released) gets it from its links, once: the
    /// column is written under a temporary name, committed, then renamed, so that the name exists only when complete.
    /// </summary>
    private static void BackfillInputValues(string directory, ColumnWriter<long> spent, ColumnWriter<long> values, long inputs)
    {
        var path = Path.Combine(directory, ChainStore.Columns.InValue);
        var tmp = path + ".tmp";
        File.Delete(tmp);
        using (var column = new ColumnWriter<long>(tmp, 0))
        {
            for (long i = 0; i < inputs; i++)
            {
                var o = spent[i];
                column.Add(o >= 0 ? values[o] : 0);
            }

            column.Commit();
        }

        File.Move(tmp, path);
    }

    private ColumnWriter<T> Column<T>(string name, long committed)
        where T : unmanaged
    {
        var c = new ColumnWriter<T>(Path.Combine(_directory, name), committed);
        _all.Add(c);
        return c;
    }

    public Network Network { get; }

    public int? BaseHeight { get; set; }

    public Hash32 FirstPrev { get; set; }

    public int Imports { get; set; }

    public long UnresolvedInputs { get; private set; }

    public int BlockCount => (int)_blockHash.Count;

    public int TxCount => (int)_txHash.Count;

    public long InputCount => _inSpent.Count;

    public long OutputCount => _outValue.Count;

    public Hash32? Tip => _blockHash.Count == 0 ? null : _blockHash[_blockHash.Count - 1];

    public bool ContainsBlock(Hash32 hash) => _blockIndex.ContainsKey(hash);

    /// <summary>Appends one block; its previous block must be the current tip (the caller orders blocks).</summary>
    public void Append(ParsedBlock block)
    {
        var blockId = (int)_blockHash.Count;
        if (blockId == 0)
        {
            FirstPrev = block.Prev;
        }

        _blockHash.Add(block.Hash);
        _blockIndex[block.Hash] = blockId;
        _blockTime.Add(block.Time);
        if (!block.AddressKeysComputed)
        {
            block.ComputeAddressKeys();
        }

        // The lookups of one transaction are mostly cache misses; starting those of a transaction a little ahead
        // overlaps them with the work of the current one (measured: docs/chain.md).
        for (var t = 0; t < Math.Min(PrefetchAhead, block.TxCount); t++)
        {
            Prefetch(block, t);
        }

        // Inputs are resolved one transaction ahead (their index lines were prefetched two ahead), so that the
        // output-range line of each spent transaction is on its way while the current one is appended.
        EnsureResolvedCapacity(block.InStart[block.TxCount]);
        Resolve(block, 0);
        for (var t = 0; t < block.TxCount; t++)
        {
            if (t + PrefetchAhead < block.TxCount)
            {
                Prefetch(block, t + PrefetchAhead);
            }

            if (t + 1 < block.TxCount)
            {
                Resolve(block, t + 1);
            }

            AppendTx(block, t, blockId);
        }

        _blockTxStart.Add((int)_txHash.Count);
        _txsSinceRemap += block.TxCount;
        if (_txsSinceRemap >= RemapEveryTxs)
        {
            _txsSinceRemap = 0;
            foreach (var d in _all)
            {
                switch (d)
                {
                    case HashIndex h:
                        h.Remap();
                        break;
                    case IRemappable r:
                        r.Remap();
                        break;
                }
            }
        }
    }

    private const int PrefetchAhead = 2;

    private void Prefetch(ParsedBlock b, int t)
    {
        if (((TxTraits)b.TxFlags[t] & TxTraits.Coinbase) == 0)
        {
            for (var i = b.InStart[t]; i < b.InStart[t + 1]; i++)
            {
                if (_deferLimit > 0)
                {
                    _txIndex.PrefetchRecent(b.InPrevTx[i]);
                }
                else
                {
                    _txIndex.Prefetch(b.InPrevTx[i]);
                }
            }
        }

        for (var o = b.OutStart[t]; o < b.OutStart[t + 1]; o++)
        {
            if (b.OutHasAddress[o])
            {
                _addrIndex.Prefetch(b.OutKey[o]);
            }
        }

        _txIndex.Prefetch(b.TxId[t]);
    }

    private void EnsureResolvedCapacity(int inputs)
    {
        if (_resolved.Length < inputs)
        {
            _resolved = new int[Math.Max(inputs, _resolved.Length * 2)];
        }
    }

    /// <summary>
    /// Looks up the transaction each input of <paramref name="t"/> spends (its id, or -1) and starts loading the line
    /// of <c>tx.outstart</c> that <see cref="AppendTx"/> reads next. Only the transaction appended between this and
    /// that can change an answer (it adds one txid), and <see cref="AppendTx"/> looks again for an input naming it.
    /// </summary>
    private void Resolve(ParsedBlock b, int t)
    {
        if (((TxTraits)b.TxFlags[t] & TxTraits.Coinbase) != 0)
        {
            return;
        }

        for (var i = b.InStart[t]; i < b.InStart[t + 1]; i++)
        {
            _ = LookUpSpent(b.InPrevTx[i], out var prevTx);
            _resolved[i] = prevTx;
            if (prevTx >= 0)
            {
                _txOutStart.Prefetch(prevTx);
            }
        }
    }

    private void AppendTx(ParsedBlock b, int t, int blockId)
    {
        if (_deferredCount > 0 && MayBeHeld(b.TxId[t].W0) && _txIndex.TryGet(b.TxId[t], out _))
        {
            // A txid seen before (BIP30): inputs held for it spend the earlier one, which the index forgets once this
            // one is added. (This transaction's own inputs cannot name its txid: a hash cannot contain itself.)
            ResolveDeferred();
        }
        else if (_deferredCount > 0 && _deferredCount + (b.InStart[t + 1] - b.InStart[t]) > _deferLimit)
        {
            // Resolved before this transaction's inputs could pass the limit: the held arrays never outgrow it.
            ResolveDeferred();
        }

        var txId = (int)_txHash.Count;
        var flags = (TxTraits)b.TxFlags[t];
        var coinbase = (flags & TxTraits.Coinbase) != 0;
        if (!coinbase)
        {
            // The spent outputs' lines of three columns, requested for every input before the first is used.
            for (var i = b.InStart[t]; i < b.InStart[t + 1]; i++)
            {
                if (t > 0 && b.InPrevTx[i] == b.TxId[t - 1])
                {
                    // Spends the transaction appended after it was resolved (or a txid that one repeats: the later wins).
                    _ = LookUpSpent(b.InPrevTx[i], out _resolved[i]);
                }

                var prevTx = _resolved[i];
                if (prevTx >= 0)
                {
                    var o = _txOutStart[prevTx] + b.InPrevN[i];
                    _outSpentBy.Prefetch(o);
                    _outAddress.Prefetch(o);
                    _outValue.Prefetch(o);
                }
            }
        }

        for (var i = b.InStart[t]; i < b.InStart[t + 1]; i++)
        {
            var inputId = _inSpent.Count;
            var spent = -1L;
            if (!coinbase && _resolved[i] < 0 && _deferLimit > 0)
            {
                // Not among the recent transactions: resolved later with others, in key order (in.spent, in.value and
                // the flags are set then; -1, 0 and none until then).
                Defer(b.InPrevTx[i], inputId, b.InPrevN[i], txId);
            }
            else if (!coinbase)
            {
                var prevTx = _resolved[i];
                if (prevTx >= 0
                    && b.InPrevN[i] < (uint)(_txOutStart[prevTx + 1] - _txOutStart[prevTx]))
                {
                    spent = _txOutStart[prevTx] + b.InPrevN[i];
                    _outSpentBy[spent] = inputId;
                    var prevAddr = _outAddress[spent];
                    if (prevAddr >= 0 && (AddressKind)_addrKind[prevAddr] == AddressKind.Multisig)
                    {
                        flags |= TxTraits.MultisigInput;
                    }
                }
                else
                {
                    flags |= TxTraits.UnresolvedInput;
                    UnresolvedInputs++;
                }
            }

            _inSpent.Add(spent);
            _inTx.Add(txId);
            _inValue.Add(spent >= 0 ? _outValue[spent] : 0);
        }

        for (var o = b.OutStart[t]; o < b.OutStart[t + 1]; o++)
        {
            var outputId = _outValue.Count;
            _outValue.Add(b.OutValue[o]);
            _outAddress.Add(b.OutHasAddress[o] ? AddressIdOf(b, o, outputId) : -1);
            _outSpentBy.Add(-1);
            _outTx.Add(txId);
            _outAddrNext.Add(-1);
        }

        _txHash.Add(b.TxId[t]);
        _txIndex.Add(b.TxId[t], txId);
        _txBlock.Add(blockId);
        _txFlags.Add((byte)flags);
        _txInStart.Add(_inSpent.Count);
        _txOutStart.Add(_outValue.Count);
        if (_deferredCount >= _deferLimit)
        {
            ResolveDeferred();
        }
    }

    /// <summary>The transaction a spent txid names: from the delta only while inputs are deferred, else from the whole index.</summary>
    private bool LookUpSpent(in Hash32 txid, out int tx) =>
        _deferLimit > 0 ? _txIndex.TryGetRecent(txid, out tx) : _txIndex.TryGet(txid, out tx);

    /// <summary>An input held for <see cref="ResolveDeferred"/>: the txid and output index it spends, its id and its transaction's.</summary>
    private struct Deferred
    {
        public Hash32 Key;
        public long Input;
        public long Link; // the spent transaction, then the spent output (-1: none)
        public uint Vout;
        public int Spender;
    }

    private void Defer(in Hash32 key, long input, uint vout, int spender)
    {
        if (_deferredCount == _deferred.Length)
        {
            // Doubling up to the limit; past it only for one transaction with more inputs than the limit.
            var size = Math.Max(Math.Min(Math.Max(1024, _deferred.Length * 2), _deferLimit), _deferredCount + 1);
            Array.Resize(ref _deferred, size);
            _heldTxids = new ulong[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * size))];
            for (var k = 0; k < _deferredCount; k++)
            {
                Hold(_deferred[k].Key.W0);
            }
        }

        _deferred[_deferredCount++] = new Deferred { Key = key, Input = input, Vout = vout, Spender = spender, Link = -1 };
        Hold(key.W0);
    }

    // The first words of the txids held inputs name, in an open-addressed set (0 marks a free slot; a word of 0 is
    // kept as 1): an appended transaction whose txid is not there cannot be one a held input waits for, so the check
    // for a repeated txid reads the index (its runs at random) only in the rare case it may matter.
    private void Hold(ulong w0)
    {
        w0 = w0 == 0 ? 1 : w0;
        var mask = _heldTxids.Length - 1;
        for (var i = (int)((w0 * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; i = (i + 1) & mask)
        {
            if (_heldTxids[i] == 0 || _heldTxids[i] == w0)
            {
                _heldTxids[i] = w0;
                return;
            }
        }
    }

    private bool MayBeHeld(ulong w0)
    {
        w0 = w0 == 0 ? 1 : w0;
        var mask = _heldTxids.Length - 1;
        for (var i = (int)((w0 * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; i = (i + 1) & mask)
        {
            if (_heldTxids[i] == w0)
            {
                return true;
            }

            if (_heldTxids[i] == 0)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Resolves the held inputs in three ordered sweeps instead of one random walk each: by txid through the index
    /// runs (sorted by key, so the runs' pages are read once, in order), by spent transaction through
    /// <c>tx.outstart</c>, and by spent output through <c>out.spentby</c>, <c>out.value</c> and
    /// <c>out.address</c>; then in input order it writes <c>in.spent</c>, <c>in.value</c> and the flags. At 50 M
    /// transactions a random walk over those columns and runs needs them all resident (about 4.5 GB more than the
    /// import holds itself); the sweeps touch each page once per batch. The store written is the same as resolving
    /// each input when appended: a spent transaction is the latest with that txid appended before the input
    /// (a repeated txid resolves the held inputs first), and of two inputs spending one output the later is linked.
    /// </summary>
    private void ResolveDeferred()
    {
        var n = _deferredCount;
        if (n == 0)
        {
            return;
        }

        if (_order.Length < n)
        {
            var size = _deferred.Length;
            _order = new int[size];
            _sortKeys = new ulong[size];
            _sortLinks = new long[size];
            _deferredValue = new long[size];
            _deferredMultisig = new bool[size];
        }

        var d = _deferred;
        var order = _order.AsSpan(0, n);

        // 1. By txid: the runs' pages in key order.
        var keys = _sortKeys.AsSpan(0, n);
        for (var k = 0; k < n; k++)
        {
            keys[k] = d[k].Key.W0;
            order[k] = k;
        }

        keys.Sort(order);
        foreach (var k in order)
        {
            ref var e = ref d[k];
            // An id at or after the input's own transaction was appended after it: the input spent nothing stored then.
            e.Link = _txIndex.TryGet(e.Key, out var tx) && tx < e.Spender ? tx : -1;
        }

        // 2. By spent transaction: its output range.
        SortByLink(order);
        foreach (var k in order)
        {
            ref var e = ref d[k];
            if (e.Link >= 0)
            {
                var first = _txOutStart[e.Link];
                e.Link = e.Vout < _txOutStart[e.Link + 1] - first ? first + e.Vout : -1;
            }
        }

        // 3. By spent output: link it to its spender (the later of two), read its value and address kind.
        SortByLink(order);
        foreach (var k in order)
        {
            ref var e = ref d[k];
            var o = e.Link;
            if (o < 0)
            {
                continue;
            }

            if (_outSpentBy[o] < e.Input)
            {
                _outSpentBy[o] = e.Input;
            }

            _deferredValue[k] = _outValue[o];
            var addr = _outAddress[o];
            _deferredMultisig[k] = addr >= 0 && (AddressKind)_addrKind[addr] == AddressKind.Multisig;
        }

        // 4. In input order (as held): the input's columns and its transaction's flags.
        for (var k = 0; k < n; k++)
        {
            ref var e = ref d[k];
            if (e.Link < 0)
            {
                _txFlags[e.Spender] |= (byte)TxTraits.UnresolvedInput;
                UnresolvedInputs++;
                continue;
            }

            if (_deferredMultisig[k])
            {
                _txFlags[e.Spender] |= (byte)TxTraits.MultisigInput;
            }

            _inSpent[e.Input] = e.Link;
            _inValue[e.Input] = _deferredValue[k];
        }

        _deferredCount = 0;
        Array.Clear(_heldTxids);
    }

    /// <summary>Fills <paramref name="order"/> with the held inputs' positions ordered by their current link.</summary>
    private void SortByLink(Span<int> order)
    {
        var links = _sortLinks.AsSpan(0, order.Length);
        for (var k = 0; k < order.Length; k++)
        {
            links[k] = _deferred[k].Link;
            order[k] = k;
        }

        links.Sort(order);
    }

    private int AddressIdOf(ParsedBlock b, int o, long outputId)
    {
        ref readonly var key = ref b.OutKey[o];
        if (_addrIndex.TryGet(key, out var id))
        {
            _outAddrNext[_addrLastOut[id]] = outputId;
            _addrLastOut[id] = outputId;
            return id;
        }

        var kind = (AddressKind)b.OutKind[o];
        var script = b.Script(o);
        id = (int)_addrKind.Count;
        _addrIndex.Add(key, id);
        _addrKind.Add((byte)kind);
        _addrScript.AddRange(kind == AddressKind.P2PK ? ScriptClassifier.CanonicalScript(script.ToArray()).Key! : script);
        _addrScriptStart.Add(_addrScript.Count);
        _addrFirstOut.Add(outputId);
        _addrLastOut.Add(outputId);
        return id;
    }

    /// <summary>
    /// The 32-byte index key of an indexed script. P2PKH, P2SH and P2WPKH: the 20-byte hash they carry, zeros, and the
    /// script type in the last byte (exact, and uniform in the first word). Anything else: SHA-256 of the script with
    /// its last byte replaced by the type (a P2TR output can carry any 32 bytes, so its program alone is not a key).
    /// </summary>
    internal static Hash32 KeyOf(ReadOnlySpan<byte> script)
    {
        var kind = ScriptClassifier.KindOf(script);
        Span<byte> key = stackalloc byte[32];
        key.Clear();
        switch (kind)
        {
            case AddressKind.P2PKH:
                script.Slice(3, 20).CopyTo(key);
                break;
            case AddressKind.P2SH:
            case AddressKind.P2WPKH:
                script.Slice(2, 20).CopyTo(key);
                break;
            default:
                ParsedBlock.Sha256(script, key);
                break;
        }

        key[31] = (byte)kind;
        return Hash32.FromBytes(key);
    }

    /// <summary>Commits every column, writes the index runs, then the manifest (last), then removes the marker.</summary>
    public ChainManifest Commit()
    {
        if (_txHash.Count > int.MaxValue || _addrKind.Count > int.MaxValue)
        {
            // Inputs and outputs have 64-bit ids; transactions and addresses have int ids (mainnet: about 1.2 and 1.5 billion).
            throw new InvalidDataException($"the store would pass 2^31 transactions or addresses (int ids): {_txHash.Count:N0} transactions, {_addrKind.Count:N0} addresses");
        }

        ResolveDeferred();
        foreach (var d in _all)
        {
            if (d is IRemappable c)
            {
                c.Commit();
            }
        }

        var txRuns = _txIndex.Flush();
        var addrRuns = _addrIndex.Flush();
        var manifest = new ChainManifest
        {
            Network = ChainNetworks.NameOf(Network),
            BaseHeight = BaseHeight,
            FirstPrev = FirstPrev.ToString(),
            Tip = Tip?.ToString() ?? new Hash32().ToString(),
            Blocks = (int)_blockHash.Count,
            Transactions = (int)_txHash.Count,
            Inputs = _inSpent.Count,
            Outputs = _outValue.Count,
            Addresses = (int)_addrKind.Count,
            UnresolvedInputs = UnresolvedInputs,
            Imports = Imports,
            TxIndexRuns = txRuns,
            AddressIndexRuns = addrRuns,
        };
        var manifestPath = Path.Combine(_directory, ChainStore.ManifestFileName);
        var tmp = manifestPath + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(manifest, ChainStore.JsonOptions));
        File.Move(tmp, manifestPath, overwrite: true);
        foreach (var old in _txIndex.Obsolete.Concat(_addrIndex.Obsolete))
        {
            File.Delete(Path.Combine(_directory, old));
        }

        File.Delete(Path.Combine(_directory, PendingFileName));
        return manifest;
    }

    public void Dispose()
    {
        foreach (var d in _all)
        {
            d.Dispose();
        }

        _all.Clear();
    }
}
