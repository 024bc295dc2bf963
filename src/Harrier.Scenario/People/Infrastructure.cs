namespace Harrier.Scenario.People;

/// <summary>
/// A home internet provider: one IPv4 block of its country, leased to households dynamically. Every
/// <see cref="PeriodSeconds"/> the provider renews all leases at once and each household gets another address of
/// the block; within one period the mapping household → address is a bijection (an odd multiplier modulo a power
/// of two), so two households never hold one address at the same time.
/// </summary>
internal sealed record Isp(string Id, string Name, string Country, uint BlockStart, uint BlockSize, long PeriodSeconds, long Phase, uint Multiplier, uint Step, uint Offset)
{
    /// <summary>The lease period <paramref name="unix"/> falls in.</summary>
    public long Period(long unix) => (long)Math.Floor((double)(unix - Network.Epoch + Phase) / PeriodSeconds);

    /// <summary>When lease period <paramref name="period"/> starts and ends (UTC seconds, end exclusive).</summary>
    public (long From, long To) Lease(long period)
    {
        var from = Network.Epoch - Phase + period * PeriodSeconds;
        return (from, from + PeriodSeconds);
    }

    /// <summary>The address household <paramref name="slot"/> holds during <paramref name="period"/>.</summary>
    public string Address(int slot, long period) =>
        Network.Format(BlockStart + (((uint)slot * Multiplier + (uint)period * Step + Offset) & (BlockSize - 1)));
}

/// <summary>A mobile carrier: its subscribers share a small pool of carrier-grade NAT addresses.</summary>
internal sealed record Carrier(string Id, string Name, string Country, IReadOnlyList<string> NatAddresses);

/// <summary>An anonymiser: a VPN provider or Tor, with exit addresses shared by all who use it.</summary>
internal sealed record Anonymiser(string Id, string Kind, IReadOnlyList<string> Exits);

internal static class Network
{
    /// <summary>The scenario's first day; lease periods count from here.</summary>
    public static readonly long Epoch = new DateTimeOffset(2022, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>The scenario's end.</summary>
    public static readonly long End = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static string Format(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";
}
