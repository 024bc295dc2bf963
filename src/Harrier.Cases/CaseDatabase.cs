using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Harrier.Cases;

/// <summary>
/// The one place where SQLite and PostgreSQL differ: how to connect, a few DDL spellings, and how to take the
/// case-wide write lock. Everything else is the same SQL with @-parameters on both.
/// </summary>
public sealed class CaseDatabase
{
    private CaseDatabase(CaseDatabaseKind kind, string connectionString, string display)
    {
        Kind = kind;
        ConnectionString = connectionString;
        Display = display;
    }

    /// <summary>The database server kind.</summary>
    public CaseDatabaseKind Kind { get; }

    /// <summary>The connection string used to open connections.</summary>
    public string ConnectionString { get; }

    /// <summary>A description safe to print and store: no password.</summary>
    public string Display { get; }

    /// <summary>The SQLite file <c>case.db</c> in <paramref name="caseDir"/>.</summary>
    public static CaseDatabase Sqlite(string caseDir)
    {
        var path = Path.Combine(caseDir, CaseFolder.DatabaseFileName);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        return new CaseDatabase(CaseDatabaseKind.Sqlite, cs, "sqlite:" + CaseFolder.DatabaseFileName);
    }

    /// <summary>A PostgreSQL database (one case per database). The password may come from PGPASSWORD.</summary>
    public static CaseDatabase PostgreSql(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CaseStoreException($"not a PostgreSQL connection string: {e.Message}", e);
        }

        var display = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Password = null };
        return new CaseDatabase(CaseDatabaseKind.PostgreSql, builder.ConnectionString, display.ConnectionString);
    }

    /// <summary>Opens a new connection.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Kind == CaseDatabaseKind.Sqlite
            ? new SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (Kind == CaseDatabaseKind.Sqlite)
            {
                // WAL: readers (verify, info) never block the writer; NORMAL sync is durable at each checkpoint
                // and never corrupts on power loss in WAL mode; a busy timeout lets two harrier processes queue.
                await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;", cancellationToken);
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException)
        {
            await connection.DisposeAsync();
            throw new CaseStoreException($"cannot open the case database ({Display}): {e.Message}", e);
        }

        return connection;
    }

    /// <summary>
    /// Begins a write transaction that holds the case-wide write lock, so audit sequence numbers and
    /// evidence rows are assigned by one writer at a time.
    /// </summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // SQLite: Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE (deferred: false), which takes the write lock.
        var tx = await connection.BeginTransactionAsync(cancellationToken);
        if (Kind == CaseDatabaseKind.PostgreSql)
        {
            await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(7260104203)", cancellationToken);
        }

        return tx;
    }

    /// <summary>
    /// Begins a read-only snapshot: every query in it sees the same moment, and it takes no write lock (SQLite: a deferred
    /// transaction; PostgreSQL: repeatable read). Roll it back when done.
    /// </summary>
    public async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Kind == CaseDatabaseKind.Sqlite && connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>Primary-key column definition for a surrogate id.</summary>
    internal string IdentityColumn => Kind == CaseDatabaseKind.Sqlite
        ? "INTEGER PRIMARY KEY AUTOINCREMENT"
        : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    internal static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(connection, tx, sql, parameters);
        var value = await cmd.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    internal static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql,
        params (string Name, object? Value)[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
#pragma warning disable CA2100 // SQL text is ours; values always travel as parameters.
        cmd.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }
}
