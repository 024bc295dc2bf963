using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Harrier.Operations.Platform;

/// <summary>
/// A seized platform's database, read-only: a SQLite file, or a PostgreSQL database (a live one, or the scratch one a
/// dump was loaded into). Knows its tables and columns and streams a table's rows, never holding a table in memory.
/// </summary>
internal sealed class PlatformSource : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private Dictionary<string, (string Name, Dictionary<string, string> Columns)>? _schema;

    private PlatformSource(DbConnection connection) => _connection = connection;

    /// <summary>Opens a SQLite file read-only.</summary>
    public static async Task<PlatformSource> OpenSqliteAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new OperationException($"no such SQLite file: {path}");
        }

        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var connection = new SqliteConnection(cs.ToString());
        await OpenAsync(connection, path, cancellationToken);
        var source = new PlatformSource(connection);
        try
        {
            await source.SchemaAsync(cancellationToken); // a file that is not SQLite fails here, not halfway
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }

        return source;
    }

    /// <summary>Opens a PostgreSQL database (read-only transaction).</summary>
    public static async Task<PlatformSource> OpenPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(Postgres(connectionString).ConnectionString);
        await OpenAsync(connection, Display(connectionString), cancellationToken);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        return new PlatformSource(connection);
    }

    /// <summary>A PostgreSQL connection string, checked (a usage error if it is not one).</summary>
    public static NpgsqlConnectionStringBuilder Postgres(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        }
        catch (ArgumentException e)
        {
            throw new OperationException($"not a PostgreSQL connection string: {e.Message}", e);
        }
    }

    /// <summary>A connection string as shown and recorded: no password.</summary>
    public static string Display(string connectionString) => new NpgsqlConnectionStringBuilder(Postgres(connectionString).ConnectionString) { Password = null }.ConnectionString;

    /// <summary>SHA-256 (lower-case hex) of a file.</summary>
    public static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(s, cancellationToken));
    }

    /// <summary>The real name of <paramref name="table"/> (matched without regard to case), or null.</summary>
    public async Task<string?> TableAsync(string table, CancellationToken cancellationToken) =>
        (await SchemaAsync(cancellationToken)).TryGetValue(table, out var t) ? t.Name : null;

    /// <summary>The real name of <paramref name="column"/> of <paramref name="table"/> (matched without regard to case), or null; after <see cref="TableAsync"/>.</summary>
    public string? Column(string table, string column) =>
        (_schema ?? throw new InvalidOperationException("the schema is read by TableAsync first")).TryGetValue(table, out var t)
        && t.Columns.TryGetValue(column, out var c) ? c : null;

    /// <summary>Streams <paramref name="columns"/> (real names) of <paramref name="table"/>, ordered by <paramref name="orderBy"/>.</summary>
    public async IAsyncEnumerable<object?[]> ReadAsync(string table, IReadOnlyList<string> columns, IReadOnlyList<string> orderBy,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var cmd = _connection.CreateCommand();
#pragma warning disable CA2100 // identifiers come from the source's own catalogue, quoted; no values in the text
        cmd.CommandText = $"SELECT {string.Join(", ", columns.Select(Quote))} FROM {Quote(table)}"
            + (orderBy.Count > 0 ? $" ORDER BY {string.Join(", ", orderBy.Select(Quote))}" : string.Empty);
#pragma warning restore CA2100
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return row;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task OpenAsync(DbConnection connection, string display, CancellationToken cancellationToken)
    {
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ArgumentException)
        {
            await connection.DisposeAsync();
            throw new OperationException($"cannot open the platform database ({display}): {e.Message}", e);
        }
    }

    private async Task<Dictionary<string, (string Name, Dictionary<string, string> Columns)>> SchemaAsync(CancellationToken cancellationToken)
    {
        if (_schema is not null)
        {
            return _schema;
        }

        var schema = new Dictionary<string, (string, Dictionary<string, string>)>(StringComparer.OrdinalIgnoreCase);
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = _connection is SqliteConnection
            ? "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid"
            : "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ANY (current_schemas(false)) ORDER BY table_name, ordinal_position";
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                if (!schema.TryGetValue(table, out var t))
                {
                    t = (table, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
                    schema[table] = t;
                }

                t.Item2.TryAdd(reader.GetString(1), reader.GetString(1));
            }
        }
        catch (DbException e)
        {
            throw new OperationException($"cannot read the platform database's tables: {e.Message}", e);
        }

        _schema = schema;
        return schema;
    }
}
