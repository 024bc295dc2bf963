using System.Buffers.Binary;
using NBitcoin;

namespace Harrier.Chain.Blocks;

/// <summary>The networks whose block files Harrier reads, by name and by on-disk magic.</summary>
public static class ChainNetworks
{
    private static readonly (string Name, uint Magic, Network Network)[] Known =
    [
        ("main", 0xD9B4BEF9, Network.Main),
        ("testnet", 0x0709110B, Network.TestNet),
        ("regtest", 0xDAB5BFFA, Network.RegTest),
        ("signet", 0x40CF030A, Bitcoin.Instance.Signet),
        ("testnet4", 0x283F161C, Bitcoin.Instance.Testnet4),
    ];

    /// <summary>The network whose magic is the first four bytes of <paramref name="bytes"/>, or null.</summary>
    public static Network? FromMagic(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4)
        {
            return null;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        foreach (var k in Known)
        {
            if (k.Magic == magic)
            {
                return k.Network;
            }
        }

        return null;
    }

    /// <summary>The on-disk magic of <paramref name="network"/> (as a little-endian uint32).</summary>
    public static uint MagicOf(Network network)
    {
        foreach (var k in Known)
        {
            if (k.Network == network)
            {
                return k.Magic;
            }
        }

        throw new ArgumentException($"no block-file magic known for {network}", nameof(network));
    }

    /// <summary>Harrier's short name of <paramref name="network"/>.</summary>
    public static string NameOf(Network network)
    {
        foreach (var k in Known)
        {
            if (k.Network == network)
            {
                return k.Name;
            }
        }

        return network.Name;
    }

    /// <summary>The network named <paramref name="name"/> (main, testnet, regtest, signet, testnet4), or null.</summary>
    public static Network? FromName(string name)
    {
        foreach (var k in Known)
        {
            if (string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return k.Network;
            }
        }

        return string.Equals(name, "mainnet", StringComparison.OrdinalIgnoreCase) ? Network.Main : null;
    }
}
