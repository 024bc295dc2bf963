using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Harrier.Chain.Store;

/// <summary>
/// A read-only view of a stored column of inputs or outputs, indexed by <see langword="long"/>: mainnet has about
/// 2.5 billion inputs and 3.2 billion outputs, more than a <see cref="ReadOnlySpan{T}"/> (an int length) can cover.
/// Valid while its <see cref="ChainStore"/> is open, like a span over its mapped file.
/// </summary>
public readonly unsafe struct ColumnSpan<T>
    where T : unmanaged
{
    private readonly T* _items;

    internal ColumnSpan(T* items, long length)
    {
        _items = items;
        Length = length;
    }

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    /// <summary>Element <paramref name="index"/> (checked against <see cref="Length"/>).</summary>
    public T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((ulong)index >= (ulong)Length)
            {
                ColumnBounds.Throw(index, Length);
            }

            return _items[index];
        }
    }

    /// <summary>The first element, for a pointer loop over a whole column (<c>fixed</c> or the store kept open).</summary>
    internal T* Pointer => _items;

    /// <summary><paramref name="length"/> elements from <paramref name="start"/> as a span.</summary>
    public ReadOnlySpan<T> Slice(long start, int length)
    {
        if (start < 0 || length < 0 || start + length > Length)
        {
            ColumnBounds.Throw(start + length, Length);
        }

        return length == 0 ? [] : new ReadOnlySpan<T>(_items + start, length);
    }

    /// <summary>A copy of the whole column (refused past an array's largest length).</summary>
    public T[] ToArray() => ToArray(0, Length);

    /// <summary>A copy of elements [<paramref name="from"/>, <paramref name="to"/>) (a transaction's inputs, say).</summary>
    public T[] ToArray(long from, long to) => to - from <= Array.MaxLength ? Slice(from, (int)(to - from)).ToArray()
        : throw new InvalidOperationException($"{to - from} elements are more than one array holds; read the column in slices");
}

/// <summary>
/// A stored link column (an input or output id, or -1), indexed by <see langword="long"/>. Ids at or past
/// <c>limit</c> read as -1: links that an import still running (or killed) wrote into stored outputs, naming inputs
/// and outputs the manifest does not count yet, so the store reads exactly as its manifest says, without a copy.
/// </summary>
public readonly unsafe struct LinkSpan
{
    private readonly ColumnSpan<long> _links;
    private readonly long _limit;

    private LinkSpan(ColumnSpan<long> links, long limit)
    {
        _links = links;
        _limit = limit;
    }

    /// <summary>The links of <paramref name="column"/>, those at or past <paramref name="limit"/> read as -1.</summary>
    internal static LinkSpan Over(ColumnSpan<long> column, long limit) => new(column, limit);

    /// <summary>The number of elements.</summary>
    public long Length => _links.Length;

    /// <summary>The link of element <paramref name="index"/>, or -1 (checked against <see cref="Length"/>).</summary>
    public long this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var link = _links[index];
            return (ulong)link < (ulong)_limit ? link : -1;
        }
    }

    /// <summary>The raw links (ids past the limit not masked) and the limit, for a pointer loop over the whole column.</summary>
    internal long* Pointer => _links.Pointer;

    /// <summary>Links at or past this read as -1.</summary>
    internal long Limit => _limit;

    /// <summary>A copy of the whole column, masked (refused past an array's largest length).</summary>
    public long[] ToArray() => ToArray(0, Length);

    /// <summary>A copy of links [<paramref name="from"/>, <paramref name="to"/>), masked (a transaction's inputs, say).</summary>
    public long[] ToArray(long from, long to)
    {
        if (to - from > Array.MaxLength || from < 0 || to > Length || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"links {from}..{to} of {Length}");
        }

        var copy = new long[to - from];
        for (var i = from; i < to; i++)
        {
            copy[i - from] = this[i];
        }

        return copy;
    }
}

internal static class ColumnBounds
{
    [DoesNotReturn]
    public static void Throw(long index, long length) =>
        throw new ArgumentOutOfRangeException(nameof(index), $"element {index} of a column of {length}");
}
