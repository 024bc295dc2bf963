namespace Harrier.Analysis.Persons;

/// <summary>
/// Candidate pairs: accounts that share a blocking key (mailbox, mailbox without dots, local part, handle stem, a
/// handle one deletion away, an address not known to be shared within the same or the next day, a KYC customer or
/// identity, an ISP subscriber). Each account has a bounded number of keys and blocks over
/// <see cref="PersonResolver.MaxBlock"/> accounts are skipped, so the pairs grow with the accounts.
/// </summary>
internal static class Blocking
{
    public static IEnumerable<(int A, int B)> CandidatePairs(List<AccountFeatures> features, AddressBook book, ResolutionOptions options)
    {
        var blocks = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        void Add(string prefix, string? key, int account)
        {
            if (string.IsNullOrEmpty(key))
            {
                return;
            }

            var k = prefix + key;
            if (!blocks.TryGetValue(k, out var list))
            {
                blocks[k] = list = [];
            }

            if (list.Count == 0 || list[^1] != account)
            {
                list.Add(account);
            }
        }

        var day = Math.Max(3600, (long)options.CoOccurrenceWindow.TotalSeconds);
        foreach (var f in features)
        {
            Add("e:", f.EmailNormal, f.Index);
            Add("d:", f.EmailDotless, f.Index);
            if (f.EmailStem is { Length: >= 4 })
            {
                Add("l:", f.EmailStem, f.Index);
            }

            Add("s:", f.UserStem, f.Index);
            if (f.UserLower is { Length: >= 5 })
            {
                foreach (var key in Handles.DeletionKeys(f.UserLower))
                {
                    Add("u:", key, f.Index);
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
                Add("i:", $"{l.Ip}:{bucket}", f.Index);
                Add("i:", $"{l.Ip}:{bucket + 1}", f.Index);
            }

            foreach (var k in f.Kyc)
            {
                Add("k:", k.Customer, f.Index);
                Add("p:", k.PersonKey, f.Index);
            }

            foreach (var s in f.Subscribers)
            {
                Add("h:", s.Subscriber, f.Index);
                Add("a:", s.HouseholdKey, f.Index);
            }
        }

        var seen = new HashSet<long>();
        foreach (var list in blocks.Values)
        {
            if (list.Count < 2 || list.Count > PersonResolver.MaxBlock)
            {
                continue;
            }

            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    var (a, b) = list[i] < list[j] ? (list[i], list[j]) : (list[j], list[i]);
                    if (a != b && seen.Add(((long)a << 32) | (uint)b))
                    {
                        yield return (a, b);
                    }
                }
            }
        }
    }
}
