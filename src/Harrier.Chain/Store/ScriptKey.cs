namespace Harrier.Chain.Store;

/// <summary>An output script's bytes as a dictionary key (content equality, hash computed once).</summary>
internal readonly struct ScriptKey : IEquatable<ScriptKey>
{
    private readonly int _hash;

    public ScriptKey(byte[] bytes)
    {
        Bytes = bytes;
        var h = new HashCode();
        h.AddBytes(bytes);
        _hash = h.ToHashCode();
    }

    public byte[] Bytes { get; }

    public bool Equals(ScriptKey other) => _hash == other._hash && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is ScriptKey k && Equals(k);

    public override int GetHashCode() => _hash;
}
