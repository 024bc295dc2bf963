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
internal sealed class ChainBuilder
{
    public static readonly ScenarioExchange[] Exchanges =
    [
        new("nordcoin", "NordCoin Exchange", "SE"),
        new("alpinex", "Alpine Crypto AG", "CH"),
        new("maplex", "Maple Exchange", "CA"),
        new("rheindigital", "Rhein Digital Börse", "DE"),
        new("lionx", "Lion Exchange", "SG"),
    ];

    private static readonly Network Net = Network.RegTest;
    private readonly int _seed;
    private readonly List<Block> _blocks = [];
    private readonly List<Transaction> _pending = [];
    private uint256 _tip = Net.GetGenesis().GetHash();
    private uint _time;
    private int _height;
    private int _keyCounter;

    public ChainBuilder(int seed, long startUnix)
    {
        _seed = seed;
        _time = (uint)startUnix;
    }

    public List<ChangeTruth> ChangeOutputs { get; } = [];

    public List<(string Address, string Owner)> AddressOwners { get; } = [];

    /// <summary>Transactions built to mislead naive heuristics: (txid, kind).</summary>
    public List<(string Txid, string Kind)> Decoys { get; } = [];

    public IReadOnlyList<Block> Blocks => _blocks;

    /// <summary>A deterministic key for (purpose, index).</summary>
    public Key KeyFor(string purpose, long index)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"harrier-scenario:{_seed}:{purpose}:{index}"));
        return new Key(bytes);
    }

    public static BitcoinAddress AddressOf(Key key) => key.PubKey.GetAddress(ScriptPubKeyType.Segwit, Net);

    private Key FreshKey(string owner)
    {
        var key = KeyFor("fresh", _keyCounter++);
        AddressOwners.Add((AddressOf(key).ToString(), owner));
        return key;
    }

    /// <summary>Mines a block holding the pending transactions, its coinbase paying <paramref name="miner"/>.</summary>
    public Block Mine(Key miner, long atUnix)
    {
        _time = (uint)Math.Max(_time + 1, atUnix);
        var coinbase = Net.CreateTransaction();
        coinbase.Inputs.Add(new TxIn(new OutPoint(), new Script(Op.GetPushOp(++_height), OpcodeType.OP_0)));
        coinbase.Outputs.Add(Money.Coins(50), AddressOf(miner));
        var block = Net.Consensus.ConsensusFactory.CreateBlock();
        block.Header.HashPrevBlock = _tip;
        block.Header.BlockTime = DateTimeOffset.FromUnixTimeSeconds(_time);
        block.Header.Bits = Net.GetGenesis().Header.Bits;
        block.Header.Version = 0x20000000;
        block.Transactions.Add(coinbase);
        block.Transactions.AddRange(_pending);
        _pending.Clear();
        block.UpdateMerkleRoot();
        while (!block.Header.CheckProofOfWork())
        {
            block.Header.Nonce++;
        }

        _blocks.Add(block);
        _tip = block.GetHash();
        return block;
    }

    /// <summary>A signed P2WPKH spend of <paramref name="coins"/> to <paramref name="outputs"/>, change to <paramref name="change"/>.</summary>
    public Transaction Spend(IReadOnlyList<(Coin Coin, Key Key)> coins, IReadOnlyList<(BitcoinAddress To, Money Amount)> outputs, Key? change, Money fee)
    {
        var tx = Net.CreateTransaction();
        foreach (var (coin, _) in coins)
        {
            tx.Inputs.Add(new TxIn(coin.Outpoint));
        }

        foreach (var (to, amount) in outputs)
        {
            tx.Outputs.Add(amount, to);
        }

        var rest = coins.Select(c => c.Coin.Amount).Sum() - outputs.Select(o => o.Amount).Sum() - fee;
        if (rest < Money.Zero)
        {
            throw new InvalidOperationException("scenario chain: inputs do not cover outputs and fee");
        }

        if (change is not null && rest > Money.Satoshis(546))
        {
            tx.Outputs.Add(rest, AddressOf(change));
            ChangeOutputs.Add(new ChangeTruth(tx.GetHash().ToString(), tx.Outputs.Count - 1));
        }

        tx.Sign(coins.Select(c => c.Key.GetBitcoinSecret(Net)).Distinct().ToArray(), coins.Select(c => (ICoin)c.Coin).ToArray());
        // The change record above used the unsigned hash; segwit txids do not change with witnesses, but refresh anyway.
        if (change is not null && rest > Money.Satoshis(546))
        {
            ChangeOutputs[^1] = new ChangeTruth(tx.GetHash().ToString(), tx.Outputs.Count - 1);
        }

        _pending.Add(tx);
        return tx;
    }

    public Key NewKey(string owner) => FreshKey(owner);

    /// <summary>Writes the blocks in Bitcoin Core framing (magic, length, block) into blk00000.dat, blk00001.dat, ….</summary>
    public void WriteBlockFiles(string dir, int maxFileBytes = 128 << 20)
    {
        Directory.CreateDirectory(dir);
        var magic = BitConverter.GetBytes(Net.Magic);
        var fileIndex = 0;
        FileStream? file = null;
        try
        {
            foreach (var block in _blocks)
            {
                var bytes = block.ToBytes();
                if (file is null || file.Length + bytes.Length + 8 > maxFileBytes)
                {
                    file?.Dispose();
                    file = File.Create(Path.Combine(dir, $"blk{fileIndex++:D5}.dat"));
                }

                file.Write(magic);
                file.Write(BitConverter.GetBytes((uint)bytes.Length));
                file.Write(bytes);
            }
        }
        finally
        {
            file?.Dispose();
        }
    }
}
