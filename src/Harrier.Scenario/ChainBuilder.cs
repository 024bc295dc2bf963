using System.Security.Cryptography;
using System.Text;
using NBitcoin;

namespace Harrier.Scenario;

/// <summary>A fictional exchange of the scenario, with its jurisdiction.</summary>
public sealed record ScenarioExchange(string Id, string Name, string Country);

/// <summary>What the chain's truth records for one transaction output the analysis should find.</summary>
public sealed record ChangeTruth(string Txid, int Vout);

/// <summary>
/// Builds an offline regtest chain with NBitcoin for a world's payments: exchanges mine coinbases into hot wallets,
/// withdraw to users' fresh addresses in batches (with change back), users pay their deposit addresses (change to
/// a fresh address: a peel chain when they pay again), the platform consolidates deposits, mining pools add noise,
/// and an equal-output CoinJoin stands as a decoy. Keys come from the seed and signatures are RFC 6979, so the same
/// seed gives the same bytes.
/// </summary>
/// <remarks>
/// Built for the large preset's million transactions: blocks are mined with unsigned transactions (segwit txids,
/// merkle roots and block hashes do not depend on witnesses), then every few thousand transactions the pending
/// blocks are signed in parallel (each input's BIP 143 sighash signed with its key directly) and appended to the
/// block files, so the chain is never held in memory. Fresh keys are derived ahead in parallel batches; signing
/// and derivation depend only on (seed, index), so the bytes do not depend on scheduling.
/// </remarks>
internal sealed class ChainBuilder : IDisposable
{
    public static readonly ScenarioExchange[] Exchanges =
    [
        new("nordcoin", "NordCoin Exchange", "SE"),
        new("alpinex", "Alpine Crypto AG", "CH"),
        new("maplex", "Maple Exchange", "CA"),
        new("rheindigital", "Rhein Digital Börse", "DE"),
        new("lionx", "Lion Exchange", "SG"),
    ];

    private const int FreshBatch = 4096;
    private static readonly Network Net = Network.RegTest;
    private static readonly byte[] Magic = BitConverter.GetBytes(Net.Magic);
    private readonly int _seed;
    private readonly int _parallelism;
    private readonly string _dir;
    private readonly int _maxFileBytes;
    private readonly int _signBatch;
    private readonly List<Transaction> _pending = [];
    private readonly List<Block> _unwritten = [];
    private readonly List<(Transaction Tx, (Coin Coin, Key Key)[] Inputs)> _unsigned = [];
    private readonly uint _bits = Net.GetGenesis().Header.Bits;
    private uint256 _tip = Net.GetGenesis().GetHash();
    private uint _time;
    private int _height;
    private int _keyCounter;
    private (Key Key, BitcoinAddress Address)[] _fresh = [];
    private int _freshBase;
    private FileStream? _file;
    private int _fileIndex;

    /// <param name="seed">The world seed keys derive from.</param>
    /// <param name="startUnix">Time of the first block.</param>
    /// <param name="dir">Folder for blk00000.dat, blk00001.dat, … (Bitcoin Core framing), written as blocks are mined.</param>
    /// <param name="parallelism">Threads for key derivation and signing.</param>
    /// <param name="maxFileBytes">Size at which the next block file is started.</param>
    /// <param name="signBatch">Mined transactions held before they are signed and written.</param>
    public ChainBuilder(int seed, long startUnix, string dir, int parallelism, int maxFileBytes = 128 << 20, int signBatch = 8192)
    {
        _seed = seed;
        _time = (uint)startUnix;
        _dir = dir;
        _parallelism = Math.Max(1, parallelism);
        _maxFileBytes = maxFileBytes;
        _signBatch = signBatch;
        Directory.CreateDirectory(dir);
    }

    public List<ChangeTruth> ChangeOutputs { get; } = [];

    public List<(string Address, string Owner)> AddressOwners { get; } = [];

    /// <summary>Transactions built to mislead naive heuristics: (txid, kind).</summary>
    public List<(string Txid, string Kind)> Decoys { get; } = [];

    public int BlockCount { get; private set; }

    public int TransactionCount { get; private set; }

    public ParallelOptions Parallel => new() { MaxDegreeOfParallelism = _parallelism };

    /// <summary>A deterministic key for (purpose, index).</summary>
    public Key KeyFor(string purpose, long index)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"harrier-scenario:{_seed}:{purpose}:{index}"));
        return new Key(bytes);
    }

    public static BitcoinAddress AddressOf(Key key) => key.PubKey.GetAddress(ScriptPubKeyType.Segwit, Net);

    /// <summary>The next fresh key (derived ahead, FreshBatch at a time, in parallel), recorded with its owner.</summary>
    public Key NewKey(string owner)
    {
        var index = _keyCounter++;
        if (index - _freshBase >= _fresh.Length)
        {
            _freshBase = index;
            var batch = new (Key, BitcoinAddress)[FreshBatch];
            System.Threading.Tasks.Parallel.For(0, FreshBatch, Parallel, i =>
            {
                var key = KeyFor("fresh", index + i);
                batch[i] = (key, AddressOf(key));
            });
            _fresh = batch;
        }

        var (k, address) = _fresh[index - _freshBase];
        AddressOwners.Add((address.ToString(), owner));
        return k;
    }

    /// <summary>
    /// Mines a block holding the pending transactions, its coinbase paying <paramref name="miner"/>; returns the
    /// coinbase. The block is written (signed) later, with others, or by <see cref="Complete"/>.
    /// </summary>
    public Transaction Mine(Key miner, long atUnix)
    {
        _time = (uint)Math.Max(_time + 1, atUnix);
        var coinbase = Net.CreateTransaction();
        coinbase.Inputs.Add(new TxIn(new OutPoint(), new Script(Op.GetPushOp(++_height), OpcodeType.OP_0)));
        coinbase.Outputs.Add(Money.Coins(50), AddressOf(miner));
        coinbase.PrecomputeHash(false, true);
        var block = Net.Consensus.ConsensusFactory.CreateBlock();
        block.Header.HashPrevBlock = _tip;
        block.Header.BlockTime = DateTimeOffset.FromUnixTimeSeconds(_time);
        block.Header.Bits = _bits;
        block.Header.Version = 0x20000000;
        block.Transactions.Add(coinbase);
        block.Transactions.AddRange(_pending);
        _pending.Clear();
        block.UpdateMerkleRoot();
        while (!block.Header.CheckProofOfWork())
        {
            block.Header.Nonce++;
        }

        _tip = block.GetHash();
        BlockCount++;
        TransactionCount += block.Transactions.Count;
        _unwritten.Add(block);
        if (_unsigned.Count >= _signBatch)
        {
            Flush();
        }

        return coinbase;
    }

    /// <summary>A P2WPKH spend of <paramref name="coins"/> to <paramref name="outputs"/>, change to <paramref name="change"/>; signed when its block is written.</summary>
    public Transaction Spend(IReadOnlyList<(Coin Coin, Key Key)> coins, IReadOnlyList<(BitcoinAddress To, Money Amount)> outputs, Key? change, Money fee)
    {
        var tx = Net.CreateTransaction();
        foreach (var (coin, _) in coins)
        {
            tx.Inputs.Add(new TxIn(coin.Outpoint));
        }

        long paid = 0;
        foreach (var (to, amount) in outputs)
        {
            tx.Outputs.Add(amount, to);
            paid += amount.Satoshi;
        }

        long have = 0;
        foreach (var (coin, _) in coins)
        {
            have += coin.Amount.Satoshi;
        }

        var rest = have - paid - fee.Satoshi;
        if (rest < 0)
        {
            throw new InvalidOperationException("scenario chain: inputs do not cover outputs and fee");
        }

        var withChange = change is not null && rest > 546;
        if (withChange)
        {
            tx.Outputs.Add(Money.Satoshis(rest), AddressOf(change!));
        }

        // The txid does not depend on the witnesses added later, so it can be fixed now.
        tx.PrecomputeHash(false, true);
        if (withChange)
        {
            ChangeOutputs.Add(new ChangeTruth(tx.GetHash().ToString(), tx.Outputs.Count - 1));
        }

        _unsigned.Add((tx, [.. coins]));
        _pending.Add(tx);
        return tx;
    }

    /// <summary>Signs and writes every mined block; call once at the end (pending, unmined transactions are an error).</summary>
    public void Complete()
    {
        if (_pending.Count > 0)
        {
            throw new InvalidOperationException("scenario chain: transactions built but never mined");
        }

        Flush();
        _file?.Dispose();
        _file = null;
    }

    public void Dispose() => _file?.Dispose();

    /// <summary>Signs the mined blocks' transactions in parallel, then appends the blocks in order.</summary>
    private void Flush()
    {
        var unsigned = _unsigned;
        System.Threading.Tasks.Parallel.For(0, unsigned.Count, Parallel, i => Sign(unsigned[i].Tx, unsigned[i].Inputs));
        unsigned.Clear();
        foreach (var block in _unwritten)
        {
            var bytes = block.ToBytes();
            if (_file is null || _file.Length + bytes.Length + 8 > _maxFileBytes)
            {
                _file?.Dispose();
                _file = new FileStream(Path.Combine(_dir, $"blk{_fileIndex++:D5}.dat"), FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
            }

            _file.Write(Magic);
            _file.Write(BitConverter.GetBytes((uint)bytes.Length));
            _file.Write(bytes);
        }

        _unwritten.Clear();
    }

    /// <summary>P2WPKH signatures: the BIP 143 sighash of each input, signed with RFC 6979 by its key.</summary>
    private static void Sign(Transaction tx, (Coin Coin, Key Key)[] inputs)
    {
        var spent = new TxOut[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            spent[i] = inputs[i].Coin.TxOut;
        }

        var precomputed = tx.PrecomputeTransactionData(spent);
        for (var i = 0; i < inputs.Length; i++)
        {
            var (coin, key) = inputs[i];
            var sighash = tx.GetSignatureHash(coin.GetScriptCode(), i, SigHash.All, coin.TxOut, HashVersion.WitnessV0, precomputed);
            // Without low-R grinding: that retries about half of all signatures (2.2 times the cost), for one byte.
            var signature = new TransactionSignature(key.Sign(sighash, useLowR: false), SigHash.All);
            tx.Inputs[i].WitScript = PayToWitPubKeyHashTemplate.Instance.GenerateWitScript(signature, key.PubKey);
        }
    }
}
