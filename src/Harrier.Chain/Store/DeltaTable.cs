using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Harrier.Chain.Store;

/// <summary>
/// The in-memory delta of a <see cref="HashIndex"/>: 32-byte hash keys → ids, open addressing with linear probing.
/// <para>
/// Hand-written rather than <see cref="Dictionary{TKey, TValue}"/> because the import's one sequential thread spends
/// most of its time here (one lookup per input and per output, most of them cache misses): a slot is 8 bytes (the
/// key's low 32 bits as a fingerprint and the entry's index), so a lookup of an absent key (most address lookups: new
/// addresses) reads one slot line, and a hit one slot line and one key; <see cref="Prefetch"/> lets the caller start
/// those reads early; and a key's home slot is the top bits of its first word, so walking the slots gives the keys
/// almost in run order and a spill sorts them with an insertion sort instead of a general sort.
/// </para>
/// Keys must be uniform in their first word (hashes, or a 20-byte script hash first: see <see cref="ChainBuilder.KeyOf"/>).
/// </summary>
internal sealed class DeltaTable
{
    private const int MinBits = 12;

    private ulong[] _slots;
    private Hash32[] _keys;
    private int[] _values;
    private int _bits;

    // Slots past the last home slot, so probing never wraps: keys stay in home order, which the spill relies on. Keys
    // whose first words share their top bits (crafted ones: a chain holds what anyone paid to) can fill it; it then
    // doubles, so a pile-up costs time, never correctness.
    private int _overflow = 1024;

    public DeltaTable()
    {
        _bits = MinBits;
        _slots = new ulong[(1 << _bits) + _overflow];
        _keys = new Hash32[1 << (_bits - 1)];
        _values = new int[_keys.Length];
    }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(in Hash32 key) => (int)(key.W0 >> (64 - _bits));

    /// <summary>Asks the CPU to start loading <paramref name="key"/>'s home slot (a hint: no effect on results).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(in Hash32 key)
    {
        if (Sse.IsSupported)
        {
            fixed (ulong* p = &_slots[Home(key)])
            {
                Sse.Prefetch0(p);
            }
        }
    }

    public bool TryGetValue(in Hash32 key, out int value)
    {
        var fingerprint = (uint)key.W0;
        var slots = _slots;
        for (var i = Home(key); ; i++)
        {
            var s = slots[i];
            if (s == 0)
            {
                value = -1;
                return false;
            }

            if ((uint)(s >> 32) == fingerprint)
            {
                var e = (int)(uint)s - 1;
                if (_keys[e] == key)
                {
                    value = _values[e];
                    return true;
                }
            }
        }
    }

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/>; a later value for the same key replaces the earlier.</summary>
    public void Set(in Hash32 key, int value)
    {
        var fingerprint = (uint)key.W0;
        while (true)
        {
            var slots = _slots;
            var i = Home(key);
            for (; ; i++)
            {
                var s = slots[i];
                if (s == 0)
                {
                    break;
                }

                if ((uint)(s >> 32) == fingerprint && _keys[(int)(uint)s - 1] == key)
                {
                    _values[(int)(uint)s - 1] = value;
                    return;
                }
            }

            // The last slot stays empty, so every probe ends at an empty slot; a probe that reaches it widens the overflow.
            if (i == slots.Length - 1)
            {
                _overflow *= 2;
                Rebuild();
                continue;
            }

            if (Count == _keys.Length)
            {
                _bits++;
                Array.Resize(ref _keys, 1 << (_bits - 1));
                Array.Resize(ref _values, _keys.Length);
                Rebuild();
                continue;
            }

            _keys[Count] = key;
            _values[Count] = value;
            slots[i] = ((ulong)fingerprint << 32) | (uint)(Count + 1);
            Count++;
            return;
        }
    }

    private void Rebuild()
    {
        while (true)
        {
            _slots = new ulong[(1 << _bits) + _overflow];
            var fits = true;
            for (var e = 0; e < Count && fits; e++)
            {
                var i = Home(_keys[e]);
                while (_slots[i] != 0)
                {
                    i++;
                }

                if (i == _slots.Length - 1)
                {
                    fits = false;
                    break;
                }

                _slots[i] = ((ulong)(uint)_keys[e].W0 << 32) | (uint)(e + 1);
            }

            if (fits)
            {
                return;
            }

            _overflow *= 2;
        }
    }

    /// <summary>Every entry in run order (<see cref="KeyOrder"/>): the slots walked in order, then an insertion sort of what probing displaced.</summary>
    public IndexEntry[] Sorted()
    {
        var entries = new IndexEntry[Count];
        var n = 0;
        foreach (var s in _slots)
        {
            if (s != 0)
            {
                var e = (int)(uint)s - 1;
                entries[n++] = new IndexEntry(_keys[e], _values[e]);
            }
        }

        // Walked in home-slot order, a key is out of order only against keys of the same or nearby home slots (a few on
        // average at half load). A budget on the moves guards against pathological keys; past it, a general sort.
        long budget = 16L * n + 1024;
        for (var i = 1; i < n; i++)
        {
            var x = entries[i];
            var j = i - 1;
            while (j >= 0 && KeyOrder.Compare(entries[j].Key, x.Key) > 0)
            {
                entries[j + 1] = entries[j];
                j--;
                if (--budget < 0)
                {
                    entries[j + 1] = x;
                    entries.AsSpan().Sort(default(EntryOrder));
                    return entries;
                }
            }

            entries[j + 1] = x;
        }

        return entries;
    }

    private readonly struct EntryOrder : IComparer<IndexEntry>
    {
        public int Compare(IndexEntry x, IndexEntry y) => KeyOrder.Compare(x.Key, y.Key);
    }
}
