using Harrier.Operations.Cluster;
using Npgsql;
using NpgsqlTypes;

namespace Harrier.Cluster;

/// <summary>One unit of leased work: an item of a run (for ingest, an evidence file's row id).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Item">The item (ingest: the evidence id).</param>
/// <param name="Attempts">How many times it has been leased, this lease included.</param>
/// <param name="Token">This lease; a completion with another token (a lease that expired and was taken again) is refused.</param>
internal sealed record WorkItem(string RunId, long Item, int Attempts, Guid Token);

/// <summary>What a worker did with one <see cref="WorkItem"/>.</summary>
/// <param name="Item">The item.</param>
/// <param name="Failed">Whether it failed (its row records the reason; a failed ingest of an unreadable file is still a result).</param>
/// <param name="Outcome">What it turned out to be (ingest: the media kind, "ingested" or "already").</param>
/// <param name="Error">Why it failed or why the file is unreadable.</param>
internal sealed record WorkOutcome(WorkItem Item, bool Failed, string? Outcome, string? Error);

/// <summary>
/// The cluster's work table in the case's PostgreSQL (<see cref="ClusterSchema"/>): a run's items are rows; a silo leases
/// pending rows with <c>FOR UPDATE SKIP LOCKED</c> (two silos never take the same row), for a lease time it renews while
/// it works; a row whose lease ran out, or whose silo Orleans declared dead, is pending again and is taken by another
/// silo; a completion counts only with its lease's token. Every time here is the database server's clock, the one clock
/// all silos share.
/// </summary>
internal sealed class WorkQueue(string connectionString) : IDisposable
{
    private const string S = ClusterSchema.Schema;

    /// <summary>Items leased this many times without a result are failed with the reason instead of being leased again.</summary>
    public const int MaxAttempts = 3;

    // Pooled whatever the case's connection string says (tests and single commands run unpooled): a silo claims and
    // completes many times a second, and a new server connection per statement would be most of the scheduler's cost.
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true, MaxPoolSize = 32 }.ConnectionString);

    public string ConnectionString { get; } = connectionString;

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => await _source.OpenConnectionAsync(cancellationToken);

    public void Dispose() => _source.Dispose();

    /// <summary>Creates a run with <paramref name="items"/> unless it exists; returns whether this call created it.</summary>
    public async Task<bool> CreateRunAsync(RunSpec spec, IReadOnlyList<long> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        await using var connection = await OpenAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand($"""
            INSERT INTO {S}.runs (run_id, kind, exhibit_id, actor, justification, thumbnails, files)
            VALUES (@r, @k, @x, @a, @j, @t, @n) ON CONFLICT (run_id) DO NOTHING
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("r", spec.RunId);
            cmd.Parameters.AddWithValue("k", spec.Kind);
            cmd.Parameters.AddWithValue("x", spec.ExhibitId);
            cmd.Parameters.AddWithValue("a", spec.Actor);
            cmd.Parameters.AddWithValue("j", (object?)spec.Justification ?? DBNull.Value);
            cmd.Parameters.AddWithValue("t", spec.Thumbnails);
            cmd.Parameters.AddWithValue("n", items.Count);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using (var cmd = new NpgsqlCommand($"INSERT INTO {S}.work (run_id, item) SELECT @r, unnest(@i) ON CONFLICT DO NOTHING", connection, tx))
        {
            cmd.Parameters.AddWithValue("r", spec.RunId);
            cmd.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = items.ToArray() });
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The run with id <paramref name="runId"/>, or null.</summary>
    public async Task<RunSpec?> FindRunAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"SELECT run_id, kind, exhibit_id, actor, justification, thumbnails FROM {S}.runs WHERE run_id = @r", connection);
        cmd.Parameters.AddWithValue("r", runId);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RunSpec(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5))
            : null;
    }

    /// <summary>The newest run (of <paramref name="exhibitId"/> when given) that still has open items, or null.</summary>
    public async Task<string?> OpenRunAsync(string? exhibitId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"""
            SELECT r.run_id FROM {S}.runs r
            WHERE (@x::text IS NULL OR r.exhibit_id = @x)
              AND EXISTS (SELECT 1 FROM {S}.work w WHERE w.run_id = r.run_id AND w.state IN ('pending', 'leased'))
            ORDER BY r.created DESC LIMIT 1
            """, connection);
        cmd.Parameters.Add(new NpgsqlParameter("x", NpgsqlDbType.Text) { Value = (object?)exhibitId ?? DBNull.Value });
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The newest run, or null when there is none.</summary>
    public async Task<string?> LatestRunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ClusterRuns.RunIdsAsync(connection, 1, cancellationToken) is [var newest, ..] ? newest : null;
    }

    /// <summary>
    /// Leases up to <paramref name="count"/> items for <paramref name="silo"/>: pending ones, and leased ones whose lease ran
    /// out (their silo stopped renewing), oldest run first. Rows another silo is leasing at this moment are skipped, not waited for.
    /// </summary>
    public async Task<IReadOnlyList<WorkItem>> ClaimAsync(string silo, int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE {S}.work w SET state = 'leased', leased_by = @s, lease_token = gen_random_uuid(),
                lease_until = clock_timestamp() + @l, attempts = w.attempts + 1
            FROM (SELECT run_id, item FROM {S}.work
                  WHERE state = 'pending' OR (state = 'leased' AND lease_until < clock_timestamp())
                  ORDER BY run_id, item LIMIT @n FOR UPDATE SKIP LOCKED) c
            WHERE w.run_id = c.run_id AND w.item = c.item
            RETURNING w.run_id, w.item, w.attempts, w.lease_token
            """, connection);
        cmd.Parameters.AddWithValue("s", silo);
        cmd.Parameters.AddWithValue("l", lease);
        cmd.Parameters.AddWithValue("n", count);
        var items = new List<WorkItem>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new WorkItem(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetGuid(3)));
        }

        return items;
    }

    /// <summary>Records <paramref name="outcomes"/> (one statement); returns how many counted (their lease was still theirs).</summary>
    public async Task<int> CompleteAsync(string silo, IReadOnlyList<WorkOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return 0;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"""
            UPDATE {S}.work w SET state = o.state, done_by = @s, done_at = clock_timestamp(), outcome = o.outcome, error = o.error,
                lease_token = NULL, lease_until = NULL
            FROM unnest(@r, @i, @t, @st, @o, @e) AS o(run_id, item, token, state, outcome, error)
            WHERE w.run_id = o.run_id AND w.item = o.item AND w.state = 'leased' AND w.lease_token = o.token
            """, connection);
        cmd.Parameters.AddWithValue("s", silo);
        cmd.Parameters.Add(new NpgsqlParameter("r", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => o.Item.RunId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("i", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = outcomes.Select(o => o.Item.Item).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = outcomes.Select(o => o.Item.Token).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("st", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => o.Failed ? "failed" : "done").ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("o", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => (object?)o.Outcome ?? DBNull.Value).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => (object?)o.Error ?? DBNull.Value).ToArray() });
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Extends every lease <paramref name="silo"/> holds by <paramref name="lease"/> from now.</summary>
    public async Task RenewAsync(string silo, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"UPDATE {S}.work SET lease_until = clock_timestamp() + @l WHERE state = 'leased' AND leased_by = @s", connection);
        cmd.Parameters.AddWithValue("s", silo);
        cmd.Parameters.AddWithValue("l", lease);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Makes every item leased by <paramref name="silo"/> (declared dead) pending again; returns how many.</summary>
    public async Task<int> ReleaseAsync(string silo, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand($"UPDATE {S}.work SET state = 'pending', lease_token = NULL, lease_until = NULL WHERE state = 'leased' AND leased_by = @s", connection);
        cmd.Parameters.AddWithValue("s", silo);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The run's true state, read from the table (<see cref="ClusterRuns.StatusAsync"/>); null when there is no such run.</summary>
    public async Task<RunStatus?> StatusAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ClusterRuns.StatusAsync(connection, runId, cancellationToken);
    }
}
