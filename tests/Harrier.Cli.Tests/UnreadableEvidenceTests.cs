using System.Text.Json;

namespace Harrier.Cli.Tests;

/// <summary>
/// A file the process may not read is recorded with the reason and the run goes on. The child runs as an
/// unprivileged user (setpriv) when the tests run as root, because root reads every file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnreadableEvidenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-perm-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Permission_denied_is_recorded_with_the_reason_and_the_rest_is_registered()
    {
        var asUser = Environment.UserName == "root" ? "65534" : null;
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_111_111);
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        File.WriteAllText(Path.Combine(evidence, "a-readable.txt"), "fine");
        var secret = Path.Combine(evidence, "b-secret.txt");
        File.WriteAllText(secret, "no");
        File.SetUnixFileMode(secret, UnixFileMode.None);
        File.WriteAllText(Path.Combine(evidence, "c-readable.txt"), "fine too");
        var caseDir = Path.Combine(_root, "case");
        Directory.CreateDirectory(caseDir);
        File.SetUnixFileMode(caseDir, (UnixFileMode)0b111_111_111);

        // The unprivileged child cannot reach this process's key store (HARRIER_KEYS, mode 0700): its key lies beside the case.
        var key = Path.Combine(_root, "case.key");
        Assert.Equal(0, (await CliRunner.RunChildAsync(["case", "init", caseDir, "--name", "perm", "--key", key], asUser)).ExitCode);
        var r = await CliRunner.RunChildAsync(["evidence", "add", evidence, "--exhibit", "EX-P", "--case", caseDir, "--key", key, "--json"], asUser);

        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("registered").GetInt32());
        var problem = Assert.Single(doc.RootElement.GetProperty("unreadable").EnumerateArray());
        Assert.Equal("b-secret.txt", problem.GetProperty("relPath").GetString());
        Assert.Contains("permission denied", problem.GetProperty("reason").GetString());

        var list = await CliRunner.RunChildAsync(["evidence", "list", "--case", caseDir, "--key", key], asUser);
        Assert.Contains("a-readable.txt", list.Out);
        Assert.Contains("c-readable.txt", list.Out);
        Assert.Contains("b-secret.txt\tunreadable", list.Out);
    }
}
