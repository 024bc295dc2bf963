using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Harrier.Media.Hashing;

/// <summary>
/// A 256-bit perceptual hash (PDQ, a vPDQ frame hash, a PDQF frame feature) held as four 64-bit words.
/// Bit k of the hash (PDQ spec §1.8: DCT row k/16, column k%16) is bit (k % 64) of word k / 64, so
/// <see cref="W0"/> holds bits 0..63 and <see cref="W3"/> bits 192..255.
/// The hex form is the big-endian 256-bit integer: 64 lowercase digits, the first digit holding bits 255..252.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Hash256(ulong W0, ulong W1, ulong W2, ulong W3)
{
    /// <summary>Number of hex digits in the canonical text form.</summary>
    public const int HexLength = 64;

    /// <summary>The all-zero hash (what PDQ gives for images under 5 px).</summary>
    public static Hash256 Zero => default;

    /// <summary>Hamming distance: XOR and popcount over the four words.</summary>
    public int DistanceTo(Hash256 other) =>
        BitOperations.PopCount(W0 ^ other.W0) + BitOperations.PopCount(W1 ^ other.W1)
        + BitOperations.PopCount(W2 ^ other.W2) + BitOperations.PopCount(W3 ^ other.W3);

    /// <summary>Hamming distance over the bits set in <paramref name="mask"/> only (the others are not compared).</summary>
    public int DistanceTo(Hash256 other, Hash256 mask) =>
        BitOperations.PopCount((W0 ^ other.W0) & mask.W0) + BitOperations.PopCount((W1 ^ other.W1) & mask.W1)
        + BitOperations.PopCount((W2 ^ other.W2) & mask.W2) + BitOperations.PopCount((W3 ^ other.W3) & mask.W3);

    /// <summary>Number of bits set.</summary>
    public int PopCount() =>
        BitOperations.PopCount(W0) + BitOperations.PopCount(W1) + BitOperations.PopCount(W2) + BitOperations.PopCount(W3);

    /// <summary>Bit k (0..255), LSB-first numbering as in the PDQ spec.</summary>
    public bool GetBit(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 255);
        var word = (k >> 6) switch { 0 => W0, 1 => W1, 2 => W2, _ => W3 };
        return ((word >> (k & 63)) & 1UL) != 0;
    }

    /// <summary>Builds a hash from 16 uint16 words as the reference stores them (word i = DCT row i).</summary>
    public static Hash256 FromWords16(ReadOnlySpan<ushort> words)
    {
        if (words.Length != 16)
        {
            throw new ArgumentException("a 256-bit hash has exactly 16 words", nameof(words));
        }

        Span<ulong> w = stackalloc ulong[4];
        for (var i = 0; i < 16; i++)
        {
            w[i >> 2] |= (ulong)words[i] << (16 * (i & 3));
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    /// <summary>The 64-digit lowercase hex form.</summary>
    public override string ToString() => string.Create(HexLength, this, static (dst, h) =>
    {
        h.W3.TryFormat(dst[..16], out _, "x16", CultureInfo.InvariantCulture);
        h.W2.TryFormat(dst[16..32], out _, "x16", CultureInfo.InvariantCulture);
        h.W1.TryFormat(dst[32..48], out _, "x16", CultureInfo.InvariantCulture);
        h.W0.TryFormat(dst[48..], out _, "x16", CultureInfo.InvariantCulture);
    });

    /// <summary>
    /// Strict parse: exactly 64 lowercase hex digits, nothing else (no prefix, no whitespace, no upper case).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out Hash256 hash)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }

        var w3 = ulong.Parse(hex[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var w2 = ulong.Parse(hex[16..32], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var w1 = ulong.Parse(hex[32..48], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        var w0 = ulong.Parse(hex[48..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        hash = new Hash256(w0, w1, w2, w3);
        return true;
    }

    /// <summary>Strict parse that throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static Hash256 Parse(ReadOnlySpan<char> hex)
    {
        if (TryParse(hex, out var hash))
        {
            return hash;
        }

        throw new FormatException(hex.Length != HexLength
            ? $"a 256-bit hash is {HexLength} hex digits, got {hex.Length} characters"
            : "a 256-bit hash is 64 lowercase hex digits (0-9, a-f)");
    }
}
