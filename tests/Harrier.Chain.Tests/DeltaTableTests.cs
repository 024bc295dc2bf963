using System.Security.Cryptography;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tests;

/// <summary>
/// The index delta (<see cref="DeltaTable"/>) answers like a dictionary through growth and overwrites and hands its
/// entries over in run order; a run's filter (<see cref="RunFilter"/>) never says "absent" for a key it holds.
/// </summary>
public sealed class DeltaTableTests
{
    private static Hash32 RandomKey(Random random)
    {
        Span<byte> b = stackalloc byte[32];
        random.NextBytes(b);
        return Hash32.FromBytes(b);
    }

    [Fact]
    public void Answers_like_a_dictionary_through_growth_and_overwrites()
    {
        var random = new Random(11);
        var table = new DeltaTable();
        var reference = new Dictionary<Hash32, int>();
        var keys = new List<Hash32>();
        for (var i = 0; i < 50_000; i++)
        {
            // One write in eight overwrites an earlier key (a later value wins, as in the index).
            var key = keys.Count > 0 && random.Next(8) == 0 ? keys[random.Next(keys.Count)] : RandomKey(random);
            if (!reference.ContainsKey(key))
            {
                keys.Add(key);
            }

            table.Set(key, i);
            reference[key] = i;
        }

        Assert.Equal(reference.Count, table.Count);
        foreach (var (k, v) in reference)
        {
            Assert.True(table.TryGetValue(k, out var got));
            Assert.Equal(v, got);
        }

        for (var i = 0; i < 10_000; i++)
        {
            Assert.False(table.TryGetValue(RandomKey(random), out var none));
            Assert.Equal(-1, none);
        }

        var sorted = table.Sorted();
        Assert.Equal(reference.Count, sorted.Length);
        for (var i = 1; i < sorted.Length; i++)
        {
            Assert.True(KeyOrder.Compare(sorted[i - 1].Key, sorted[i].Key) < 0, $"entries {i - 1} and {i} out of run order");
        }

        Assert.All(sorted, e => Assert.Equal(reference[e.Key], e.Value));
    }

    [Fact]
    public void Keys_sharing_their_first_word_are_kept_apart_and_sorted()
    {
        // Same first word (same home slot and fingerprint): the table must compare whole keys, and the spill must
        // order them by the later words. 300 of them pile up past the home slot, which the sort must still order.
        var table = new DeltaTable();
        var keys = Enumerable.Range(0, 300).Select(i => new Hash32(0xABCDEF0123456789UL, (ulong)(299 - i), 7, (ulong)i)).ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            table.Set(keys[i], i);
        }

        for (var i = 0; i < keys.Count; i++)
        {
            Assert.True(table.TryGetValue(keys[i], out var v));
            Assert.Equal(i, v);
        }

        var sorted = table.Sorted();
        Assert.Equal(keys.OrderBy(k => k.W1).ToList(), sorted.Select(e => e.Key).ToList());
    }

    [Fact]
    public void Keys_piling_up_past_the_last_home_slot_still_fit()
    {
        // 5,000 keys whose first word is the largest there is: all share the last home slot, so they fill the overflow
        // slots past it, which must widen (no wrap-around, no endless growth).
        var table = new DeltaTable();
        for (var i = 0; i < 5_000; i++)
        {
            table.Set(new Hash32(ulong.MaxValue, (ulong)i, 0, 0), i);
        }

        table.Set(new Hash32(1, 2, 3, 4), -7);
        Assert.Equal(5_001, table.Count);
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True(table.TryGetValue(new Hash32(ulong.MaxValue, (ulong)i, 0, 0), out var v));
            Assert.Equal(i, v);
        }

        Assert.True(table.TryGetValue(new Hash32(1, 2, 3, 4), out var small));
        Assert.Equal(-7, small);
        var sorted = table.Sorted();
        Assert.Equal(new Hash32(1, 2, 3, 4), sorted[0].Key);
        Assert.Equal(Enumerable.Range(0, 5_000).Select(i => (ulong)i), sorted.Skip(1).Select(e => e.Key.W1));
    }

    [Theory]
    [InlineData(true)] // blocks in key order (run version 3)
    [InlineData(false)] // blocks mixed (version 2)
    public void A_run_filter_never_drops_a_key_it_holds_and_rejects_most_others(bool ordered)
    {
        var filter = ordered ? new RunFilter(100_000) : RunFilter.Mixed(100_000);
        var held = new List<Hash32>();
        for (var i = 0; i < 100_000; i++)
        {
            var key = Hash32.FromBytes(SHA256.HashData(BitConverter.GetBytes(i)));
            held.Add(key);
            filter.Add(key);
        }

        Assert.All(held, k => Assert.True(filter.MayContain(k)));

        var falsePositives = 0;
        for (var i = 100_000; i < 200_000; i++)
        {
            if (filter.MayContain(Hash32.FromBytes(SHA256.HashData(BitConverter.GetBytes(i)))))
            {
                falsePositives++;
            }
        }

        // 16 bits a key, six bits in one 512-bit block: about 0.15 % expected (132 measured); 0.5 % would mean the bits
        // are correlated or the filter smaller than it should be.
        Assert.InRange(falsePositives, 0, 500);
    }
}
