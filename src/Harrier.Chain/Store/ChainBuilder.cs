using System.Text.Json;
using Harrier.Chain.Blocks;
using NBitcoin;

namespace Harrier.Chain.Store;

/// <summary>
/// Appends blocks (in chain order) to the columns and writes them out. Loads an existing store first, so imports
/// are incremental: new blocks extend the stored tip and may spend outputs stored earlier.
/// </summary>
internal sealed class ChainBuilder
{
    private readonly GrowableColumn<Hash32> _blockHash;
    private readonly GrowableColumn<uint> _blockTime;
    private readonly GrowableColumn<int> _blockTxStart;
    private readonly GrowableColumn<Hash32> _txHash;
    private readonly GrowableColumn<int> _txBlock;
    private readonly GrowableColumn<int> _txInStart;
    private readonly GrowableColumn<int> _txOutStart;
    private readonly GrowableColumn<byte> _txFlags;
    private readonly GrowableColumn<int> _inSpent;
    private readonly GrowableColumn<int> _inTx;
    private readonly GrowableColumn<long> _outValue;
    private readonly GrowableColumn<int> _outAddress;
    private readonly GrowableColumn<int> _outSpentBy;
    private readonly GrowableColumn<int> _outTx;
    private readonly GrowableColumn<byte> _addrKind;
    private readonly GrowableColumn<long> _addrScriptStart;
    private readonly GrowableColumn<byte> _addrScript;
    private readonly Dictionary<Hash32, int> _txIndex;
    private readonly Dictionary<Hash32, int> _blockIndex;
    private readonly Dictionary<ScriptKey, int> _addrIndex;

    public ChainBuilder(Network network)
    {
        Network = network;
        _blockHash = new();
        _blockTime = new();
        _blockTxStart = new();
        _blockTxStart.Add(0);
        _txHash = new();
        _txBlock = new();
        _txInStart = new();
        _txInStart.Add(0);
        _txOutStart = new();
        _txOutStart.Add(0);
        _txFlags = new();
        _inSpent = new();
        _inTx = new();
        _outValue = new();
        _outAddress = new();
        _outSpentBy = new();
        _outTx = new();
        _addrKind = new();
        _addrScriptStart = new();
        _addrScriptStart.Add(0);
        _addrScript = new();
        _txIndex = [];
        _blockIndex = [];
        _addrIndex = [];
    }

    /// <summary>A builder holding everything in <paramref name="store"/>.</summary>
    public ChainBuilder(ChainStore store)
    {
        Network = store.Network;
        BaseHeight = store.Manifest.BaseHeight;
        _ = Hash32.TryParse(store.Manifest.FirstPrev, out var firstPrev);
        FirstPrev = firstPrev;
        Imports = store.Manifest.Imports;
        UnresolvedInputs = store.Manifest.UnresolvedInputs;
        _blockHash = GrowableColumn<Hash32>.From(store.BlockHash);
        _blockTime = GrowableColumn<uint>.From(store.BlockTime);
        _blockTxStart = GrowableColumn<int>.From(store.BlockTxStart);
        _txHash = GrowableColumn<Hash32>.From(store.TxHash);
        _txBlock = GrowableColumn<int>.From(store.TxBlock);
        _txInStart = GrowableColumn<int>.From(store.TxInStart);
        _txOutStart = GrowableColumn<int>.From(store.TxOutStart);
        _txFlags = GrowableColumn<byte>.From(store.TxFlagBytes);
        _inSpent = GrowableColumn<int>.From(store.InSpent);
        _inTx = GrowableColumn<int>.From(store.InTx);
        _outValue = GrowableColumn<long>.From(store.OutValue);
        _outAddress = GrowableColumn<int>.From(store.OutAddress);
        _outSpentBy = GrowableColumn<int>.From(store.OutSpentBy);
        _outTx = GrowableColumn<int>.From(store.OutTx);
        _addrKind = GrowableColumn<byte>.From(store.AddressKindBytes);
        _addrScriptStart = GrowableColumn<long>.From(store.AddrScriptStart);
        _addrScript = GrowableColumn<byte>.From(store.AddrScriptBytes);
        _txIndex = new(store.TxCount);
        _blockIndex = new(store.BlockCount);
        _addrIndex = new(store.AddressCount);
        for (var t = 0; t < store.TxCount; t++)
        {
            _txIndex[store.TxHash[t]] = t;
        }

        for (var b = 0; b < store.BlockCount; b++)
        {
            _blockIndex[store.BlockHash[b]] = b;
        }

        for (var a = 0; a < store.AddressCount; a++)
        {
            _addrIndex[new ScriptKey(store.AddressScript(a).ToArray())] = a;
        }
    }

    public Network Network { get; }

    public int? BaseHeight { get; set; }

    public Hash32 FirstPrev { get; set; }

    public int Imports { get; set; }

    public long UnresolvedInputs { get; private set; }

    public int BlockCount => _blockHash.Count;

    public int TxCount => _txHash.Count;

    public Hash32? Tip => _blockHash.Count == 0 ? null : _blockHash[_blockHash.Count - 1];

    public bool ContainsBlock(Hash32 hash) => _blockIndex.ContainsKey(hash);

    /// <summary>Appends one block; its previous block must be the current tip (the caller orders blocks).</summary>
    public void Append(Block block)
    {
        var blockId = _blockHash.Count;
        var hash = Hash32.From(block.GetHash());
        if (blockId == 0)
        {
            FirstPrev = Hash32.From(block.Header.HashPrevBlock);
            BaseHeight = FirstPrev.IsZero ? 0 : block.GetCoinbaseHeight();
        }

        _blockHash.Add(hash);
        _blockIndex[hash] = blockId;
        _blockTime.Add(block.Header.BlockTime.ToUnixTimeSeconds() is var s and >= 0 and <= uint.MaxValue ? (uint)s : 0);
        foreach (var tx in block.Transactions)
        {
            AppendTx(tx, blockId);
        }

        _blockTxStart.Add(_txHash.Count);
    }

    private void AppendTx(Transaction tx, int blockId)
    {
        var txId = _txHash.Count;
        var flags = TxTraits.None;
        if (tx.IsCoinBase)
        {
            flags |= TxTraits.Coinbase;
        }

        if (tx.HasWitness)
        {
            flags |= TxTraits.Segwit;
        }

        foreach (var input in tx.Inputs)
        {
            var inputId = _inSpent.Count;
            var spent = -1;
            if (!tx.IsCoinBase)
            {
                if (_txIndex.TryGetValue(Hash32.From(input.PrevOut.Hash), out var prevTx)
                    && input.PrevOut.N < (uint)(_txOutStart[prevTx + 1] - _txOutStart[prevTx]))
                {
                    spent = _txOutStart[prevTx] + (int)input.PrevOut.N;
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

                if (ScriptClassifier.SpendsMultisig(input))
                {
                    flags |= TxTraits.MultisigInput;
                }
            }

            _inSpent.Add(spent);
            _inTx.Add(txId);
        }

        foreach (var output in tx.Outputs)
        {
            _outValue.Add(output.Value.Satoshi);
            _outAddress.Add(AddressIdOf(output.ScriptPubKey));
            _outSpentBy.Add(-1);
            _outTx.Add(txId);
        }

        _txHash.Add(Hash32.From(tx.GetHash()));
        _txIndex[_txHash[txId]] = txId;
        _txBlock.Add(blockId);
        _txFlags.Add((byte)flags);
        _txInStart.Add(_inSpent.Count);
        _txOutStart.Add(_outValue.Count);
    }

    private int AddressIdOf(Script script)
    {
        var (bytes, kind) = ScriptClassifier.CanonicalScript(script.ToBytes(@unsafe: true));
        if (bytes is null)
        {
            return -1;
        }

        var key = new ScriptKey(bytes);
        if (_addrIndex.TryGetValue(key, out var id))
        {
            return id;
        }

        id = _addrKind.Count;
        _addrIndex[key] = id;
        _addrKind.Add((byte)kind);
        _addrScript.AddRange(bytes);
        _addrScriptStart.Add(_addrScript.Count);
        return id;
    }

    /// <summary>Writes every column and then the manifest (last, so a reader never sees a half-written store as current).</summary>
    public ChainManifest Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var manifestPath = Path.Combine(directory, ChainStore.ManifestFileName);
        if (File.Exists(manifestPath))
        {
            File.Delete(manifestPath);
        }

        // Address → outputs CSR, by counting sort over the output column (ascending output ids per address).
        var addrCount = _addrKind.Count;
        var outStart = new int[addrCount + 1];
        foreach (var a in _outAddress.Span)
        {
            if (a >= 0)
            {
                outStart[a + 1]++;
            }
        }

        for (var a = 0; a < addrCount; a++)
        {
            outStart[a + 1] += outStart[a];
        }

        var outs = new int[outStart[addrCount]];
        var fill = outStart.AsSpan(0, addrCount).ToArray();
        var outAddress = _outAddress.Span;
        for (var o = 0; o < outAddress.Length; o++)
        {
            if (outAddress[o] >= 0)
            {
                outs[fill[outAddress[o]]++] = o;
            }
        }

        ColumnFile.Write<Hash32>(Path.Combine(directory, ChainStore.Columns.BlockHash), _blockHash.Span);
        ColumnFile.Write<uint>(Path.Combine(directory, ChainStore.Columns.BlockTime), _blockTime.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.BlockTxStart), _blockTxStart.Span);
        ColumnFile.Write<Hash32>(Path.Combine(directory, ChainStore.Columns.TxHash), _txHash.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.TxBlock), _txBlock.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.TxInStart), _txInStart.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.TxOutStart), _txOutStart.Span);
        ColumnFile.Write<byte>(Path.Combine(directory, ChainStore.Columns.TxFlags), _txFlags.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.InSpent), _inSpent.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.InTx), _inTx.Span);
        ColumnFile.Write<long>(Path.Combine(directory, ChainStore.Columns.OutValue), _outValue.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.OutAddress), _outAddress.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.OutSpentBy), _outSpentBy.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.OutTx), _outTx.Span);
        ColumnFile.Write<byte>(Path.Combine(directory, ChainStore.Columns.AddrKind), _addrKind.Span);
        ColumnFile.Write<long>(Path.Combine(directory, ChainStore.Columns.AddrScriptStart), _addrScriptStart.Span);
        ColumnFile.Write<byte>(Path.Combine(directory, ChainStore.Columns.AddrScript), _addrScript.Span);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.AddrOutStart), outStart);
        ColumnFile.Write<int>(Path.Combine(directory, ChainStore.Columns.AddrOuts), outs);

        var manifest = new ChainManifest
        {
            Network = ChainNetworks.NameOf(Network),
            BaseHeight = BaseHeight,
            FirstPrev = FirstPrev.ToString(),
            Tip = Tip?.ToString() ?? new Hash32().ToString(),
            Blocks = _blockHash.Count,
            Transactions = _txHash.Count,
            Inputs = _inSpent.Count,
            Outputs = _outValue.Count,
            Addresses = addrCount,
            UnresolvedInputs = UnresolvedInputs,
            Imports = Imports,
        };
        var tmp = manifestPath + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(manifest, ChainStore.JsonOptions));
        File.Move(tmp, manifestPath, overwrite: true);
        return manifest;
    }
}
