using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Npgsql;

namespace Harrier.Cli.Tests;

/// <summary>
/// One writer at a time through the <c>harrier</c> command (issue 20.6): a command that writes is refused at once with exit 2
/// naming the holder, commands that read run meanwhile, the lock goes when its command ends, and a writer killed with
/// SIGKILL leaves nothing that blocks the next one. The refused writer and the killed one are real child processes.
/// </summary>
public sealed class CaseLockCommandTests : IDisposable
{
    private static readonly JsonSerializerOptions CamelCase = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _root = Directory.CreateTempSubdirectory("harrier-lock-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private string EvidenceDir => Path.Combine(_root, "evidence");

    [Theory]
    [MemberData(nameof(EvidenceKillTests.Backends), MemberType = typeof(EvidenceKillTests))]
    public async Task A_second_writer_is_refused_with_exit_2_naming_the_holder_while_readers_run(string backend)
    {
        var (common, db) = await InitAsync(backend);
        var store = await CaseStore.OpenAsync(CaseDir, db, TimeProvider.System, CancellationToken.None);
        var alice = new CaseWriter(4711, "ws-12", "alice", "ingest media", "2026-12-05T06:30:00.0000000Z");
        const string Named = "'ingest media' by alice (pid 4711 on ws-12) since 2026-12-05T06:30:00.0000000Z";
        await using (await store.LockForWritingAsync(alice, CancellationToken.None))
        {
            // Another process that would write: refused at once, naming the holder, having done nothing.
            var refused = await CliRunner.RunChildAsync(["evidence", "add", EvidenceDir, "--exhibit", "EX-1", .. common]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(Named, refused.Err, StringComparison.Ordinal);
            Assert.Contains("one writer at a time", refused.Err, StringComparison.Ordinal);
            Assert.Empty(refused.Out);

            var triage = await CliRunner.RunAsync(["triage", .. common]);
            Assert.Equal(2, triage.ExitCode);
            Assert.Contains(Named, triage.Err, StringComparison.Ordinal);

            // Commands that only read run meanwhile, and see that nothing was registered.
            var info = await CliRunner.RunAsync(["case", "info", "--json", .. common]);
            Assert.Equal(0, info.ExitCode);
            using (var doc = JsonDocument.Parse(info.Out))
            {
                Assert.Equal(0, doc.RootElement.GetProperty("summary").GetProperty("files").GetInt64());
            }

            var list = await CliRunner.RunAsync(["evidence", "list", .. common]);
            Assert.Equal(0, list.ExitCode);
            Assert.Equal(0, (await CliRunner.RunAsync(["audit", "verify", .. common])).ExitCode);
        }

        // Released: the writer runs, and each command gives the lock back when it ends, so the next one runs too.
        var first = await CliRunner.RunAsync(["evidence", "add", EvidenceDir, "--exhibit", "EX-1", .. common]);
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("3 found, 3 newly recorded, 0 already recorded", first.Out, StringComparison.Ordinal);
        var second = await CliRunner.RunAsync(["evidence", "add", EvidenceDir, "--exhibit", "EX-1", .. common]);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("3 found, 0 newly recorded, 3 already recorded", second.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await CliRunner.RunAsync(["audit", "verify", .. common])).ExitCode);
    }

    [Theory]
    [MemberData(nameof(EvidenceKillTests.Backends), MemberType = typeof(EvidenceKillTests))]
    public async Task A_writer_killed_while_holding_the_lock_does_not_block_the_next(string backend)
    {
        var (common, db) = await InitAsync(backend);

        // Killed with SIGKILL from inside once it has scanned: it holds the lock by then (taken when the case is opened).
        var (code, err) = await EvidenceKillTests.RunKilledAsync(["evidence", "add", EvidenceDir, "--exhibit", "EX-1", "--progress", "lines", .. common], 0);
        Assert.True(code == EvidenceKillTests.SigKillExit, $"exit {code}, not SIGKILL:\n{err}");

        if (db is null)
        {
            // What it left behind: the lock file and its name in case.writer, stale now that its process is gone.
            Assert.True(File.Exists(Path.Combine(CaseDir, CaseFolder.LockFileName)));
            var writer = JsonSerializer.Deserialize<CaseWriter>(File.ReadAllText(Path.Combine(CaseDir, CaseFolder.WriterFileName)),
                CamelCase);
            Assert.NotNull(writer);
            Assert.Equal("evidence add", writer.Command);
            Assert.NotEqual(Environment.ProcessId, writer.ProcessId);
        }
        else
        {
            await AwaitSessionsGoneAsync(db);
        }

        var next = await CliRunner.RunAsync(["evidence", "add", EvidenceDir, "--exhibit", "EX-1", .. common]);
        Assert.True(next.ExitCode == 0, next.Err);
        Assert.Contains("3 found, 3 newly recorded, 0 already recorded", next.Out, StringComparison.Ordinal);
        if (db is null)
        {
            Assert.False(File.Exists(Path.Combine(CaseDir, CaseFolder.WriterFileName))); // removed when the lock was given back
        }
    }

    private async Task<(string[] Common, string? Db)> InitAsync(string backend)
    {
        Directory.CreateDirectory(EvidenceDir);
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(EvidenceDir, string.Create(CultureInfo.InvariantCulture, $"f{i}.txt")), "file " + i);
        }

        var db = backend == "postgres" ? await EvidenceKillTests.CreateDatabaseAsync() : null;
        string[] common = db is null ? ["--case", CaseDir] : ["--case", CaseDir, "--db", db];
        var init = await CliRunner.RunAsync(["case", "init", CaseDir, "--name", "lock test", .. common[2..]]);
        Assert.True(init.ExitCode == 0, init.Err);
        return (common, db);
    }

    /// <summary>
    /// The server ends a killed client's session when it reads the closed socket, a moment after the client's exit is
    /// seen here; waits (by asking the server, a bounded number of times) until no session of another client is left.
    /// </summary>
    private static async Task AwaitSessionsGoneAsync(string db)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", conn);
        for (var i = 0; i < 10_000; i++)
        {
            if ((long)(await cmd.ExecuteScalarAsync())! == 0)
            {
                return;
            }
        }

        Assert.Fail("the killed writer's session was still there after 10,000 looks");
    }
}
