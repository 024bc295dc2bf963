namespace Harrier.Cases;

/// <summary>Compares names as bytes (<see cref="EvidenceFile.RelPathBytes"/>), the only key under which two files never collide.</summary>
internal sealed class NameBytesComparer : IEqualityComparer<byte[]>
{
    public static readonly NameBytesComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
