namespace Harrier.Chain.Store;

/// <summary>An append-only array of fixed-size values (a column being built).</summary>
internal sealed class GrowableColumn<T>(int capacity = 16)
    where T : unmanaged
{
    private T[] _items = new T[Math.Max(capacity, 16)];

    public int Count { get; private set; }

    public Span<T> Span => _items.AsSpan(0, Count);

    public ref T this[int index] => ref _items[index];

    public void Add(T value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = value;
    }

    public void AddRange(ReadOnlySpan<T> values)
    {
        if (Count + values.Length > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(_items.Length * 2, Count + values.Length));
        }

        values.CopyTo(_items.AsSpan(Count));
        Count += values.Length;
    }

    public static GrowableColumn<T> From(ReadOnlySpan<T> values)
    {
        var c = new GrowableColumn<T>(values.Length + 16);
        c.AddRange(values);
        return c;
    }
}
