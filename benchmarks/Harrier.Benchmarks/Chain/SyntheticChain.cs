using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Harrier.Benchmarks.Chain;

/// <summary>
/// Writes a synthetic regtest chain as Bitcoin Core block files, fast, for the store benchmark
/// (benchmarks/chain-mainnet.sh): about 2,000 transactions a block, mainnet-like shapes (inputs per transaction mostly
/// 1-2 with a tail to 100, about 2.2 on average; outputs mostly 2 with batch payouts to 200, about 2.9 on average; output scripts P2WPKH, P2TR, P2PKH, P2SH, P2WSH
/// and some OP_RETURN; one output in seven paying an address seen before; inputs spending earlier outputs, mostly
/// recent ones, with scriptSig/witness sizes of their type, 2-of-3 P2WSH multisig included), valid merkle roots and
/// proof of work at regtest difficulty (the importer checks both; it does not check scripts or signatures).
/// Deterministic for a seed. Memory: a pool of at most 4 M unspent outputs and 1 M reusable addresses.
/// Usage: chain-generate OUT_DIR TRANSACTIONS [SEED]
/// </summary>
internal static class SyntheticChain
{
    private const uint Bits = 0x207fffff;
    private const int TxPerBlock = 2000;
    private const long MaxFileBytes = 128L << 20;
    private const int PoolCap = 4 << 20;
    private const int ReuseCap = 1 << 20;

    private enum Kind : byte
    {
        P2WPKH,
        P2TR,
        P2PKH,
        P2SH,
        P2WSH,
        OpReturn,
    }

    private struct Utxo
    {
        public Hash Tx;
        public uint Vout;
        public Kind Kind;
        public long Value;
    }

    private struct Hash
    {
        public ulong A, B, C, D;
    }

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: chain-generate OUT_DIR TRANSACTIONS [SEED]");
            return 2;
        }

        var dir = args[0];
        var total = long.Parse(args[1], CultureInfo.InvariantCulture);
        var seed = args.Length > 2 ? ulong.Parse(args[2], CultureInfo.InvariantCulture) : 1UL;
        Directory.CreateDirectory(dir);
        var clock = Stopwatch.StartNew();
        var g = new Generator(dir, seed);
        var stats = g.Write(total);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"blocks\":{stats.Blocks},\"transactions\":{stats.Txs},\"inputs\":{stats.Inputs},\"outputs\":{stats.Outputs},\"bytes\":{stats.Bytes},\"files\":{stats.Files},\"seconds\":{clock.Elapsed.TotalSeconds:F1}}}"));
        return 0;
    }

    private sealed record Stats(long Blocks, long Txs, long Inputs, long Outputs, long Bytes, int Files);

    private sealed class Generator(string dir, ulong seed)
    {
        private readonly Utxo[] _pool = new Utxo[PoolCap];
        private readonly (Kind Kind, Hash Program)[] _reuse = new (Kind, Hash)[ReuseCap];
        private readonly byte[] _block = new byte[16 << 20];
        private readonly byte[] _tx = new byte[1 << 20];
        private readonly byte[] _stripped = new byte[1 << 20];
        private readonly List<Hash> _txids = [];
        private readonly List<Utxo> _created = [];
        private int _poolCount;
        private int _reuseCount;
        private ulong _rng = seed * 0x9E3779B97F4A7C15UL + 1;
        private FileStream? _file;
        private int _files;
        private long _inputs, _outputs, _bytes;

        private ulong Next()
        {
            // xorshift64*
            _rng ^= _rng >> 12;
            _rng ^= _rng << 25;
            _rng ^= _rng >> 27;
            return _rng * 2685821657736338717UL;
        }

        private int Below(int n) => (int)(Next() % (ulong)n);

        private double Unit() => (Next() >> 11) * (1.0 / (1UL << 53));

        private Hash RandomHash() => new() { A = Next(), B = Next(), C = Next(), D = Next() };

        public Stats Write(long total)
        {
            var prev = default(Hash);
            long blocks = 0, txs = 0;
            var height = 0;
            while (txs < total)
            {
                // Block 0 holds only the coinbase that seeds the pool (nothing is spendable before it).
                var count = height == 0 ? 1 : (int)Math.Min(TxPerBlock, total - txs);
                prev = WriteBlock(prev, height++, Math.Max(count, 1));
                txs += Math.Max(count, 1);
                blocks++;
            }

            _file?.Dispose();
            return new Stats(blocks, txs, _inputs, _outputs, _bytes, _files);
        }

        private Hash WriteBlock(Hash prev, int height, int txCount)
        {
            _txids.Clear();
            _created.Clear();
            var pos = 88 + 80;
            pos += WriteVarInt(_block.AsSpan(pos), (ulong)txCount);
            pos += WriteCoinbase(_block.AsSpan(pos), height);
            for (var t = 1; t < txCount; t++)
            {
                pos += WriteTx(_block.AsSpan(pos));
            }

            // The new outputs become spendable by the next block (none spends an output of its own block).
            foreach (var u in _created)
            {
                AddUtxo(u);
            }

            var header = _block.AsSpan(88, 80);
            BinaryPrimitives.WriteInt32LittleEndian(header, 0x20000000);
            WriteHash(header[4..], prev);
            WriteHash(header[36..], MerkleRoot());
            BinaryPrimitives.WriteUInt32LittleEndian(header[68..], (uint)(1_600_000_000 + (height * 600)));
            BinaryPrimitives.WriteUInt32LittleEndian(header[72..], Bits);
            Span<byte> h = stackalloc byte[32];
            for (uint nonce = 0; ; nonce++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header[76..], nonce);
                SHA256.HashData(header, h);
                SHA256.HashData(h, h);
                if (h[31] < 0x7f)
                {
                    break;
                }
            }

            var size = pos - 88 - 80 + 80;
            var record = _block.AsSpan(80, 8 + size);
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0xDAB5BFFA);
            BinaryPrimitives.WriteInt32LittleEndian(record[4..], size);
            if (_file is null || _file.Length + record.Length > MaxFileBytes)
            {
                _file?.Dispose();
                _file = new FileStream(Path.Combine(dir, $"blk{_files++:D5}.dat"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            }

            _file.Write(record);
            _bytes += record.Length;
            return ReadHash(h);
        }

        private int WriteCoinbase(Span<byte> dest, int height)
        {
            var p = 0;
            var t = _tx.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(t, 2);
            p = 4;
            t[p++] = 1;
            t.Slice(p, 32).Clear();
            p += 32;
            BinaryPrimitives.WriteUInt32LittleEndian(t[p..], uint.MaxValue);
            p += 4;
            t[p++] = 13;
            t[p++] = 4;
            BinaryPrimitives.WriteInt32LittleEndian(t[p..], height);
            p += 4;
            BinaryPrimitives.WriteUInt64LittleEndian(t[p..], Next());
            p += 8;
            BinaryPrimitives.WriteUInt32LittleEndian(t[p..], uint.MaxValue);
            p += 4;

            // The first block seeds the pool: 20,000 outputs of 10 BTC.
            var outs = height == 0 ? 20_000 : 1;
            p += WriteVarInt(t[p..], (ulong)outs);
            var outStart = p;
            var kinds = new Kind[outs];
            for (var o = 0; o < outs; o++)
            {
                var value = height == 0 ? 1_000_000_000L : 312_500_000L + Below(50_000_000);
                kinds[o] = Kind.P2WPKH;
                p += WriteOutput(t[p..], value, Kind.P2WPKH, out _);
            }

            BinaryPrimitives.WriteUInt32LittleEndian(t[p..], 0);
            p += 4;
            var id = TxId(t[..p]);
            _txids.Add(id);
            for (var o = 0; o < outs; o++)
            {
                _created.Add(new Utxo { Tx = id, Vout = (uint)o, Kind = kinds[o], Value = height == 0 ? 1_000_000_000L : 312_500_000L });
            }

            _ = outStart;
            _inputs++;
            _outputs += outs;
            t[..p].CopyTo(dest);
            return p;
        }

        private int InputCount()
        {
            var u = Unit();
            return u < 0.62 ? 1 : u < 0.84 ? 2 : u < 0.95 ? 3 + Below(3) : u < 0.997 ? 6 + Below(15) : 21 + Below(80);
        }

        private int OutputCount()
        {
            var u = Unit();
            return u < 0.15 ? 1 : u < 0.87 ? 2 : u < 0.955 ? 3 + Below(3) : u < 0.995 ? 6 + Below(15) : 21 + Below(180);
        }

        private Kind OutputKind()
        {
            var u = Unit();
            return u < 0.45 ? Kind.P2WPKH : u < 0.63 ? Kind.P2TR : u < 0.78 ? Kind.P2PKH : u < 0.93 ? Kind.P2SH : u < 0.98 ? Kind.P2WSH : Kind.OpReturn;
        }

        private int WriteTx(Span<byte> dest)
        {
            var nIn = Math.Min(InputCount(), _poolCount);
            if (nIn == 0)
            {
                throw new InvalidOperationException("the pool of unspent outputs ran dry");
            }

            Span<Utxo> spent = nIn <= 128 ? stackalloc Utxo[nIn] : new Utxo[nIn];
            long inValue = 0;
            var segwit = false;
            for (var i = 0; i < nIn; i++)
            {
                // Mostly recent coins (the last 64 k added), else any in the pool.
                var at = Unit() < 0.7 ? _poolCount - 1 - Below(Math.Min(_poolCount, 65_536)) : Below(_poolCount);
                spent[i] = _pool[at];
                _pool[at] = _pool[--_poolCount];
                inValue += spent[i].Value;
                segwit |= spent[i].Kind is Kind.P2WPKH or Kind.P2TR or Kind.P2SH or Kind.P2WSH;
            }

            var t = _tx.AsSpan();
            var s = _stripped.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(t, 2);
            BinaryPrimitives.WriteInt32LittleEndian(s, 2);
            var p = 4;
            if (segwit)
            {
                t[p++] = 0;
                t[p++] = 1;
            }

            var bodyStart = p;
            p += WriteVarInt(t[p..], (ulong)nIn);
            for (var i = 0; i < nIn; i++)
            {
                WriteHash(t[p..], spent[i].Tx);
                p += 32;
                BinaryPrimitives.WriteUInt32LittleEndian(t[p..], spent[i].Vout);
                p += 4;
                switch (spent[i].Kind)
                {
                    case Kind.P2PKH:
                        // <sig 72> <pubkey 33>
                        t[p++] = 107;
                        p += PushRandom(t[p..], 72);
                        p += PushRandom(t[p..], 33);
                        break;
                    case Kind.P2SH:
                        // P2SH-P2WPKH: push of the 22-byte witness program.
                        t[p++] = 23;
                        t[p++] = 22;
                        t[p++] = 0;
                        p += PushRandom(t[p..], 20);
                        break;
                    default:
                        t[p++] = 0;
                        break;
                }

                BinaryPrimitives.WriteUInt32LittleEndian(t[p..], 0xfffffffd);
                p += 4;
            }

            var nOut = OutputCount();
            var fee = 200L + Below(20_000);
            var available = Math.Max(inValue - fee, nOut * 1000L);
            p += WriteVarInt(t[p..], (ulong)nOut);
            var txCreated = _created.Count;
            for (var o = 0; o < nOut; o++)
            {
                var kind = OutputKind();
                long value;
                if (kind == Kind.OpReturn)
                {
                    value = 0;
                }
                else if (o == nOut - 1)
                {
                    value = Math.Max(546, available);
                }
                else
                {
                    value = Math.Max(546, (long)(available * Unit() / Math.Max(1, nOut - o - 1) * 0.9));
                }

                available -= value;
                p += WriteOutput(t[p..], value, kind, out _);
                if (kind != Kind.OpReturn)
                {
                    _created.Add(new Utxo { Vout = (uint)o, Kind = kind, Value = value });
                }
            }

            var bodyEnd = p;
            if (segwit)
            {
                for (var i = 0; i < nIn; i++)
                {
                    switch (spent[i].Kind)
                    {
                        case Kind.P2WPKH:
                        case Kind.P2SH:
                            t[p++] = 2;
                            p += PushRandom(t[p..], 72);
                            p += PushRandom(t[p..], 33);
                            break;
                        case Kind.P2TR:
                            t[p++] = 1;
                            p += PushRandom(t[p..], 64);
                            break;
                        case Kind.P2WSH:
                            // 2-of-3 multisig: empty, two signatures, the witness script.
                            t[p++] = 4;
                            t[p++] = 0;
                            p += PushRandom(t[p..], 72);
                            p += PushRandom(t[p..], 72);
                            t[p++] = 105;
                            t[p++] = 0x52;
                            for (var k = 0; k < 3; k++)
                            {
                                t[p++] = 33;
                                t[p++] = 0x02;
                                Fill(t.Slice(p, 32));
                                p += 32;
                            }

                            t[p++] = 0x53;
                            t[p++] = 0xae;
                            break;
                        default:
                            t[p++] = 0;
                            break;
                    }
                }
            }

            BinaryPrimitives.WriteUInt32LittleEndian(t[p..], 0);
            p += 4;
            Hash id;
            if (segwit)
            {
                var len = bodyEnd - bodyStart;
                t[bodyStart..bodyEnd].CopyTo(s[4..]);
                BinaryPrimitives.WriteUInt32LittleEndian(s[(4 + len)..], 0);
                id = TxId(s[..(8 + len)]);
            }
            else
            {
                id = TxId(t[..p]);
            }

            for (var c = txCreated; c < _created.Count; c++)
            {
                var u = _created[c];
                u.Tx = id;
                _created[c] = u;
            }

            _txids.Add(id);
            _inputs += nIn;
            _outputs += nOut;
            t[..p].CopyTo(dest);
            return p;
        }

        private int WriteOutput(Span<byte> t, long value, Kind kind, out Hash program)
        {
            BinaryPrimitives.WriteInt64LittleEndian(t, value);
            var p = 8;
            program = default;
            if (kind == Kind.OpReturn)
            {
                t[p++] = 34;
                t[p++] = 0x6a;
                t[p++] = 32;
                Fill(t.Slice(p, 32));
                return p + 32;
            }

            // One output in seven pays an address seen before (of its own type).
            if (_reuseCount > 0 && Unit() < 1.0 / 7)
            {
                (kind, program) = _reuse[Below(_reuseCount)];
            }
            else
            {
                program = RandomHash();
                var slot = _reuseCount < ReuseCap ? _reuseCount++ : Below(ReuseCap);
                _reuse[slot] = (kind, program);
            }

            Span<byte> prog = stackalloc byte[32];
            WriteHash(prog, program);
            switch (kind)
            {
                case Kind.P2WPKH:
                    t[p++] = 22;
                    t[p++] = 0;
                    t[p++] = 20;
                    prog[..20].CopyTo(t[p..]);
                    return p + 20;
                case Kind.P2TR:
                    t[p++] = 34;
                    t[p++] = 0x51;
                    t[p++] = 32;
                    prog.CopyTo(t[p..]);
                    return p + 32;
                case Kind.P2WSH:
                    t[p++] = 34;
                    t[p++] = 0;
                    t[p++] = 32;
                    prog.CopyTo(t[p..]);
                    return p + 32;
                case Kind.P2SH:
                    t[p++] = 23;
                    t[p++] = 0xa9;
                    t[p++] = 20;
                    prog[..20].CopyTo(t[p..]);
                    t[p + 20] = 0x87;
                    return p + 21;
                default:
                    t[p++] = 25;
                    t[p++] = 0x76;
                    t[p++] = 0xa9;
                    t[p++] = 20;
                    prog[..20].CopyTo(t[p..]);
                    t[p + 20] = 0x88;
                    t[p + 21] = 0xac;
                    return p + 22;
            }
        }

        private void AddUtxo(Utxo u)
        {
            if (_poolCount == PoolCap)
            {
                // Full: the coin replaces a random old one, which stays unspent for good (long-held coins).
                _pool[Below(PoolCap / 2)] = _pool[--_poolCount];
            }

            _pool[_poolCount++] = u;
        }

        /// <summary>A push of <paramref name="length"/> random bytes (a signature, a key): its length byte, then the bytes; returns the bytes written.</summary>
        private int PushRandom(Span<byte> t, int length)
        {
            t[0] = (byte)length;
            Fill(t.Slice(1, length));
            return length + 1;
        }

        private void Fill(Span<byte> s)
        {
            var i = 0;
            for (; i + 8 <= s.Length; i += 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(s[i..], Next());
            }

            for (; i < s.Length; i++)
            {
                s[i] = (byte)Next();
            }
        }

        private static Hash TxId(ReadOnlySpan<byte> legacy)
        {
            Span<byte> h = stackalloc byte[32];
            SHA256.HashData(legacy, h);
            SHA256.HashData(h, h);
            return ReadHash(h);
        }

        private Hash MerkleRoot()
        {
            var level = _txids.ToArray();
            var n = level.Length;
            Span<byte> pair = stackalloc byte[64];
            Span<byte> h = stackalloc byte[32];
            while (n > 1)
            {
                var m = 0;
                for (var i = 0; i < n; i += 2)
                {
                    WriteHash(pair, level[i]);
                    WriteHash(pair[32..], level[Math.Min(i + 1, n - 1)]);
                    SHA256.HashData(pair, h);
                    SHA256.HashData(h, h);
                    level[m++] = ReadHash(h);
                }

                n = m;
            }

            return level[0];
        }

        private static Hash ReadHash(ReadOnlySpan<byte> b) => new()
        {
            A = BinaryPrimitives.ReadUInt64LittleEndian(b),
            B = BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            C = BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
            D = BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        };

        private static void WriteHash(Span<byte> b, Hash h)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b, h.A);
            BinaryPrimitives.WriteUInt64LittleEndian(b[8..], h.B);
            BinaryPrimitives.WriteUInt64LittleEndian(b[16..], h.C);
            BinaryPrimitives.WriteUInt64LittleEndian(b[24..], h.D);
        }

        private static int WriteVarInt(Span<byte> b, ulong v)
        {
            if (v < 0xfd)
            {
                b[0] = (byte)v;
                return 1;
            }

            if (v <= 0xffff)
            {
                b[0] = 0xfd;
                BinaryPrimitives.WriteUInt16LittleEndian(b[1..], (ushort)v);
                return 3;
            }

            b[0] = 0xfe;
            BinaryPrimitives.WriteUInt32LittleEndian(b[1..], (uint)v);
            return 5;
        }
    }
}
