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
/// The block is the key's first word's top bits scaled to the block count (run version 3), so that the keys of a run,
/// written in key order, set their blocks in order: building a run's filter (every spill and merge of an import) then
/// walks it like the entries instead of writing one line at random per key, which at 50 M transactions was most of the
/// merges' time (a filter of 250 MB, one cache and TLB miss a key). Version-2 runs chose the block from a mix of the
/// first two words and are read that way (<see cref="RunFilter(ulong*, long, bool)"/>).
/// Hand-written: the keys are already uniform hashes, so it needs no hashing library, and a generic Bloom package
/// would not give the one-line blocks and the prefetch the import relies on.
/// </summary>
internal readonly unsafe struct RunFilter
{
    private const int BitsPerKey = 16;
    private readonly ulong* _words;
    private readonly ulong _blocks;
    private readonly ulong[]? _owner; // pinned, when the filter lives in memory
    private readonly bool _ordered;

    /// <summary>
    /// A filter of <paramref name="blocks"/> 64-byte blocks at <paramref name="words"/> (mapped: valid while the mapping
    /// is); <paramref name="ordered"/>: blocks in key order (run version 3), else mixed (version 2).
    /// </summary>
    public RunFilter(ulong* words, long blocks, bool ordered)
    {
        _words = words;
        _blocks = (ulong)blocks;
        _ordered = ordered;
    }

    /// <summary>An empty filter for <paramref name="capacity"/> keys, in memory, its blocks in key order.</summary>
    public RunFilter(long capacity)
        : this(GC.AllocateArray<ulong>(checked((int)(BlocksFor(capacity) * 8)), pinned: true), ordered: true)
    {
    }

    /// <summary>An empty in-memory filter for <paramref name="capacity"/> keys with the version-2 block choice (to test reading old runs).</summary>
    internal static RunFilter Mixed(long capacity) =>
        new(GC.AllocateArray<ulong>(checked((int)(BlocksFor(capacity) * 8)), pinned: true), ordered: false);

    private RunFilter(ulong[] pinned, bool ordered)
    {
        _owner = pinned;
        _blocks = (ulong)pinned.Length / 8;
        _words = (ulong*)Unsafe.AsPointer(ref pinned[0]);
        _ordered = ordered;
    }

    /// <summary>A filter of <paramref name="blocks"/> blocks in memory, its bytes read from <paramref name="stream"/>.</summary>
    public static RunFilter Read(Stream stream, long blocks, bool ordered)
    {
        var words = GC.AllocateUninitializedArray<ulong>(checked((int)(blocks * 8)), pinned: true);
        stream.ReadExactly(MemoryMarshal.AsBytes(words.AsSpan()));
        return new RunFilter(words, ordered);
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
        // W0 and W1 are uniform for every key kind (hash160 bytes 0–15, or SHA-256 words). The six bit positions (9 bits
        // each) come from the low half of a mix of both, spread; the block from W0's top half (in key order), or in a
        // version-2 run from the mix's high half.
        var h = (key.W1 ^ (key.W0 * 0x9E3779B97F4A7C15UL)) * 0xD6E8FEB86659FD93UL;
        bits = (h & 0xFFFFFFFFUL) * 0x9FB21C651E98DF25UL >> 10;
        return (long)(((_ordered ? key.W0 : h) >> 32) * _blocks >> 32) * 8;
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
