using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Harrier.Chain.Store;

/// <summary>
/// A blocked Bloom filter over the keys of one index run: 16 bits a key, six bits set in one 64-byte block, so a test
/// reads one cache line and says "absent" for all but about 0.15 % of absent keys (12 bits: 0.5 %; measured on 100,000
/// keys). Most address lookups during an import are for new addresses, absent from every run; without it each costs a
/// directory read and a binary search in every run, and each false "present" reads a page of a run at random (from
/// disk when the runs do not fit in memory: at 50 M transactions the address runs are 4.5 GB, hence 16 bits, not 12).
/// Stored in its run's file, between the header and the entries, built in place through a mapping while the run is
/// written and read through the run's mapping: it outlives the import that wrote it, and its pages are the kernel's
/// to keep or evict, so the process's own memory does not grow with the index (2 bytes a key: about 7 GB at mainnet's
/// 3.6 billion keys). A run written before filters were stored (header field 0) is searched without one.
/// Hand-written: the keys are already uniform hashes, so it needs no hashing library, and a generic Bloom package
/// would not give the one-line blocks and the prefetch the import relies on.
/// </summary>
internal readonly unsafe struct RunFilter
{
    private const int BitsPerKey = 16;
    private readonly ulong* _words;
    private readonly ulong _blocks;
    private readonly ulong[]? _owner; // pinned, when the filter lives in memory

    /// <summary>A filter of <paramref name="blocks"/> 64-byte blocks at <paramref name="words"/> (mapped: valid while the mapping is).</summary>
    public RunFilter(ulong* words, long blocks)
    {
        _words = words;
        _blocks = (ulong)blocks;
    }

    /// <summary>An empty filter for <paramref name="capacity"/> keys, in memory.</summary>
    public RunFilter(long capacity)
        : this(GC.AllocateArray<ulong>(checked((int)(BlocksFor(capacity) * 8)), pinned: true))
    {
    }

    private RunFilter(ulong[] pinned)
    {
        _owner = pinned;
        _blocks = (ulong)pinned.Length / 8;
        _words = (ulong*)Unsafe.AsPointer(ref pinned[0]);
    }

    /// <summary>A filter of <paramref name="blocks"/> blocks in memory, its bytes read from <paramref name="stream"/>.</summary>
    public static RunFilter Read(Stream stream, long blocks)
    {
        var words = GC.AllocateUninitializedArray<ulong>(checked((int)(blocks * 8)), pinned: true);
        stream.ReadExactly(MemoryMarshal.AsBytes(words.AsSpan()));
        return new RunFilter(words);
    }

    /// <summary>True when the filter lives in memory (not in a mapping).</summary>
    public bool InMemory => _owner is not null;

    /// <summary>The bytes of a filter in memory, to write to a run's file.</summary>
    public ReadOnlySpan<byte> MemoryBytes => MemoryMarshal.AsBytes(_owner.AsSpan());

    /// <summary>Blocks of 64 bytes for <paramref name="capacity"/> keys.</summary>
    public static long BlocksFor(long capacity) => Math.Max(1, ((capacity * BitsPerKey) + 511) / 512);

    /// <summary>False for a run stored without a filter.</summary>
    public bool Exists => _words != null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long BlockOf(in Hash32 key, out ulong bits)
    {
        // W0 chose the run's directory bucket; W1 is uniform for every key kind (hash160 bytes 8–15, or a SHA-256 word).
        // The block comes from the mix's high half, the six bit positions (9 bits each) from its low half, spread.
        var h = (key.W1 ^ (key.W0 * 0x9E3779B97F4A7C15UL)) * 0xD6E8FEB86659FD93UL;
        bits = (h & 0xFFFFFFFFUL) * 0x9FB21C651E98DF25UL >> 10;
        return (long)((h >> 32) * _blocks >> 32) * 8;
    }

    public void Add(in Hash32 key)
    {
        var b = BlockOf(key, out var h);
        for (var i = 0; i < 6; i++)
        {
            var bit = (int)(h >> (i * 9)) & 511;
            _words[b + (bit >> 6)] |= 1UL << (bit & 63);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(in Hash32 key)
    {
        var b = BlockOf(key, out var h);
        for (var i = 0; i < 6; i++)
        {
            var bit = (int)(h >> (i * 9)) & 511;
            if ((_words[b + (bit >> 6)] & (1UL << (bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(in Hash32 key)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_words + BlockOf(key, out _));
        }
    }
}
