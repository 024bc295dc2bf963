namespace Harrier.Chain.Clustering;

/// <summary>Union-find over dense ids with union by size and path halving.</summary>
internal sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    public UnionFind(int count)
    {
        _parent = new int[count];
        _size = new int[count];
        for (var i = 0; i < count; i++)
        {
            _parent[i] = i;
            _size[i] = 1;
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

        if (_size[ra] < _size[rb])
        {
            (ra, rb) = (rb, ra);
        }

        _parent[rb] = ra;
        _size[ra] += _size[rb];
        return true;
    }
}
