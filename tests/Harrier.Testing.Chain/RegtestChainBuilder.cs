using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Harrier.Chain.Blocks;
using NBitcoin;

namespace Harrier.Testing.Chain;

/// <summary>
/// Builds small regtest chains offline and deterministically (crypto-tracing.md §4.3): keys from names, block times from
/// a fixed start, BIP34 heights in the coinbase, nonce search at regtest difficulty, signed P2WPKH spends; and writes
/// them as Bitcoin Core block files (optionally out of order, with zero padding, XOR-obfuscated).
/// </summary>
public sealed class RegtestChainBuilder
{
    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);
    private readonly List<Transaction> _pending = [];

    public RegtestChainBuilder(DateTimeOffset start)
    {
        Start = start;
        Blocks.Add(Network.GetGenesis());
    }

    public static Network Network => Network.RegTest;

    /// <summary>Time of height 0; height h is Start + 10 min × h.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The main chain, genesis first.</summary>
    public List<Block> Blocks { get; } = [];

    /// <summary>Blocks mined off the main chain.</summary>
    public List<Block> StaleBlocks { get; } = [];

    public int Height => Blocks.Count - 1;

    /// <summary>The key of a named wallet address (SHA-256 of the name: deterministic, test use only).</summary>
    public Key KeyOf(string name)
    {
        if (!_keys.TryGetValue(name, out var key))
        {
            key = new Key(SHA256.HashData(Encoding.UTF8.GetBytes("harrier-regtest:" + name)));
            _keys[name] = key;
        }

        return key;
    }

    /// <summary>The P2WPKH address of a named key.</summary>
    public BitcoinAddress AddressOf(string name) => KeyOf(name).PubKey.GetAddress(ScriptPubKeyType.Segwit, Network);

    /// <summary>Mines a block whose coinbase pays 50 BTC to <paramref name="name"/>; returns the coinbase output as a coin.</summary>
    public Coin MineTo(string name)
    {
        var block = MineBlock(name);
        return new Coin(block.Transactions[0], 0);
    }

    /// <summary>Mines a block whose coinbase pays 50 BTC to <paramref name="script"/>; returns that output as a coin.</summary>
    public Coin MineToScript(Script script)
    {
        var block = MineBlock("miner");
        var coinbase = block.Transactions[0];
        coinbase.Outputs[0].ScriptPubKey = script;
        block.UpdateMerkleRoot();
        block.Header.Nonce = 0;
        while (!block.Header.CheckProofOfWork())
        {
            block.Header.Nonce++;
        }

        return new Coin(coinbase, 0);
    }

    /// <summary>Queues a spend of arbitrary coins (e.g. P2WSH multisig <see cref="ScriptCoin"/>s) signed with <paramref name="keys"/>.</summary>
    public Transaction SpendCoins(IReadOnlyList<ICoin> coins, IReadOnlyList<Key> keys, IReadOnlyList<(string To, long Sats)> outputs)
    {
        ArgumentNullException.ThrowIfNull(coins);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(outputs);
        var tx = Network.CreateTransaction();
        foreach (var coin in coins)
        {
            tx.Inputs.Add(new TxIn(coin.Outpoint) { Sequence = Sequence.Final });
        }

        foreach (var (to, sats) in outputs)
        {
            tx.Outputs.Add(Money.Satoshis(sats), AddressOf(to));
        }

        tx.Sign(keys.Select(k => k.GetBitcoinSecret(Network)).ToArray(), coins.ToArray());
        _pending.Add(tx);
        return tx;
    }

    /// <summary>Queues a signed spend of named coins to (address name, satoshis) outputs, in the given order.</summary>
    public Transaction Spend(IReadOnlyList<(Coin Coin, string Owner)> inputs, IReadOnlyList<(string To, long Sats)> outputs, uint lockTime = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var tx = Network.CreateTransaction();
        tx.LockTime = lockTime;
        foreach (var (coin, _) in inputs)
        {
            tx.Inputs.Add(new TxIn(coin.Outpoint) { Sequence = Sequence.Final });
        }

        foreach (var (to, sats) in outputs)
        {
            tx.Outputs.Add(Money.Satoshis(sats), AddressOf(to));
        }

        tx.Sign(inputs.Select(i => KeyOf(i.Owner).GetBitcoinSecret(Network)).Distinct().ToArray(), inputs.Select(i => (ICoin)i.Coin).ToArray());
        _pending.Add(tx);
        return tx;
    }

    /// <summary>Mines the queued transactions into the next main-chain block (coinbase to <paramref name="miner"/>).</summary>
    public Block MineBlock(string miner = "miner")
    {
        var block = BuildBlock(Blocks[^1], Blocks.Count, miner, _pending);
        _pending.Clear();
        Blocks.Add(block);
        return block;
    }

    /// <summary>Mines a block on top of main-chain height <paramref name="parentHeight"/> that does not become main chain.</summary>
    public Block MineStale(int parentHeight, string miner = "stale-miner")
    {
        var block = BuildBlock(Blocks[parentHeight], parentHeight + 1, miner, []);
        StaleBlocks.Add(block);
        return block;
    }

    private Block BuildBlock(Block parent, int height, string miner, IReadOnlyList<Transaction> txs)
    {
        var block = Network.Consensus.ConsensusFactory.CreateBlock();
        block.Header.Version = 0x20000000;
        block.Header.HashPrevBlock = parent.GetHash();
        block.Header.BlockTime = Start.AddMinutes(10 * height);
        block.Header.Bits = Network.Consensus.PowLimit;
        var coinbase = Network.CreateTransaction();
        coinbase.Inputs.Add(new TxIn(new Script(Op.GetPushOp(height), OpcodeType.OP_0)));
        coinbase.Outputs.Add(Money.Coins(50), AddressOf(miner));
        block.Transactions.Add(coinbase);
        block.Transactions.AddRange(txs);
        block.UpdateMerkleRoot();
        while (!block.Header.CheckProofOfWork())
        {
            block.Header.Nonce++;
        }

        return block;
    }

    /// <summary>Writes blocks in blk framing (regtest magic, LE size), then <paramref name="zeroPadding"/> zero bytes, XORed with <paramref name="xorKey"/> when given.</summary>
    public static void WriteBlockFile(string path, IEnumerable<Block> blocks, int zeroPadding = 0, byte[]? xorKey = null)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        using var ms = new MemoryStream();
        Span<byte> head = stackalloc byte[8];
        foreach (var b in blocks)
        {
            var bytes = b.ToBytes();
            BinaryPrimitives.WriteUInt32LittleEndian(head, ChainNetworks.MagicOf(Network));
            BinaryPrimitives.WriteUInt32LittleEndian(head[4..], (uint)bytes.Length);
            ms.Write(head);
            ms.Write(bytes);
        }

        ms.Write(new byte[zeroPadding]);
        var data = ms.ToArray();
        if (xorKey is not null)
        {
            BlockFileReader.Deobfuscate(data, xorKey);
        }

        File.WriteAllBytes(path, data);
    }
}
