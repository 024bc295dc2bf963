using System.Text.Json;
using Harrier.Operations.Platform;
using Harrier.Operations.Tests;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier platform import|mapping</c>: the JSON result and the exit codes (0 imported, 1 rows rejected, 2 refused).</summary>
public sealed class PlatformCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-platform-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private async Task<string> MappingAsync(string text)
    {
        var path = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(path, text);
        return path;
    }

    [Fact]
    public async Task Import_writes_its_result_as_json_and_exits_0_then_refuses_the_same_source_with_2()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Platform CLI")).ExitCode);
        var source = OtherPlatform.Write(Path.Combine(_root, "other.sqlite"));
        var mapping = await MappingAsync(OtherPlatform.Mapping);

        var r = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var root = doc.RootElement;
            Assert.Equal(1, root.GetProperty("importId").GetInt64());
            Assert.Equal("sqlite", root.GetProperty("sourceKind").GetString());
            Assert.Equal(PlatformMappingFormat.Sha256(PlatformMappingFormat.Parse(OtherPlatform.Mapping)), root.GetProperty("mappingSha256").GetString());
            Assert.Equal(3, root.GetProperty("counts").GetProperty("accounts").GetInt64());
            Assert.Equal(2, root.GetProperty("counts").GetProperty("payments").GetInt64());
            Assert.Equal(0, root.GetProperty("rejectedRows").GetInt64());
            Assert.Equal(0, root.GetProperty("rejected").GetArrayLength());
        }

        var again = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already imported", again.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, again.Out);
    }

    [Fact]
    public async Task Rejected_rows_exit_1_with_each_listed_and_a_mapping_that_does_not_fit_exits_2()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Platform CLI")).ExitCode);
        var bad = OtherPlatform.Write(Path.Combine(_root, "bad.sqlite"), bad: true);

        var wrong = await MappingAsync(OtherPlatform.Mapping.Replace("ip: remote_addr", "ip: client_ip", StringComparison.Ordinal));
        var refused = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + bad, "--mapping", wrong, "--case", CaseDir, "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("table 'sessions' has no column 'client_ip'", refused.Err, StringComparison.Ordinal);
        Assert.Equal(string.Empty, refused.Out);

        var r = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + bad, "--mapping", await MappingAsync(OtherPlatform.Mapping), "--case", CaseDir, "--json");
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(3, doc.RootElement.GetProperty("rejectedRows").GetInt64());
        var first = doc.RootElement.GetProperty("rejected")[0];
        Assert.Equal(("sessions", "sid=3", "time"), (first.GetProperty("table").GetString(), first.GetProperty("row").GetString(), first.GetProperty("field").GetString()));

        // The same rows as text, into another case (a source is imported once per case: the same bytes are the same source).
        var other = Path.Combine(_root, "case2");
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", other, "--name", "Platform CLI 2")).ExitCode);
        var text = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + bad, "--mapping", await MappingAsync(OtherPlatform.Mapping), "--case", other);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("rejected: wallet_deposits dep_id=2: amount: 'lots' is not an amount", text.Out, StringComparison.Ordinal);

        Assert.Equal(2, (await CliRunner.RunAsync("platform", "import", "--from", "mysql:x", "--case", CaseDir)).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("platform", "import", "--from", "dump:" + bad, "--case", CaseDir)).ExitCode); // no scratch server named
    }

    [Fact]
    public async Task Mapping_prints_the_default_in_canonical_form_and_checks_a_file()
    {
        var r = await CliRunner.RunAsync("platform", "mapping", "--default");
        Assert.Equal(0, r.ExitCode);
        var printed = PlatformMappingFormat.Parse(r.Out);
        Assert.Equal(PlatformMappingFormat.Write(PlatformMapping.Default), PlatformMappingFormat.Write(printed));
        Assert.Contains("# sha256 " + PlatformMappingFormat.Sha256(PlatformMapping.Default), r.Out, StringComparison.Ordinal);

        var json = await CliRunner.RunAsync("platform", "mapping", await MappingAsync(OtherPlatform.Mapping), "--json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(PlatformMappingFormat.Sha256(PlatformMappingFormat.Parse(OtherPlatform.Mapping)), doc.RootElement.GetProperty("sha256").GetString());

        Assert.Equal(2, (await CliRunner.RunAsync("platform", "mapping", await MappingAsync("logins:\n  table: t\n"))).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("platform", "mapping")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("platform", "import", "--help")).ExitCode);
    }
}
