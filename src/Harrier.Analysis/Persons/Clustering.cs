namespace Harrier.Analysis.Persons;

/// <summary>
/// Links → persons: links are taken strongest first (a maximum-weight spanning forest), and a link that would join
/// two groups is refused when any account of one conflicts with any account of the other (different payers' identities), or when the
/// person would exceed <see cref="PersonResolver.MaxAccountsPerPerson"/> accounts. So one weak link cannot chain two people
/// through a third, and every refusal is reported.
/// </summary>
internal sealed class Clustering
{
    private readonly int[] _parent;
    private readonly List<int>[] _members;

    private Clustering(int count)
    {
        _parent = new int[count];
        _members = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
            _members[i] = [i];
        }
    }

    public int RootOf(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }

        return x;
    }

    /// <summary>The groups, each sorted, in order of their first account.</summary>
    public IEnumerable<List<int>> Groups()
    {
        for (var i = 0; i < _parent.Length; i++)
        {
            if (_parent[i] == i)
            {
                _members[i].Sort();
            }
        }

        return Enumerable.Range(0, _parent.Length).Where(i => _parent[i] == i).Select(i => _members[i]).OrderBy(m => m[0]);
    }

    public static Clustering Cluster(int count, List<PersonLink> links, Dictionary<string, int> indexOf, Func<int, int, bool> conflicts, List<RefusedLink> refused)
    {
        var c = new Clustering(count);
        var rejected = new List<PersonLink>();
        foreach (var link in links.OrderByDescending(l => l.Weight).ThenBy(l => indexOf[l.AccountA]).ThenBy(l => indexOf[l.AccountB]))
        {
            var ra = c.RootOf(indexOf[link.AccountA]);
            var rb = c.RootOf(indexOf[link.AccountB]);
            if (ra == rb)
            {
                continue;
            }

            var reason = c.Refusal(ra, rb, conflicts);
            if (reason is not null)
            {
                refused.Add(new RefusedLink(link.AccountA, link.AccountB, link.Weight, reason, link.Evidence));
                rejected.Add(link);
                continue;
            }

            var (big, small) = c._members[ra].Count >= c._members[rb].Count ? (ra, rb) : (rb, ra);
            c._parent[small] = big;
            c._members[big].AddRange(c._members[small]);
            c._members[small] = [];
        }

        foreach (var r in rejected)
        {
            links.Remove(r);
        }

        return c;
    }

    private string? Refusal(int ra, int rb, Func<int, int, bool> conflicts)
    {
        if (_members[ra].Count + _members[rb].Count > PersonResolver.MaxAccountsPerPerson)
        {
            return $"would make a person of more than {PersonResolver.MaxAccountsPerPerson} accounts: more likely shared infrastructure or a shared identity than one person";
        }

        foreach (var x in _members[ra])
        {
            foreach (var y in _members[rb])
            {
                if (conflicts(x, y))
                {
                    return "would join accounts paid for by different people (their KYC identities differ); left apart for an analyst to decide";
                }
            }
        }

        return null;
    }
}
