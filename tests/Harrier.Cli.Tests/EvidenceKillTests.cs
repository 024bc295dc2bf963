using Harrier.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Harrier.Cases;
using Npgsql;
using Xunit.Abstractions;

namespace Harrier.Cli.Tests;

/// <summary>
/// <c>evidence add</c> as a real child process, killed with SIGKILL at random moments and run again: every file
/// must end up recorded exactly once with correct digests.
/// </summary>
public sealed class EvidenceKillTests(ITestOutputHelper output) : IDisposable
{
    private const int FileCount = 3000;
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-kill-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Both backends, always: the PostgreSQL case without a server fails saying what to run (<see cref="TestPostgres"/>).</summary>
    public static TheoryData<string> Backends() => new() { "sqlite", "postgres" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Killed_runs_resume_and_record_every_file_exactly_once(string backend)
    {
        var evidence = Path.Combine(_root, "evidence");
        var random = new Random(backend.Length * 7919);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < FileCount; i++)
        {
            var rel = string.Create(CultureInfo.InvariantCulture, $"d{i % 17:D2}/s{i % 5}/file{i:D5}.bin");
            var bytes = new byte[random.Next(0, 48_000)];
            random.NextBytes(bytes);
            var path = Path.Combine(evidence, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, bytes);
            expected[rel] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        }

        var caseDir = Path.Combine(_root, "case");
        var db = backend == "postgres" ? await CreateDatabaseAsync() : null;
        var common = db is null ? new[] { "--case", caseDir } : ["--case", caseDir, "--db", db];
        Assert.Equal(0, (await CliRunner.RunChildAsync(["case", "init", caseDir, "--name", "kill test", .. common[2..]])).ExitCode);

        // Kill points, in files hashed by the child before the kill: at start-up, early, mid-run and late.
        int[] killAfter = [0, random.Next(1, 200), random.Next(200, 1500), random.Next(1500, 2500), random.Next(2500, FileCount - 50)];
        var kills = 0;
        foreach (var threshold in killAfter)
        {
            var killed = await RunAndKillAsync(["evidence", "add", evidence, "--exhibit", "EX-K", "--progress", "lines", .. common], threshold);
            kills += killed ? 1 : 0;
            output.WriteLine($"kill after {threshold} hashed: {(killed ? "killed" : "finished first")}");
        }

        Assert.True(kills >= 3, $"only {kills} of {killAfter.Length} runs were killed before finishing");
        var final = await CliRunner.RunChildAsync(["evidence", "add", evidence, "--exhibit", "EX-K", "--json", .. common]);
        Assert.Equal(0, final.ExitCode);

        var store = await CaseStore.OpenAsync(caseDir, db, TimeProvider.System, CancellationToken.None);
        var files = await store.Evidence.ListAsync("EX-K", CancellationToken.None);
        Assert.Equal(FileCount, files.Count);
        Assert.Equal(FileCount, files.Select(f => f.RelPath).Distinct().Count());
        foreach (var f in files)
        {
            Assert.Equal(EvidenceStatus.Ok, f.Status);
            Assert.Equal(expected[f.RelPath], f.Sha256);
        }

        var audit = await CliRunner.RunChildAsync(["audit", "verify", .. common]);
        Assert.Equal(0, audit.ExitCode);
    }

    /// <summary>Starts the child and SIGKILLs it once it reports <paramref name="threshold"/> files hashed. True if killed.</summary>
    private static async Task<bool> RunAndKillAsync(string[] args, int threshold)
    {
        using var p = Process.Start(CliRunner.ChildStartInfo(args))!;
        p.StandardInput.Close();
        _ = p.StandardOutput.ReadToEndAsync();
        string? line;
        while ((line = await p.StandardError.ReadLineAsync()) is not null)
        {
            var parts = line.Split(' ');
            if (parts is ["progress", "hash", var done, _] && int.Parse(done, CultureInfo.InvariantCulture) >= threshold)
            {
                break;
            }

            if (threshold == 0 && parts is ["progress", "scan", ..])
            {
                break;
            }
        }

        if (line is null)
        {
            await p.WaitForExitAsync();
            return false;
        }

        p.Kill(entireProcessTree: true); // SIGKILL on Unix
        await p.WaitForExitAsync();
        return true;
    }

    private static async Task<string> CreateDatabaseAsync()
    {
        var admin = TestPostgres.AdminConnection;
        var name = "harrier_kill_" + Guid.NewGuid().ToString("N");
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }
}
