using System.Runtime.CompilerServices;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// The scan layout: hashes in blocks of <see cref="BlockSize"/>, word-major inside a block
/// (block b, word w, lane l at ulong offset b·32 + w·8 + l), so one 512-bit load reads word w of
/// eight hashes and the SIMD kernel needs no transposition. 32 bytes per hash, no padding except
/// the tail of the last block. Beside it: ids (8 B), quality (1 B) and a tombstone bitset (1 bit),
/// 41.125 bytes per entry in all.
/// The memory is native (64-byte aligned, owned) or a read-only memory-mapped view of an index file.
/// </summary>
internal sealed unsafe class HashStore : IDisposable
{
    public const int BlockSize = 8;
    public const int UlongsPerBlock = BlockSize * 4;

    private ulong* _blocks;
    private long* _ids;
    private byte* _quality;
    private ulong* _dead;
    private int _count;
    private int _capacity;
    private int _liveCount;
    private MappedFile? _mapped;

    public HashStore(int capacity = 0)
    {
        Reserve(Math.Max(capacity, BlockSize * 8));
    }

    /// <summary>Wraps a mapped file's sections; the store reads them in place until the first mutation.</summary>
    public HashStore(MappedFile mapped, ulong* blocks, long* ids, byte* quality, ulong* dead, int count, int liveCount)
    {
        _mapped = mapped;
        _blocks = blocks;
        _ids = ids;
        _quality = quality;
        _dead = dead;
        _count = count;
        _capacity = RoundUpToBlock(count);
        _liveCount = liveCount;
    }

    public int Count => _count;

    public int LiveCount => _liveCount;

    public int BlockCount => (_count + BlockSize - 1) / BlockSize;

    public bool IsMapped => _mapped is not null;

    public ulong* Blocks => _blocks;

    public long* Ids => _ids;

    public byte* Quality => _quality;

    public ulong* Dead => _dead;

    public static int RoundUpToBlock(int n) => (n + BlockSize - 1) / BlockSize * BlockSize;

    public static int DeadWords(int n) => (n + 63) / 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Hash256 Read(ulong* blocks, int pos)
    {
        var p = blocks + ((nint)(pos >> 3) * UlongsPerBlock) + (pos & 7);
        return new Hash256(p[0], p[8], p[16], p[24]);
    }

    public Hash256 GetHash(int pos) => Read(_blocks, pos);

    public bool IsDead(int pos) => (_dead[pos >> 6] & (1UL << (pos & 63))) != 0;

    /// <summary>Whether entry <paramref name="pos"/> exists, is live and passes the quality filter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int pos, int minQuality)
    {
        if ((uint)pos >= (uint)_count || (_dead[pos >> 6] & (1UL << (pos & 63))) != 0)
        {
            return false;
        }

        var q = _quality[pos];
        return q >= minQuality || q == HammingIndex.NoQuality;
    }

    public void Add(Hash256 hash, long id, byte quality)
    {
        EnsureOwned();
        if (_count == _capacity)
        {
            Reserve(checked(Math.Max(_capacity * 2, BlockSize * 8)));
        }

        var pos = _count;
        var p = _blocks + ((nint)(pos >> 3) * UlongsPerBlock) + (pos & 7);
        p[0] = hash.W0;
        p[8] = hash.W1;
        p[16] = hash.W2;
        p[24] = hash.W3;
        _ids[pos] = id;
        _quality[pos] = quality;
        _count++;
        _liveCount++;
    }

    public void Kill(int pos)
    {
        EnsureOwned();
        ref var word = ref _dead[pos >> 6];
        var bit = 1UL << (pos & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            _liveCount--;
        }
    }

    /// <summary>Copies a mapped store into owned memory so it can change; a no-op when already owned.</summary>
    public void EnsureOwned()
    {
        if (_mapped is null)
        {
            return;
        }

        var mapped = _mapped;
        ulong* blocks = _blocks;
        long* ids = _ids;
        byte* quality = _quality;
        ulong* dead = _dead;
        var count = _count;
        _blocks = null;
        _ids = null;
        _quality = null;
        _dead = null;
        _capacity = 0;
        _mapped = null;
        Reserve(Math.Max(RoundUpToBlock(count), BlockSize * 8));
        Buffer.MemoryCopy(blocks, _blocks, (long)_capacity * 32, (long)RoundUpToBlock(count) * 32);
        Buffer.MemoryCopy(ids, _ids, (long)_capacity * 8, (long)count * 8);
        Buffer.MemoryCopy(quality, _quality, _capacity, count);
        Buffer.MemoryCopy(dead, _dead, (long)DeadWords(_capacity) * 8, (long)DeadWords(count) * 8);
        mapped.Dispose();
    }

    private void Reserve(int capacity)
    {
        capacity = RoundUpToBlock(capacity);
        if (capacity <= _capacity)
        {
            return;
        }

        _blocks = Grow(_blocks, (nuint)_capacity * 32, (nuint)capacity * 32);
        _ids = Grow(_ids, (nuint)_capacity * 8, (nuint)capacity * 8);
        _quality = Grow(_quality, (nuint)_capacity, (nuint)capacity);
        _dead = Grow(_dead, (nuint)DeadWords(_capacity) * 8, (nuint)DeadWords(capacity) * 8);
        _capacity = capacity;
    }

    private static T* Grow<T>(T* old, nuint oldBytes, nuint newBytes)
        where T : unmanaged
    {
        return (T*)LargeMemory.Grow(old, oldBytes, newBytes);
    }

    public void Dispose()
    {
        if (_mapped is not null)
        {
            _mapped.Dispose();
            _mapped = null;
        }
        else
        {
            LargeMemory.Free(_blocks);
            LargeMemory.Free(_ids);
            LargeMemory.Free(_quality);
            LargeMemory.Free(_dead);
        }

        _blocks = null;
        _ids = null;
        _quality = null;
        _dead = null;
        _count = 0;
        _capacity = 0;
        _liveCount = 0;
    }
}
