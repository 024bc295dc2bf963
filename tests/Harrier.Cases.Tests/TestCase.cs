using Harrier.Testing;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Harrier.Cases.Tests;

/// <summary>
/// A throw-away case on one backend: a temp folder, and for PostgreSQL a fresh database on the server that
/// ./test.sh started (HARRIER_TEST_PG). Dropped again on dispose.
/// </summary>
public sealed class TestCase : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly string? _adminConnection;
    private readonly string? _database;

    private TestCase(string backend, string root, string? adminConnection, string? database, string? connectionString)
    {
        Backend = backend;
        Root = root;
        _adminConnection = adminConnection;
        _database = database;
        ConnectionString = connectionString;
    }

    public string Backend { get; }

    public string Root { get; }

    public string CaseDir => Path.Combine(Root, "case");

    public string EvidenceDir => Path.Combine(Root, "evidence");

    public string? ConnectionString { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 12, 6, 0, 0, TimeSpan.Zero));

    /// <summary>Both backends, always: a PostgreSQL case without a server fails saying what to run (<see cref="TestPostgres"/>).</summary>
    public static TheoryData<string> Backends() => new() { Sqlite, Postgres };

    public static async Task<TestCase> CreateAsync(string backend)
    {
        var root = Directory.CreateTempSubdirectory("harrier-case-test-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "evidence"));
        if (backend == Sqlite)
        {
            return new TestCase(backend, root, null, null, null);
        }

        var admin = TestPostgres.AdminConnection;
        var database = "harrier_test_" + Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {database}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false }.ConnectionString;
        return new TestCase(backend, root, admin, database, cs);
    }

    public Task<CaseStore> InitAsync(string name = "Operation Test") =>
        CaseStore.CreateAsync(CaseDir, name, ConnectionString, "tester", Time, CancellationToken.None);

    public Task<CaseStore> OpenAsync() => CaseStore.OpenAsync(CaseDir, ConnectionString, Time, CancellationToken.None);

    /// <summary>Writes a file under the evidence folder and returns its full path.</summary>
    public string WriteEvidence(string relPath, byte[] content)
    {
        var path = Path.Combine(EvidenceDir, relPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminConnection is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(_adminConnection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A name that is not UTF-8 (RawNames) cannot be deleted by its decoded name; rm takes it as bytes. A temp
            // folder left behind otherwise is harmless.
            RawNames.DeleteTree(Root);
        }
    }
}
