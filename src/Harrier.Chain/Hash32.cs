using System.Buffers.Binary;
using System.Globalization;
using NBitcoin;

namespace Harrier.Chain;

/// <summary>A 256-bit block or transaction hash as four words, in Bitcoin's internal (little-endian) byte order.</summary>
public readonly record struct Hash32(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>The hash from its 32 internal-order bytes.</summary>
    public static Hash32 FromBytes(ReadOnlySpan<byte> internalOrder) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(internalOrder),
        BinaryPrimitives.ReadUInt64LittleEndian(internalOrder[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(internalOrder[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(internalOrder[24..]));

    /// <summary>The hash of an NBitcoin value.</summary>
    public static Hash32 From(uint256 value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Span<byte> b = stackalloc byte[32];
        value.ToBytes(b, lendian: true);
        return FromBytes(b);
    }

    /// <summary>Parses the usual display form (64 hex digits, byte-reversed).</summary>
    public static bool TryParse(string? text, out Hash32 hash)
    {
        hash = default;
        if (text is null || text.Length != 64)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            if (!byte.TryParse(text.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            {
                return false;
            }

            b[31 - i] = v;
        }

        hash = FromBytes(b);
        return true;
    }

    /// <summary>Writes the 32 internal-order bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, W0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], W1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], W2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], W3);
    }

    /// <summary>True for the all-zero hash (the genesis block's previous hash).</summary>
    public bool IsZero => (W0 | W1 | W2 | W3) == 0;

    /// <summary>The display form: 64 lowercase hex digits, byte-reversed as block explorers show them.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[32];
        WriteTo(b);
        b.Reverse();
        return Convert.ToHexStringLower(b);
    }
}
