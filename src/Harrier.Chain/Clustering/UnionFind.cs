namespace Harrier.Chain.Clustering;

/// <summary>
/// Union-find over dense ids in one int array (4 bytes an id): a set's root is always its smallest id (the larger root
/// is linked under the smaller) and finds halve their paths. So <c>parent[x] ≤ x</c> everywhere, which lets
/// <see cref="LabelInPlace"/> turn the array into "smallest member of my set" in one ascending pass with no second
/// array. Linking by index instead of by size keeps finds at amortized O(log n) with path halving (Tarjan and van
/// Leeuwen), and saves the size array: clustering the whole chain must fit in the address count × 8 bytes.
/// </summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;

    public UnionFind(int count)
    {
        _parent = GC.AllocateUninitializedArray<int>(count);
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
        }
    }

    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }

        return x;
    }

    /// <summary>Joins the sets of a and b; false when they were already one set.</summary>
    public bool Union(int a, int b)
    {
        var ra = Find(a);
        var rb = Find(b);
        if (ra == rb)
        {
            return false;
        }

        if (ra < rb)
        {
            _parent[rb] = ra;
        }
        else
        {
            _parent[ra] = rb;
        }

        return true;
    }

    /// <summary>
    /// Turns the array into each id's set's smallest id and returns it (the union-find is spent). Ascending: a parent is
    /// smaller than its child, so it already holds its set's smallest id when the child reads it.
    /// </summary>
    public int[] LabelInPlace(out int sets)
    {
        sets = 0;
        for (var x = 0; x < _parent.Length; x++)
        {
            if (_parent[x] == x)
            {
                sets++;
            }
            else
            {
                _parent[x] = _parent[_parent[x]];
            }
        }

        return _parent;
    }
}
