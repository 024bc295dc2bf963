using Npgsql;

namespace Harrier.Cluster;

/// <summary>
/// The tables the cluster keeps in the case's PostgreSQL database, all in the schema <c>harrier_cluster</c> (the case's
/// own tables stay as they are): Orleans' ADO.NET membership tables and the queries its provider reads from
/// <c>OrleansQuery</c>, and the run and work tables of <see cref="WorkQueue"/>. Created by every silo and client at start,
/// idempotently (<c>IF NOT EXISTS</c>, queries upserted), under a transaction-level advisory lock so that silos starting
/// together do not race on the catalogue.
/// <para>
/// Where the Orleans part comes from: the Orleans documentation ("ADO.NET clustering") says to run the scripts
/// <c>PostgreSQL-Main.sql</c> and <c>PostgreSQL-Clustering.sql</c> of dotnet/orleans (<c>src/AdoNet/</c>) before a silo
/// starts; the NuGet package ships no SQL. Those scripts define the contract the provider relies on: the table and column
/// names it reads, the ten query keys it looks up in <c>OrleansQuery</c>, their @-parameters and the row count each
/// write returns (greater than zero: done). The statements below were written here to that contract (as single statements
/// with CTEs and a row lock on the version row, instead of the scripts' plpgsql functions), not copied. The query keys and
/// parameter names were checked against Orleans.Clustering.AdoNet 10.4.2 itself: it passes no <c>MetadataJson</c>, which
/// newer scripts on the main branch have, so there is no such column here.
/// </para>
/// </summary>
internal static class ClusterSchema
{
    /// <summary>The schema of every cluster table.</summary>
    public const string Schema = "harrier_cluster";

    private const long SchemaLockKey = 7260104218;

    /// <summary>The connection string the Orleans provider uses: the case's, with the cluster schema first on the search path.</summary>
    public static string OrleansConnectionString(string caseConnectionString) =>
        new NpgsqlConnectionStringBuilder(caseConnectionString) { SearchPath = Schema }.ConnectionString;

    /// <summary>Creates whatever of the cluster's tables and queries is missing; safe to run from any number of processes at once.</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey})", connection, tx))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var cmd = new NpgsqlCommand(Tables, connection, tx))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (key, text) in Queries)
        {
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {Schema}.OrleansQuery (QueryKey, QueryText) VALUES (@k, @t) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText",
                connection, tx);
            cmd.Parameters.AddWithValue("k", key);
            cmd.Parameters.AddWithValue("t", text);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    private const string Tables = $"""
        CREATE SCHEMA IF NOT EXISTS {Schema};
        CREATE TABLE IF NOT EXISTS {Schema}.OrleansQuery (
            QueryKey varchar(64) NOT NULL PRIMARY KEY,
            QueryText varchar(8000) NOT NULL);
        CREATE TABLE IF NOT EXISTS {Schema}.OrleansMembershipVersionTable (
            DeploymentId varchar(150) NOT NULL PRIMARY KEY,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS {Schema}.OrleansMembershipTable (
            DeploymentId varchar(150) NOT NULL REFERENCES {Schema}.OrleansMembershipVersionTable (DeploymentId),
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            PRIMARY KEY (DeploymentId, Address, Port, Generation));
        CREATE TABLE IF NOT EXISTS {Schema}.runs (
            run_id text NOT NULL PRIMARY KEY,
            kind text NOT NULL,
            exhibit_id text NOT NULL,
            actor text NOT NULL,
            justification text NULL,
            thumbnails boolean NOT NULL,
            created timestamptz NOT NULL DEFAULT clock_timestamp(),
            files integer NOT NULL);
        CREATE TABLE IF NOT EXISTS {Schema}.work (
            run_id text NOT NULL REFERENCES {Schema}.runs (run_id),
            item bigint NOT NULL,
            state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'failed')),
            attempts integer NOT NULL DEFAULT 0,
            leased_by text NULL,
            lease_token uuid NULL,
            lease_until timestamptz NULL,
            done_by text NULL,
            done_at timestamptz NULL,
            outcome text NULL,
            error text NULL,
            PRIMARY KEY (run_id, item));
        CREATE INDEX IF NOT EXISTS work_open ON {Schema}.work (state, lease_until) WHERE state IN ('pending', 'leased');
        """;

    private const string Member = "DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation";

    private const string SelectMembers = """
        SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
               m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
        FROM OrleansMembershipVersionTable v LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
        """;

    // Each write that Orleans checks returns one integer, above zero when it happened. The writes guarded by the table
    // version lock the version row first (FOR UPDATE; a writer that waited sees the row again and drops out when the
    // version moved), so a row and the version change together or not at all.
    private static readonly (string Key, string Text)[] Queries =
    [
        ("UpdateIAmAlivetimeKey", $"UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime WHERE {Member};"),
        ("InsertMembershipVersionKey", """
            WITH ins AS (INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId) ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT COUNT(*)::integer FROM ins;
            """),
        ("InsertMembershipKey", """
            WITH v AS (SELECT DeploymentId FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            ins AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT v.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime FROM v
                ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING RETURNING DeploymentId),
            bump AS (UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId IN (SELECT DeploymentId FROM ins) RETURNING 1)
            SELECT COUNT(*)::integer FROM bump;
            """),
        ("UpdateMembershipKey", $"""
            WITH v AS (SELECT DeploymentId FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE),
            up AS (
                UPDATE OrleansMembershipTable SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                WHERE {Member} AND DeploymentId IN (SELECT DeploymentId FROM v) RETURNING DeploymentId),
            bump AS (UPDATE OrleansMembershipVersionTable SET Version = Version + 1, Timestamp = now() WHERE DeploymentId IN (SELECT DeploymentId FROM up) RETURNING 1)
            SELECT COUNT(*)::integer FROM bump;
            """),
        ("MembershipReadRowKey", """
            SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                   m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId;
            """),
        ("MembershipReadAllKey", SelectMembers + " WHERE v.DeploymentId = @DeploymentId;"),
        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """),
        ("GatewaysQueryKey", "SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;"),
        ("CleanupDefunctSiloEntryKey", $"DELETE FROM OrleansMembershipTable WHERE {Member};"),
        ("CleanupDefunctSiloEntriesKey", "DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status <> 3;"),
    ];
}
