using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Harrier.Chain.Blocks;
using NBitcoin;

namespace Harrier.Chain.Store;

/// <summary>
/// The columnar transaction graph, BlockSci style: dense ids for blocks, transactions and addresses (int) and for
/// inputs and outputs (long: mainnet has more than 2^31 of each, so their columns are read as
/// <see cref="ColumnSpan{T}"/>); CSR ranges (an offsets column with one extra entry) from blocks to transactions,
/// transactions to inputs and outputs; input → spent output, output → spending input and output → next output of its
/// address links.
/// Every column is a memory-mapped file under the store folder; <c>manifest.json</c> names the format and tip.
/// </summary>
public sealed class ChainStore : IDisposable
{
    /// <summary>The manifest file name.</summary>
    public const string ManifestFileName = "manifest.json";

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly List<IDisposable> _maps = [];
    private readonly List<long[]> _widened = []; // pinned: a store written with 32-bit links (format 2 or 3) read as 64-bit
    private readonly MappedColumn<Hash32> _blockHash;
    private readonly MappedColumn<uint> _blockTime;
    private readonly MappedColumn<int> _blockTxStart;
    private readonly MappedColumn<Hash32> _txHash;
    private readonly MappedColumn<int> _txBlock;
    private readonly ColumnSpan<long> _txInStart;
    private readonly ColumnSpan<long> _txOutStart;
    private readonly MappedColumn<byte> _txFlags;
    private readonly ColumnSpan<long> _inSpent;
    private readonly ColumnSpan<int> _inTx;
    private readonly ColumnSpan<long>? _inValue;
    private long[]? _computedInValue;
    private readonly ColumnSpan<long> _outValue;
    private readonly ColumnSpan<int> _outAddress;
    private readonly ColumnSpan<long> _outSpentBy;
    private readonly ColumnSpan<int> _outTx;
    private readonly MappedColumn<byte> _addrKind;
    private readonly MappedColumn<long> _addrScriptStart;
    private readonly MappedColumn<byte> _addrScript;
    private readonly ColumnSpan<long> _outAddrNext;
    private readonly ColumnSpan<long> _addrFirstOut;
    private readonly bool _format2;
    private Dictionary<Hash32, int>? _legacyTx;
    private Dictionary<Hash32, int>? _legacyAddr;
    private long[]? _addrOutStart;
    private long[]? _addrOuts;
    private HashIndex? _txIndex;
    private Dictionary<Hash32, int>? _blockIndex;
    private HashIndex? _addressIndex;

    private ChainStore(string directory, ChainManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
        Network = ChainNetworks.FromName(manifest.Network) ?? throw new InvalidDataException($"unknown network {manifest.Network} in {directory}");
        long blocks = manifest.Blocks, txs = manifest.Transactions, ins = manifest.Inputs, outs = manifest.Outputs, addrs = manifest.Addresses;
        _format2 = manifest.Format == 2;
        try
        {
            _blockHash = Map<Hash32>(Columns.BlockHash, blocks);
            _blockTime = Map<uint>(Columns.BlockTime, blocks);
            _blockTxStart = Map<int>(Columns.BlockTxStart, blocks + 1);
            _txHash = Map<Hash32>(Columns.TxHash, txs);
            _txBlock = Map<int>(Columns.TxBlock, txs);
            _txInStart = Links(Columns.TxInStart, txs + 1);
            _txOutStart = Links(Columns.TxOutStart, txs + 1);
            _txFlags = Map<byte>(Columns.TxFlags, txs);
            _inSpent = Links(Columns.InSpent, ins);
            _inTx = Map<int>(Columns.InTx, ins).Column;
            if (!_format2 && File.Exists(Path.Combine(directory, Columns.InValue)))
            {
                _inValue = Map<long>(Columns.InValue, ins).Column;
            }

            _outValue = Map<long>(Columns.OutValue, outs).Column;
            _outAddress = Map<int>(Columns.OutAddress, outs).Column;
            _outSpentBy = Links(Columns.OutSpentBy, outs);
            _outTx = Map<int>(Columns.OutTx, outs).Column;
            _addrKind = Map<byte>(Columns.AddrKind, addrs);
            _addrScriptStart = Map<long>(Columns.AddrScriptStart, addrs + 1);
            _addrScript = Map<byte>(Columns.AddrScript, _addrScriptStart.Span[(int)addrs]);
            if (!_format2)
            {
                _outAddrNext = Links(Columns.OutAddrNext, outs);
                _addrFirstOut = Links(Columns.AddrFirstOut, addrs);
            }
            else
            {
                // Format 2 (read only): the address → outputs CSR it stored stands in for the first/next links.
                using (var start = ColumnFile.Map<int>(Path.Combine(directory, "addr.outstart.col")))
                using (var list = ColumnFile.Map<int>(Path.Combine(directory, "addr.outs.col")))
                {
                    _addrOutStart = [.. start.Span.ToArray().Select(x => (long)x)];
                    _addrOuts = [.. list.Span.ToArray().Select(x => (long)x)];
                }

                var firstOut = Pinned(addrs);
                var addrNext = Pinned(outs);
                addrNext.AsSpan().Fill(-1);
                for (var a = 0; a < addrs; a++)
                {
                    var (from, to) = (_addrOutStart[a], _addrOutStart[a + 1]);
                    firstOut[a] = from < to ? _addrOuts[from] : -1;
                    for (var k = from; k + 1 < to; k++)
                    {
                        addrNext[_addrOuts[k]] = _addrOuts[k + 1];
                    }
                }

                _addrFirstOut = SpanOf(firstOut);
                _outAddrNext = SpanOf(addrNext);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// A link column: mapped as it is (format 4: 64-bit ids), or, from a store written with 32-bit ids (formats 2 and
    /// 3, case-sized), read once into a pinned 64-bit copy.
    /// </summary>
    private ColumnSpan<long> Links(string name, long count)
    {
        if (Manifest.Format == ChainManifest.CurrentFormat)
        {
            return Map<long>(name, count).Column;
        }

        using var narrow = ColumnFile.Map<int>(Path.Combine(Directory, name), count);
        var wide = Pinned(count);
        var source = narrow.Column;
        for (long i = 0; i < count; i++)
        {
            wide[i] = source[i];
        }

        return SpanOf(wide);
    }

    private long[] Pinned(long count)
    {
        var array = GC.AllocateUninitializedArray<long>(checked((int)count), pinned: true);
        _widened.Add(array);
        return array;
    }

    private static unsafe ColumnSpan<long> SpanOf(long[] pinned) =>
        new((long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)), pinned.Length);

    /// <summary>True when <paramref name="directory"/> holds a store.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, ManifestFileName));

    /// <summary>Opens the store in <paramref name="directory"/>.</summary>
    public static ChainStore Open(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"no chain store in {directory} (run chain import first)", manifestPath);
        }

        return new ChainStore(directory, ReadManifest(directory, forImport: false));
    }

    /// <summary>
    /// Reads and checks a store's manifest. A store of another format is refused with its version. A format-2 store
    /// (its columns were rewritten on every import) opens read-only, with its hash indexes built in memory as before;
    /// an import into it is refused with the advice to import the blocks again.
    /// </summary>
    internal static ChainManifest ReadManifest(string directory, bool forImport)
    {
        var manifestPath = Path.Combine(directory, ManifestFileName);
        var manifest = JsonSerializer.Deserialize<ChainManifest>(File.ReadAllText(manifestPath), JsonOptions)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
        if (manifest.Format is 2 or 3 && !forImport)
        {
            return manifest;
        }

        if (manifest.Format is 1 or 2 or 3)
        {
            throw new InvalidDataException($"{manifestPath}: store format {manifest.Format}, written by an earlier Harrier; this build writes "
                + $"format {ChainManifest.CurrentFormat} (64-bit input and output ids) and only reads formats 2 and 3: delete {directory} and run chain import again (the blocks are re-read; clusters and traces are computed again)");
        }

        if (manifest.Format != ChainManifest.CurrentFormat)
        {
            throw new InvalidDataException($"{manifestPath}: store format {manifest.Format}, this build reads {ChainManifest.CurrentFormat}");
        }

        return manifest;
    }

    private MappedColumn<T> Map<T>(string name, long count)
        where T : unmanaged
    {
        var column = ColumnFile.Map<T>(Path.Combine(Directory, name), count);
        _maps.Add(column);
        return column;
    }

    /// <summary>The store folder.</summary>
    public string Directory { get; }

    /// <summary>The manifest.</summary>
    public ChainManifest Manifest { get; }

    /// <summary>The network the blocks belong to (address encoding).</summary>
    public Network Network { get; }

    public int BlockCount => (int)_blockHash.Count;

    public int TxCount => (int)_txHash.Count;

    /// <summary>Stored inputs (input ids are 64-bit: mainnet has more than 2^31).</summary>
    public long InputCount => _inSpent.Length;

    /// <summary>Stored outputs (output ids are 64-bit: mainnet has more than 2^31).</summary>
    public long OutputCount => _outValue.Length;

    public int AddressCount => (int)_addrKind.Count;

    public ReadOnlySpan<Hash32> BlockHash => _blockHash.Span;

    /// <summary>Block time, Unix seconds.</summary>
    public ReadOnlySpan<uint> BlockTime => _blockTime.Span;

    /// <summary>CSR: transactions of block b are [BlockTxStart[b], BlockTxStart[b+1]).</summary>
    public ReadOnlySpan<int> BlockTxStart => _blockTxStart.Span;

    public ReadOnlySpan<Hash32> TxHash => _txHash.Span;

    public ReadOnlySpan<int> TxBlock => _txBlock.Span;

    /// <summary>CSR: inputs of tx t are [TxInStart[t], TxInStart[t+1]).</summary>
    public ReadOnlySpan<long> TxInStart => _txInStart.Slice(0, (int)_txInStart.Length);

    /// <summary>CSR: outputs of tx t are [TxOutStart[t], TxOutStart[t+1]); the vout is the offset in that range.</summary>
    public ReadOnlySpan<long> TxOutStart => _txOutStart.Slice(0, (int)_txOutStart.Length);

    public ReadOnlySpan<byte> TxFlagBytes => _txFlags.Span;

    /// <summary>The output each input spends, or -1 (coinbase, or not in the store).</summary>
    public LinkSpan InSpent => Masked(_inSpent, OutputCount);

    /// <summary>The transaction each input belongs to.</summary>
    public ColumnSpan<int> InTx => _inTx;

    /// <summary>
    /// The value of the output each input spends, or 0 (coinbase, or not in the store): stored beside the inputs at
    /// import so that a pass over inputs reads their values in order instead of one random read per input. A store
    /// written before this column has it computed in memory on first use (its next import stores it).
    /// </summary>
    public ColumnSpan<long> InValue
    {
        get
        {
            if (_inValue is { } stored)
            {
                return stored;
            }

            if (_computedInValue is null)
            {
                var spent = InSpent;
                var values = OutValue;
                var computed = Pinned(InputCount);
                for (long i = 0; i < computed.Length; i++)
                {
                    computed[i] = spent[i] >= 0 ? values[spent[i]] : 0;
                }

                _computedInValue = computed;
            }

            return SpanOf(_computedInValue);
        }
    }

    /// <summary>Output value in satoshis.</summary>
    public ColumnSpan<long> OutValue => _outValue;

    /// <summary>Output address id, or -1 (OP_RETURN, empty script).</summary>
    public ColumnSpan<int> OutAddress => _outAddress;

    /// <summary>The input that spends each output, or -1 when unspent in the store.</summary>
    public LinkSpan OutSpentBy => Masked(_outSpentBy, InputCount);

    /// <summary>The transaction each output belongs to.</summary>
    public ColumnSpan<int> OutTx => _outTx;

    public ReadOnlySpan<byte> AddressKindBytes => _addrKind.Span;

    /// <summary>
    /// CSR: outputs paying address a are AddrOuts[AddrOutStart[a] .. AddrOutStart[a+1]), ascending. Built in memory on
    /// first use (8 bytes an address and an output, so for stores whose outputs fit one array) by a counting sort of
    /// <see cref="OutAddress"/>: for whole-store passes; a lookup of one address uses <see cref="OutputsOf"/>, which
    /// reads the stored links.
    /// </summary>
    public ReadOnlySpan<long> AddrOutStart
    {
        get
        {
            BuildAddressCsr();
            return _addrOutStart;
        }
    }

    /// <inheritdoc cref="AddrOutStart"/>
    public ReadOnlySpan<long> AddrOuts
    {
        get
        {
            BuildAddressCsr();
            return _addrOuts;
        }
    }

    /// <summary>The first output paying each address (the address was created by it).</summary>
    public ReadOnlySpan<long> AddrFirstOut => _addrFirstOut.Slice(0, (int)_addrFirstOut.Length);

    /// <summary>The next output paying the same address as each output, or -1 (a linked list per address, ascending).</summary>
    public LinkSpan OutAddrNext => Masked(_outAddrNext, OutputCount);

    // Links to ids at or past the manifest's counts read as -1: an import running or killed wrote them into stored
    // outputs (a committed store has none), so the store reads exactly as before that import.
    private static LinkSpan Masked(ColumnSpan<long> links, long limit) => LinkSpan.Over(links, limit);

    /// <summary>The outputs paying <paramref name="address"/>, ascending (follows the stored links; no index is built).</summary>
    public long[] OutputsOf(int address)
    {
        var list = new List<long>();
        var next = OutAddrNext;
        for (var o = AddrFirstOut[address]; o >= 0; o = next[o])
        {
            list.Add(o);
        }

        return [.. list];
    }

    [MemberNotNull(nameof(_addrOutStart), nameof(_addrOuts))]
    private void BuildAddressCsr()
    {
        if (_addrOuts is not null && _addrOutStart is not null)
        {
            return;
        }

        var addrCount = AddressCount;
        var outStart = new long[addrCount + 1];
        var outAddress = OutAddress;
        for (long o = 0; o < outAddress.Length; o++)
        {
            if (outAddress[o] >= 0)
            {
                outStart[outAddress[o] + 1]++;
            }
        }

        for (var a = 0; a < addrCount; a++)
        {
            outStart[a + 1] += outStart[a];
        }

        var outs = new long[outStart[addrCount]];
        var fill = outStart.AsSpan(0, addrCount).ToArray();
        for (long o = 0; o < outAddress.Length; o++)
        {
            if (outAddress[o] >= 0)
            {
                outs[fill[outAddress[o]]++] = o;
            }
        }

        _addrOutStart = outStart;
        _addrOuts = outs;
    }

    /// <summary>The height of a block id (base height + id).</summary>
    public int HeightOf(int block) => (Manifest.BaseHeight ?? 0) + block;

    public TxTraits FlagsOf(int tx) => (TxTraits)_txFlags.Span[tx];

    public bool IsCoinbase(int tx) => (FlagsOf(tx) & TxTraits.Coinbase) != 0;

    public AddressKind KindOf(int address) => (AddressKind)_addrKind.Span[address];

    /// <summary>CSR offsets into <see cref="AddrScriptBytes"/>.</summary>
    public ReadOnlySpan<long> AddrScriptStart => _addrScriptStart.Span;

    /// <summary>The indexed scripts of all addresses, end to end (P2PK under its P2PKH script); refused past 2^31 bytes (read <see cref="AddressScript"/>).</summary>
    public ReadOnlySpan<byte> AddrScriptBytes => _addrScript.Span;

    /// <summary>The script address <paramref name="address"/> is indexed under.</summary>
    public ReadOnlySpan<byte> AddressScript(int address) =>
        _addrScript.Slice(_addrScriptStart.Span[address], (int)(_addrScriptStart.Span[address + 1] - _addrScriptStart.Span[address]));

    /// <summary>The address text (base58/bech32; <c>script:HEX</c> or <c>multisig:HEX</c> otherwise), encoded on demand.</summary>
    public string AddressText(int address) => ScriptClassifier.TextOf(AddressScript(address), Network);

    /// <summary>The vout of output <paramref name="output"/> within its transaction.</summary>
    public int VoutOf(long output) => (int)(output - TxOutStart[OutTx[output]]);

    /// <summary>The UTC time of a transaction's block.</summary>
    public DateTimeOffset TimeOfTx(int tx) => DateTimeOffset.FromUnixTimeSeconds(BlockTime[TxBlock[tx]]);

    /// <summary>Transaction id by hash (the on-disk txid index; a later duplicate txid wins, as in Bitcoin Core).</summary>
    public bool TryFindTx(Hash32 hash, out int tx)
    {
        if (_format2)
        {
            if (_legacyTx is null)
            {
                var index = new Dictionary<Hash32, int>(TxCount, KeyOrder.Instance);
                for (var i = 0; i < TxCount; i++)
                {
                    index[TxHash[i]] = i;
                }

                _legacyTx = index;
            }

            return _legacyTx.TryGetValue(hash, out tx);
        }

        _txIndex ??= new HashIndex(Directory, ChainBuilder.TxIndexName, Manifest.TxIndexRuns, writable: false);
        return _txIndex.TryGet(hash, out tx) && tx < TxCount;
    }

    /// <summary>Block id by hash.</summary>
    public bool TryFindBlock(Hash32 hash, out int block)
    {
        if (_blockIndex is null)
        {
            var index = new Dictionary<Hash32, int>(BlockCount, KeyOrder.Instance);
            var hashes = BlockHash;
            for (var i = 0; i < hashes.Length; i++)
            {
                index[hashes[i]] = i;
            }

            _blockIndex = index;
        }

        return _blockIndex.TryGetValue(hash, out block);
    }

    /// <summary>Address id by its text (any form <see cref="AddressText"/> produces), through the on-disk script index.</summary>
    public bool TryFindAddress(string text, out int address)
    {
        address = -1;
        if (ScriptClassifier.KeyOf(text, Network) is not { } key)
        {
            return false;
        }

        if (_format2)
        {
            if (_legacyAddr is null)
            {
                var index = new Dictionary<Hash32, int>(AddressCount, KeyOrder.Instance);
                for (var a = 0; a < AddressCount; a++)
                {
                    index[ChainBuilder.KeyOf(AddressScript(a))] = a;
                }

                _legacyAddr = index;
            }

            return _legacyAddr.TryGetValue(ChainBuilder.KeyOf(key), out address) && AddressScript(address).SequenceEqual(key);
        }

        _addressIndex ??= new HashIndex(Directory, ChainBuilder.AddressIndexName, Manifest.AddressIndexRuns, writable: false);
        return _addressIndex.TryGet(ChainBuilder.KeyOf(key), out address) && address < AddressCount
            && AddressScript(address).SequenceEqual(key);
    }

    /// <summary>Sum of a transaction's input values (resolved inputs only).</summary>
    public long InputValue(int tx)
    {
        long sum = 0;
        var spent = InSpent;
        for (var i = TxInStart[tx]; i < TxInStart[tx + 1]; i++)
        {
            var o = spent[i];
            if (o >= 0)
            {
                sum += OutValue[o];
            }
        }

        return sum;
    }

    /// <summary>Sum of a transaction's output values.</summary>
    public long OutputValue(int tx)
    {
        long sum = 0;
        for (var o = TxOutStart[tx]; o < TxOutStart[tx + 1]; o++)
        {
            sum += OutValue[o];
        }

        return sum;
    }

    /// <summary>Fee in satoshis, or null for coinbase and txs with unresolved inputs.</summary>
    public long? Fee(int tx) =>
        (FlagsOf(tx) & (TxTraits.Coinbase | TxTraits.UnresolvedInput)) != 0 ? null : InputValue(tx) - OutputValue(tx);

    /// <summary>Formats a satoshi amount as BTC text.</summary>
    public static string Btc(long sats) => (sats / 1e8m).ToString("0.00000000", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose()
    {
        _widened.Clear();
        foreach (var m in _maps)
        {
            m.Dispose();
        }

        _maps.Clear();
        _txIndex?.Dispose();
        _addressIndex?.Dispose();
    }

    /// <summary>Column file names.</summary>
    internal static class Columns
    {
        public const string BlockHash = "block.hash.col";
        public const string BlockTime = "block.time.col";
        public const string BlockTxStart = "block.txstart.col";
        public const string TxHash = "tx.hash.col";
        public const string TxBlock = "tx.block.col";
        public const string TxInStart = "tx.instart.col";
        public const string TxOutStart = "tx.outstart.col";
        public const string TxFlags = "tx.flags.col";
        public const string InSpent = "in.spent.col";
        public const string InTx = "in.tx.col";
        public const string InValue = "in.value.col";
        public const string OutValue = "out.value.col";
        public const string OutAddress = "out.address.col";
        public const string OutSpentBy = "out.spentby.col";
        public const string OutTx = "out.tx.col";
        public const string AddrKind = "addr.kind.col";
        public const string AddrScriptStart = "addr.scriptstart.col";
        public const string AddrScript = "addr.script.col";
        public const string OutAddrNext = "out.addrnext.col";
        public const string AddrFirstOut = "addr.firstout.col";
        public const string AddrLastOut = "addr.lastout.col";
    }
}
