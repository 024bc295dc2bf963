using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Harrier.Chain.Store;
using NBitcoin;

namespace Harrier.Chain.Blocks;

/// <summary>
/// What the store needs of one block, as flat arrays (no object per transaction, input or output): block hash and
/// time, and per transaction its txid and traits, its inputs' outpoints and its outputs' values and scripts.
/// Filled by a direct parser of the wire format (<see cref="TryParse"/>: the fast path of an import), or from an
/// NBitcoin block (<see cref="From(Block)"/>: whatever the fast path declines), and both give the same arrays.
/// </summary>
internal sealed partial class ParsedBlock
{
    public Hash32 Hash;
    public Hash32 Prev;
    public uint Time;
    public int TxCount;
    public Hash32[] TxId = new Hash32[64];
    public byte[] TxFlags = new byte[64];

    /// <summary>CSR: inputs of tx t are [InStart[t], InStart[t+1]); outputs likewise with <see cref="OutStart"/>.</summary>
    public int[] InStart = new int[65];
    public int[] OutStart = new int[65];
    public Hash32[] InPrevTx = new Hash32[256];
    public uint[] InPrevN = new uint[256];
    public long[] OutValue = new long[256];

    /// <summary>CSR into <see cref="Scripts"/>: the script of output o is Scripts[ScriptStart[o] .. ScriptStart[o+1]).</summary>
    public int[] ScriptStart = new int[257];
    public byte[] Scripts = new byte[4096];

    public int InputCount => InStart[TxCount];

    public int OutputCount => OutStart[TxCount];

    public ReadOnlySpan<byte> Script(int output) => Scripts.AsSpan(ScriptStart[output], ScriptStart[output + 1] - ScriptStart[output]);

    /// <summary>The same arrays from an NBitcoin block (the slow path, for blocks the direct parser declines).</summary>
    public static ParsedBlock From(Block block)
    {
        var p = new ParsedBlock
        {
            Hash = Hash32.From(block.GetHash()),
            Prev = Hash32.From(block.Header.HashPrevBlock),
            Time = block.Header.BlockTime.ToUnixTimeSeconds() is var s and >= 0 and <= uint.MaxValue ? (uint)s : 0,
        };
        p.StartTxs(block.Transactions.Count);
        foreach (var tx in block.Transactions)
        {
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
                if (!tx.IsCoinBase && ScriptClassifier.SpendsMultisig(input))
                {
                    flags |= TxTraits.MultisigInput;
                }

                p.AddInput(Hash32.From(input.PrevOut.Hash), input.PrevOut.N);
            }

            foreach (var output in tx.Outputs)
            {
                p.AddOutput(output.Value.Satoshi, output.ScriptPubKey.ToBytes(@unsafe: true));
            }

            p.EndTx(Hash32.From(tx.GetHash()), flags);
        }

        return p;
    }

    private void StartTxs(int capacity)
    {
        ForgetAddressKeys();
        TxCount = 0;
        if (TxId.Length < capacity)
        {
            TxId = new Hash32[capacity];
            TxFlags = new byte[capacity];
            InStart = new int[capacity + 1];
            OutStart = new int[capacity + 1];
        }

        InStart[0] = 0;
        OutStart[0] = 0;
        ScriptStart[0] = 0;
    }

    private void AddInput(Hash32 prev, uint n)
    {
        var i = InStart[TxCount + 0] + _pendingIns;
        if (i >= InPrevTx.Length)
        {
            Array.Resize(ref InPrevTx, InPrevTx.Length * 2);
            Array.Resize(ref InPrevN, InPrevN.Length * 2);
        }

        InPrevTx[i] = prev;
        InPrevN[i] = n;
        _pendingIns++;
    }

    private void AddOutput(long value, ReadOnlySpan<byte> script)
    {
        var o = OutStart[TxCount] + _pendingOuts;
        if (o >= OutValue.Length)
        {
            Array.Resize(ref OutValue, OutValue.Length * 2);
            Array.Resize(ref ScriptStart, OutValue.Length + 1);
        }

        var at = ScriptStart[o];
        if (at + script.Length > Scripts.Length)
        {
            Array.Resize(ref Scripts, Math.Max(Scripts.Length * 2, at + script.Length));
        }

        script.CopyTo(Scripts.AsSpan(at));
        OutValue[o] = value;
        ScriptStart[o + 1] = at + script.Length;
        _pendingOuts++;
    }

    private void EndTx(Hash32 txid, TxTraits flags)
    {
        if (TxCount + 1 >= InStart.Length)
        {
            var n = InStart.Length * 2;
            Array.Resize(ref TxId, n);
            Array.Resize(ref TxFlags, n);
            Array.Resize(ref InStart, n + 1);
            Array.Resize(ref OutStart, n + 1);
        }

        TxId[TxCount] = txid;
        TxFlags[TxCount] = (byte)flags;
        InStart[TxCount + 1] = InStart[TxCount] + _pendingIns;
        OutStart[TxCount + 1] = OutStart[TxCount] + _pendingOuts;
        _pendingIns = 0;
        _pendingOuts = 0;
        TxCount++;
    }

    private int _pendingIns;
    private int _pendingOuts;

    [ThreadStatic]
    private static IncrementalHash? t_sha;

    private static readonly bool s_native = NativeShaWorks();

    /// <summary>
    /// SHA-256 of txids, merkle nodes and script keys, the import's main cost. On Linux, OpenSSL's low-level
    /// <c>SHA256_Init/Update/Final</c> (the same libcrypto .NET uses, SHA-NI where the CPU has it) are called directly: .NET's
    /// <c>SHA256.HashData</c> goes through an EVP context and error-queue clearing that cost more than hashing a
    /// typical transaction (perf, 1 M synthetic transactions: 25 % of an import in OpenSSL overhead). Elsewhere, or when
    /// that library is missing or answers wrongly at start, one reused <see cref="IncrementalHash"/> a thread.
    /// </summary>
    internal static unsafe void Sha256(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (s_native)
        {
            var ctx = stackalloc byte[ShaContextBytes];
            fixed (byte* d = data)
            fixed (byte* md = destination)
            {
                // Each returns 1; with a valid context and buffers they cannot fail.
                _ = NativeSha256Init(ctx) & NativeSha256Update(ctx, d, (nuint)data.Length) & NativeSha256Final(md, ctx);
            }

            return;
        }

        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.GetHashAndReset(destination);
    }

    /// <summary>Room for OpenSSL's SHA256_CTX (112 bytes on every platform it builds for), with margin.</summary>
    private const int ShaContextBytes = 256;

    // The low-level SHA-256 calls (deprecated in OpenSSL 3 but exported, and without the provider lookup and locks of
    // its one-shot SHA256(), which cost as much as the EVP path).
    [LibraryImport("libcrypto.so.3", EntryPoint = "SHA256_Init")]
    private static unsafe partial int NativeSha256Init(byte* context);

    [LibraryImport("libcrypto.so.3", EntryPoint = "SHA256_Update")]
    private static unsafe partial int NativeSha256Update(byte* context, byte* data, nuint length);

    [LibraryImport("libcrypto.so.3", EntryPoint = "SHA256_Final")]
    private static unsafe partial int NativeSha256Final(byte* digest, byte* context);

    private static unsafe bool NativeShaWorks()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            ReadOnlySpan<byte> probe = "harrier"u8;
            Span<byte> native = stackalloc byte[32];
            var ctx = stackalloc byte[ShaContextBytes];
            fixed (byte* d = probe)
            fixed (byte* md = native)
            {
                if ((NativeSha256Init(ctx) & NativeSha256Update(ctx, d, (nuint)probe.Length) & NativeSha256Final(md, ctx)) != 1)
                {
                    return false;
                }
            }

            return native.SequenceEqual(SHA256.HashData(probe));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Parses a serialized block and checks its proof of work and merkle root. Declines (false) on anything unusual:
    /// a non-canonical varint, a negative value, an unknown segwit flag, a segwit marker with no witness, trailing
    /// bytes, a failed check (<paramref name="check"/>: proof of work and merkle root). The caller then hands the bytes to NBitcoin, which accepts them or names the problem, so
    /// the fast path never accepts what NBitcoin would refuse and never words an error differently.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> block, ParsedBlock p, byte[] scratch, bool check = true)
    {
        if (block.Length < 81)
        {
            return false;
        }

        Span<byte> h = stackalloc byte[32];
        Sha256(block[..80], h);
        Sha256(h, h);
        p.Hash = Hash32.FromBytes(h);
        if (check && !MeetsTarget(h, BinaryPrimitives.ReadUInt32LittleEndian(block[72..])))
        {
            return false;
        }

        p.Prev = Hash32.FromBytes(block[4..36]);
        p.Time = BinaryPrimitives.ReadUInt32LittleEndian(block[68..]);
        var pos = 80;
        if (!ReadVarInt(block, ref pos, out var txCount) || txCount == 0 || txCount > (ulong)block.Length)
        {
            return false;
        }

        p.StartTxs((int)txCount);
        for (var t = 0; t < (int)txCount; t++)
        {
            if (!ParseTx(block, ref pos, p, scratch))
            {
                return false;
            }
        }

        // Pass two of an import re-reads blocks pass one checked (and compares their hash): no second merkle check.
        return pos == block.Length && (!check || MerkleRoot(p).Equals(Hash32.FromBytes(block[36..68])));
    }

    private static bool ParseTx(ReadOnlySpan<byte> b, ref int pos, ParsedBlock p, byte[] scratch)
    {
        var start = pos;
        if (pos + 4 > b.Length)
        {
            return false;
        }

        pos += 4;
        var segwit = false;
        if (pos + 1 < b.Length && b[pos] == 0)
        {
            if (b[pos + 1] != 1)
            {
                return false;
            }

            segwit = true;
            pos += 2;
        }

        var bodyStart = pos;
        if (!ReadVarInt(b, ref pos, out var inCount) || inCount == 0 || inCount > (ulong)b.Length)
        {
            return false;
        }

        var multisig = false;
        var coinbase = false;
        for (var i = 0; i < (int)inCount; i++)
        {
            if (pos + 36 > b.Length)
            {
                return false;
            }

            var prev = Hash32.FromBytes(b.Slice(pos, 32));
            var n = BinaryPrimitives.ReadUInt32LittleEndian(b[(pos + 32)..]);
            pos += 36;
            if (!ReadBytes(b, ref pos, out var sigStart, out var sigLength) || pos + 4 > b.Length)
            {
                return false;
            }

            pos += 4;
            if (inCount == 1 && prev.IsZero && n == uint.MaxValue)
            {
                coinbase = true;
            }
            else if (PushesMultisig(b.Slice(sigStart, sigLength)))
            {
                multisig = true;
            }

            p.AddInput(prev, n);
        }

        if (!ReadVarInt(b, ref pos, out var outCount) || outCount > (ulong)b.Length)
        {
            return false;
        }

        for (var o = 0; o < (int)outCount; o++)
        {
            if (pos + 8 > b.Length)
            {
                return false;
            }

            var value = BinaryPrimitives.ReadInt64LittleEndian(b[pos..]);
            pos += 8;
            if (value < 0 || !ReadBytes(b, ref pos, out var sStart, out var sLength))
            {
                return false;
            }

            p.AddOutput(value, b.Slice(sStart, sLength));
        }

        var bodyEnd = pos;
        var hasWitness = false;
        if (segwit)
        {
            for (var i = 0; i < (int)inCount; i++)
            {
                if (!ReadVarInt(b, ref pos, out var items) || items > (ulong)b.Length)
                {
                    return false;
                }

                var lastStart = 0;
                var lastLength = 0;
                for (var k = 0; k < (int)items; k++)
                {
                    if (!ReadBytes(b, ref pos, out lastStart, out lastLength))
                    {
                        return false;
                    }
                }

                if (items > 0)
                {
                    hasWitness = true;
                }

                if (!coinbase && items >= 3 && lastLength > 0 && ScriptClassifier.KindOf(b.Slice(lastStart, lastLength)) == AddressKind.Multisig)
                {
                    multisig = true;
                }
            }

            if (!hasWitness)
            {
                // A segwit marker with no witness at all: Bitcoin Core refuses it ("superfluous witness"); let NBitcoin say.
                return false;
            }
        }

        if (pos + 4 > b.Length)
        {
            return false;
        }

        pos += 4;
        Span<byte> id = stackalloc byte[32];
        if (segwit)
        {
            // The txid hashes the legacy serialization: version, inputs and outputs, lock time (no marker, no witness).
            var length = 4 + (bodyEnd - bodyStart) + 4;
            var buffer = length <= scratch.Length ? scratch.AsSpan(0, length) : new byte[length];
            b.Slice(start, 4).CopyTo(buffer);
            b[bodyStart..bodyEnd].CopyTo(buffer[4..]);
            b.Slice(pos - 4, 4).CopyTo(buffer[(4 + (bodyEnd - bodyStart))..]);
            Sha256(buffer, id);
        }
        else
        {
            Sha256(b[start..pos], id);
        }

        Sha256(id, id);
        var flags = TxTraits.None;
        if (coinbase)
        {
            flags |= TxTraits.Coinbase;
        }

        if (hasWitness)
        {
            flags |= TxTraits.Segwit;
        }

        if (multisig)
        {
            flags |= TxTraits.MultisigInput;
        }

        p.EndTx(Hash32.FromBytes(id), flags);
        return true;
    }

    /// <summary>True when every op of a scriptSig is a push and the last pushes a multisig script (NBitcoin's rule).</summary>
    private static bool PushesMultisig(ReadOnlySpan<byte> sig)
    {
        if (sig.Length < 37)
        {
            return false;
        }

        var pos = 0;
        var lastStart = 0;
        var lastLength = 0;
        while (pos < sig.Length)
        {
            var op = sig[pos++];
            int length;
            if (op <= 0x4b)
            {
                length = op;
            }
            else if (op == 0x4c)
            {
                if (pos + 1 > sig.Length)
                {
                    return false;
                }

                length = sig[pos];
                pos += 1;
            }
            else if (op == 0x4d)
            {
                if (pos + 2 > sig.Length)
                {
                    return false;
                }

                length = BinaryPrimitives.ReadUInt16LittleEndian(sig[pos..]);
                pos += 2;
            }
            else if (op == 0x4e)
            {
                if (pos + 4 > sig.Length)
                {
                    return false;
                }

                var l = BinaryPrimitives.ReadUInt32LittleEndian(sig[pos..]);
                if (l > (uint)sig.Length)
                {
                    return false;
                }

                length = (int)l;
                pos += 4;
            }
            else if (op == 0x4f || (op >= 0x51 && op <= 0x60))
            {
                // OP_1NEGATE and OP_1..OP_16 push one byte of data in NBitcoin's reading; never a multisig script.
                lastStart = 0;
                lastLength = 0;
                continue;
            }
            else
            {
                return false;
            }

            if (pos + length > sig.Length)
            {
                return false;
            }

            lastStart = pos;
            lastLength = length;
            pos += length;
        }

        return lastLength > 0 && ScriptClassifier.KindOf(sig.Slice(lastStart, lastLength)) == AddressKind.Multisig;
    }

    private static bool ReadBytes(ReadOnlySpan<byte> b, ref int pos, out int start, out int length)
    {
        start = 0;
        length = 0;
        if (!ReadVarInt(b, ref pos, out var n) || n > (ulong)(b.Length - pos))
        {
            return false;
        }

        start = pos;
        length = (int)n;
        pos += length;
        return true;
    }

    /// <summary>A canonical CompactSize (the shortest form; NBitcoin refuses any other).</summary>
    private static bool ReadVarInt(ReadOnlySpan<byte> b, ref int pos, out ulong value)
    {
        value = 0;
        if (pos >= b.Length)
        {
            return false;
        }

        var first = b[pos++];
        switch (first)
        {
            case < 0xfd:
                value = first;
                return true;
            case 0xfd:
                if (pos + 2 > b.Length)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt16LittleEndian(b[pos..]);
                pos += 2;
                return value >= 0xfd;
            case 0xfe:
                if (pos + 4 > b.Length)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]);
                pos += 4;
                return value > 0xffff;
            default:
                if (pos + 8 > b.Length)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt64LittleEndian(b[pos..]);
                pos += 8;
                return value > 0xffffffff;
        }
    }

    /// <summary>The block hash (internal byte order) is at most the compact target; odd targets decline.</summary>
    private static bool MeetsTarget(ReadOnlySpan<byte> hash, uint compact)
    {
        var exponent = (int)(compact >> 24);
        var mantissa = compact & 0x007fffff;
        if ((compact & 0x00800000) != 0 || mantissa == 0 || exponent < 3 || exponent > 32)
        {
            return false;
        }

        Span<byte> target = stackalloc byte[32];
        target.Clear();
        var at = exponent - 3;
        target[at] = (byte)mantissa;
        if (at + 1 < 32)
        {
            target[at + 1] = (byte)(mantissa >> 8);
        }

        if (at + 2 < 32)
        {
            target[at + 2] = (byte)(mantissa >> 16);
        }
        else if ((mantissa >> 16) != 0)
        {
            return false;
        }

        for (var i = 31; i >= 0; i--)
        {
            if (hash[i] != target[i])
            {
                return hash[i] < target[i];
            }
        }

        return true;
    }

    private static Hash32 MerkleRoot(ParsedBlock p)
    {
        if (p.TxCount == 1)
        {
            return p.TxId[0];
        }

        var level = new Hash32[p.TxCount];
        Array.Copy(p.TxId, level, p.TxCount);
        var n = p.TxCount;
        Span<byte> pair = stackalloc byte[64];
        Span<byte> h = stackalloc byte[32];
        while (n > 1)
        {
            var m = 0;
            for (var i = 0; i < n; i += 2)
            {
                level[i].WriteTo(pair);
                level[Math.Min(i + 1, n - 1)].WriteTo(pair[32..]);
                Sha256(pair, h);
                Sha256(h, h);
                level[m++] = Hash32.FromBytes(h);
            }

            n = m;
        }

        return level[0];
    }
}
