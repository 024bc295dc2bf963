using Harrier.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Harrier.Cases;
using Npgsql;
using Xunit.Abstractions;

namespace Harrier.Cli.Tests;

/// <summary>
/// <c>evidence add</c> as a real child process, killed with SIGKILL at random points of its work and run again: every
/// file must end up recorded exactly once with correct digests. The kill comes from inside the child
/// (<see cref="StartupHook"/>), at a chosen count of files hashed, so that every kill happens whatever the machine's load.
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

        // Kill points, in files hashed by this run's child before it is killed: at start-up, early, mid-run and late.
        // A run hashes only what earlier runs did not record, and records at most what it hashed, so with these points
        // (together under 2,900 of 3,000) every run still has files left to hash when its kill point comes.
        int[] killAfter = [0, random.Next(1, 200), random.Next(200, 800), random.Next(800, 1400), random.Next(1, 500)];
        foreach (var threshold in killAfter)
        {
            var (code, err) = await RunKilledAsync(["evidence", "add", evidence, "--exhibit", "EX-K", "--progress", "lines", .. common], threshold);
            var lastHash = err.Split('\n').LastOrDefault(l => l.StartsWith("progress hash ", StringComparison.Ordinal)) ?? "(none)";
            output.WriteLine($"kill after {threshold} hashed: exit {code}, last progress line {lastHash}");
            Assert.True(code == SigKillExit, $"the run to be killed after {threshold} hashed files ended with exit {code}, not by SIGKILL:\n{err}");
        }

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

    /// <summary>How a process killed by SIGKILL ends, as .NET reports it (128 + 9).</summary>
    internal const int SigKillExit = 137;

    /// <summary>
    /// Runs the child with <see cref="StartupHook"/> loaded, which SIGKILLs it from inside once it reports
    /// <paramref name="threshold"/> files hashed. Returns its exit code and standard error.
    /// </summary>
    internal static async Task<(int Code, string Err)> RunKilledAsync(string[] args, int threshold)
    {
        var psi = CliRunner.ChildStartInfo(args);
        psi.Environment["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
        psi.Environment[StartupHook.ThresholdVariable] = threshold.ToString(CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        await outTask;
        return (p.ExitCode, await errTask);
    }

    internal static async Task<string> CreateDatabaseAsync()
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
