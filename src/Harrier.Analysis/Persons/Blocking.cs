using System.Runtime.InteropServices;

namespace Harrier.Analysis.Persons;

/// <summary>
/// Candidate pairs: accounts that share a blocking key (mailbox, mailbox without dots, local part, handle stem, a
/// handle one deletion away, an address not known to be shared within the same or the next day, a KYC customer or
/// identity, an ISP subscriber). Each account has a bounded number of keys and blocks over
/// <see cref="PersonResolver.MaxBlock"/> accounts are skipped, so the pairs grow with the accounts.
/// Keys are kept as 64-bit hashes in one array sorted once (sorted-neighbourhood blocking): at 1.8 million accounts a
/// dictionary of key strings held tens of millions of strings; a hash collision only adds a pair the comparisons reject.
/// </summary>
internal static class Blocking
{
    private readonly record struct Entry(ulong Key, int Account) : IComparable<Entry>
    {
        public int CompareTo(Entry other) => Key != other.Key ? Key.CompareTo(other.Key) : Account.CompareTo(other.Account);
    }

    /// <summary>FNV-1a, 64 bits, over the key's characters after a one-character prefix naming the kind of key (deterministic across processes).</summary>
    private static ulong Hash(char prefix, ReadOnlySpan<char> key)
    {
        const ulong prime = 1099511628211;
        var h = (14695981039346656037 ^ prefix) * prime;
        foreach (var c in key)
        {
            h = (h ^ c) * prime;
        }

        return h;
    }

    private static ulong Hash(char prefix, long a, long b)
    {
        const ulong prime = 1099511628211;
        var h = (14695981039346656037 ^ prefix) * prime;
        for (var i = 0; i < 8; i++)
        {
            h = (h ^ (byte)(a >> (8 * i))) * prime;
        }

        for (var i = 0; i < 8; i++)
        {
            h = (h ^ (byte)(b >> (8 * i))) * prime;
        }

        return h;
    }

    /// <summary>The distinct candidate pairs, each as (lower index &lt;&lt; 32) | higher index, in ascending order.</summary>
    public static List<long> CandidatePairs(List<AccountFeatures> features, AddressBook book, ResolutionOptions options)
    {
        // Sized exactly (counted first), so the largest array is never grown by copying at millions of accounts.
        var count = 0L;
        foreach (var f in features)
        {
            count += 4 + (f.UserLower is { Length: >= 5 } u ? u.Length + 1 : 0) + 2 * f.Kyc.Count + 2 * f.Subscribers.Count + f.Wallets.Count;
            foreach (var l in f.Logins)
            {
                count += book.Shared[l.Ip] is null ? 2 : 0;
            }
        }

        var entries = new List<Entry>((int)Math.Min(count, Array.MaxLength));
        void Add(char prefix, string? key, int account)
        {
            if (!string.IsNullOrEmpty(key))
            {
                entries.Add(new Entry(Hash(prefix, key), account));
            }
        }

        void AddNumber(char prefix, long a, long b, int account) => entries.Add(new Entry(Hash(prefix, a, b), account));

        var day = Math.Max(3600, (long)options.CoOccurrenceWindow.TotalSeconds);
        foreach (var f in features)
        {
            Add('e', f.EmailNormal, f.Index);
            Add('d', f.EmailDotless, f.Index);
            if (f.EmailStem is { Length: >= 4 })
            {
                Add('l', f.EmailStem, f.Index);
            }

            Add('s', f.UserStem, f.Index);
            if (f.UserLower is { Length: >= 5 })
            {
                foreach (var key in Handles.DeletionKeys(f.UserLower))
                {
                    Add('u', key, f.Index);
                }
            }

            foreach (var l in f.Logins)
            {
                if (book.Shared[l.Ip] is not null)
                {
                    continue;
                }

                // Same day bucket, and the next one, so logins a few hours apart across midnight still meet.
                var bucket = l.Time / day;
                AddNumber('i', l.Ip, bucket, f.Index);
                AddNumber('i', l.Ip, bucket + 1, f.Index);
            }

            foreach (var k in f.Kyc)
            {
                Add('k', k.Customer, f.Index);
                Add('p', k.PersonKey, f.Index);
            }

            foreach (var (wallet, _) in f.Wallets)
            {
                Add('w', wallet, f.Index);
            }

            foreach (var s in f.Subscribers)
            {
                Add('h', s.Subscriber, f.Index);
                Add('a', s.HouseholdKey, f.Index);
            }
        }

        var sorted = CollectionsMarshal.AsSpan(entries);
        sorted.Sort();
        var pairs = new List<long>();
        var block = new List<int>();
        for (var start = 0; start < sorted.Length;)
        {
            var end = start + 1;
            while (end < sorted.Length && sorted[end].Key == sorted[start].Key)
            {
                end++;
            }

            block.Clear();
            for (var i = start; i < end; i++)
            {
                if (block.Count == 0 || block[^1] != sorted[i].Account)
                {
                    block.Add(sorted[i].Account);
                }
            }

            if (block.Count is >= 2 and <= PersonResolver.MaxBlock)
            {
                for (var i = 0; i < block.Count; i++)
                {
                    for (var j = i + 1; j < block.Count; j++)
                    {
                        pairs.Add(((long)block[i] << 32) | (uint)block[j]); // block is sorted: block[i] < block[j]
                    }
                }
            }

            start = end;
        }

        entries.Clear();
        entries.TrimExcess();
        CollectionsMarshal.AsSpan(pairs).Sort();
        var distinct = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i == 0 || pairs[i] != pairs[distinct - 1])
            {
                pairs[distinct++] = pairs[i];
            }
        }

        pairs.RemoveRange(distinct, pairs.Count - distinct);
        return pairs;
    }
}
