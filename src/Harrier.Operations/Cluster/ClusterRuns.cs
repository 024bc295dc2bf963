using System.Data;
using Harrier.Cases;
using Npgsql;

namespace Harrier.Operations.Cluster;

/// <summary>A cluster run's state as the work table holds it (the JSON of <c>harrier cluster status --json</c>).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="ExhibitId">Its exhibit.</param>
/// <param name="Files">Items it was created with.</param>
/// <param name="Pending">Items waiting for a silo.</param>
/// <param name="Leased">Items a silo is working on.</param>
/// <param name="Done">Items with a result.</param>
/// <param name="Failed">Items that failed (the reason in <see cref="Failures"/>).</param>
public sealed record RunStatus(string RunId, string Kind, string ExhibitId, int Files, int Pending, int Leased, int Done, int Failed)
{
    /// <summary>Whether every item has a result (done or failed).</summary>
    public bool Complete => Pending == 0 && Leased == 0;

    /// <summary>Items leased more than once (their first silo died or stopped renewing before it finished).</summary>
    public int Retried { get; init; }

    /// <summary>Seconds from the run's creation to its last result (server clock).</summary>
    public double ActiveSeconds { get; init; }

    /// <summary>Seconds since the run was created (server clock).</summary>
    public double AgeSeconds { get; init; }

    /// <summary>Results per second since the run was created (null before the first).</summary>
    public double? Rate => Done + Failed > 0 && ActiveSeconds > 0 ? (Done + Failed) / ActiveSeconds : null;

    /// <summary>Seconds left at <see cref="Rate"/> (null without a rate; 0 when complete).</summary>
    public double? EtaSeconds => Complete ? 0 : Rate is { } r ? (Pending + Leased) / r : null;

    /// <summary>Per silo: what it finished and what it holds.</summary>
    public IReadOnlyList<SiloProgress> Silos { get; init; } = [];

    /// <summary>Every item that failed or whose file was unreadable, with the reason.</summary>
    public IReadOnlyList<RunFailure> Failures { get; init; } = [];
}

/// <summary>One silo's part of a run.</summary>
/// <param name="Silo">Its Orleans address (<c>IP:PORT@GENERATION</c>).</param>
/// <param name="Done">Items it finished.</param>
/// <param name="Failed">Items that failed on it.</param>
/// <param name="Leased">Items it holds now.</param>
/// <param name="Status">Its membership status (<c>active</c>, <c>dead</c>, …), null when it has left the membership table.</param>
/// <param name="HostName">Its host.</param>
public sealed record SiloProgress(string Silo, int Done, int Failed, int Leased, string? Status, string? HostName);

/// <summary>One failed item.</summary>
/// <param name="Item">The item (ingest: the evidence id).</param>
/// <param name="RelPath">The evidence file's path in its exhibit (ingest).</param>
/// <param name="Reason">What went wrong.</param>
public sealed record RunFailure(long Item, string? RelPath, string Reason);

/// <summary>
/// Reads cluster runs from the case's PostgreSQL (schema <c>harrier_cluster</c>, docs/cluster.md), for every host that
/// shows them: <c>harrier cluster status</c>, the cluster's own grains, the workbench. Only reads: a case whose
/// cluster schema does not exist has no run (nothing is created).
/// </summary>
public static class ClusterRuns
{
    /// <summary>The schema of the cluster's tables.</summary>
    public const string Schema = "harrier_cluster";

    private const string S = Schema;

    /// <summary>The runs of the case <paramref name="store"/>, newest first (empty on SQLite or when no run was ever made).</summary>
    public static async Task<IReadOnlyList<RunStatus>> ListAsync(CaseStore store, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Database.Kind != CaseDatabaseKind.PostgreSql)
        {
            return [];
        }

        await using var connection = new NpgsqlConnection(store.Database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var list = new List<RunStatus>();
        foreach (var runId in await RunIdsAsync(connection, limit, cancellationToken))
        {
            if (await StatusAsync(connection, runId, cancellationToken) is { } status)
            {
                list.Add(status);
            }
        }

        return list;
    }

    /// <summary>The ids of the newest <paramref name="limit"/> runs, newest first (none when the schema is missing).</summary>
    public static async Task<IReadOnlyList<string>> RunIdsAsync(NpgsqlConnection connection, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!await SchemaExistsAsync(connection, cancellationToken))
        {
            return [];
        }

        await using var cmd = new NpgsqlCommand($"SELECT run_id FROM {S}.runs ORDER BY created DESC, run_id LIMIT @n", connection);
        cmd.Parameters.AddWithValue("n", limit);
        var ids = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>Whether the cluster's tables exist in the database (a silo or a run created them).</summary>
    public static async Task<bool> SchemaExistsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var cmd = new NpgsqlCommand($"SELECT to_regclass('{S}.work') IS NOT NULL AND to_regclass('{S}.OrleansMembershipTable') IS NOT NULL", connection);
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// The run's true state, read from the table in one snapshot: counts by state, per silo (with its membership status),
    /// the rate since the run was created (server clock), and every failure with its reason (ingest: with the evidence
    /// file's path). Null when there is no such run or no cluster schema.
    /// </summary>
    public static async Task<RunStatus?> StatusAsync(NpgsqlConnection connection, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!await SchemaExistsAsync(connection, cancellationToken))
        {
            return null;
        }

        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        RunStatus status;
        await using (var cmd = new NpgsqlCommand($"""
            SELECT r.exhibit_id, r.kind, r.files,
                   COUNT(*) FILTER (WHERE w.state = 'pending'), COUNT(*) FILTER (WHERE w.state = 'leased'),
                   COUNT(*) FILTER (WHERE w.state = 'done'), COUNT(*) FILTER (WHERE w.state = 'failed'),
                   COUNT(*) FILTER (WHERE w.attempts > 1),
                   EXTRACT(EPOCH FROM (COALESCE(MAX(w.done_at), r.created) - r.created))::float8,
                   EXTRACT(EPOCH FROM (clock_timestamp() - r.created))::float8
            FROM {S}.runs r LEFT JOIN {S}.work w ON w.run_id = r.run_id
            WHERE r.run_id = @r GROUP BY r.run_id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("r", runId);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            status = new RunStatus(runId, reader.GetString(1), reader.GetString(0), reader.GetInt32(2),
                (int)reader.GetInt64(3), (int)reader.GetInt64(4), (int)reader.GetInt64(5), (int)reader.GetInt64(6))
            {
                Retried = (int)reader.GetInt64(7),
                ActiveSeconds = reader.GetDouble(8),
                AgeSeconds = reader.GetDouble(9),
            };
        }

        var silos = new List<SiloProgress>();
        await using (var cmd = new NpgsqlCommand($"""
            SELECT g.silo, g.done, g.failed, g.leased, m.Status, m.HostName
            FROM (SELECT COALESCE(w.done_by, w.leased_by) AS silo,
                         COUNT(*) FILTER (WHERE w.state = 'done') AS done, COUNT(*) FILTER (WHERE w.state = 'failed') AS failed,
                         COUNT(*) FILTER (WHERE w.state = 'leased') AS leased
                  FROM {S}.work w WHERE w.run_id = @r AND w.state <> 'pending' GROUP BY 1) g
            LEFT JOIN {S}.OrleansMembershipTable m ON m.Address || ':' || m.Port || '@' || m.Generation = g.silo
            WHERE g.silo IS NOT NULL ORDER BY g.silo
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("r", runId);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                silos.Add(new SiloProgress(reader.GetString(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : SiloStates.Name(reader.GetInt32(4)), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        var failures = new List<RunFailure>();
        await using (var cmd = new NpgsqlCommand($"""
            SELECT w.item, e.rel_path, w.error FROM {S}.work w LEFT JOIN evidence_files e ON e.id = w.item AND @k IN ('ingest', 'hypotheses')
            WHERE w.run_id = @r AND w.error IS NOT NULL ORDER BY w.item
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("r", runId);
            cmd.Parameters.AddWithValue("k", status.Kind);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                failures.Add(new RunFailure(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
            }
        }

        await tx.CommitAsync(cancellationToken);
        return status with { Silos = silos, Failures = failures };
    }

    /// <summary>Orleans' membership status numbers as words.</summary>
    private static class SiloStates
    {
        public static string Name(int status) => status switch
        {
            1 => "created",
            2 => "joining",
            3 => "active",
            4 => "shutting_down",
            5 => "stopping",
            6 => "dead",
            _ => "none",
        };
    }
}
