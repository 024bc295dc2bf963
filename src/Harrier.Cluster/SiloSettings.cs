using System.Net;
using Harrier.Cases;
using Harrier.Cases.Keys;

namespace Harrier.Cluster;

/// <summary>How a silo runs (<c>harrier cluster silo</c>; docs/cluster.md).</summary>
public sealed record SiloSettings
{
    /// <summary>The case's PostgreSQL connection string: membership, work table and case rows all live there.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The case folder (shared by every silo: evidence paths, <c>case.json</c>, derived files).</summary>
    public required string CaseDir { get; init; }

    /// <summary>The Orleans cluster id: <c>harrier-CASEID</c>, one cluster per case.</summary>
    public required string ClusterId { get; init; }

    /// <summary>Where the case key is looked for (each file's audit entry is signed).</summary>
    public required CaseKeyStore Keys { get; init; }

    /// <summary>The clock (operations' timestamps; the idle poll). Leases run on the database server's clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The address other silos and clients reach this one at.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Items worked on at once in this silo.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Items leased per claim and run together (an ingest lease writes its files' facts once, with one audit entry).</summary>
    public int ClaimBatch { get; init; } = 4;

    /// <summary>How long a lease lasts unless renewed; renewed every third of it while the silo lives.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a silo that serves lookups reads what the case's banks gained (its index's catch-up).</summary>
    public TimeSpan BankPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An open store to use instead of opening <see cref="CaseDir"/> (in-process tests); null: opened on first use.</summary>
    public CaseStore? Store { get; init; }
}
