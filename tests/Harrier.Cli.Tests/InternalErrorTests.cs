namespace Harrier.Cli.Tests;

/// <summary>An exception nobody expected exits 3, apart from 1 (failures found) and 2 (usage or environment).</summary>
public sealed class InternalErrorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-internal-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task An_unexpected_exception_exits_3_with_one_line_and_no_stack_trace()
    {
        var caseDir = Path.Combine(_root, "case");
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", caseDir, "--name", "Op Broken")).ExitCode);
        Directory.CreateDirectory(Path.Combine(caseDir, "chain"));
        File.WriteAllText(Path.Combine(caseDir, "chain", "trace.json"), "{ this is not a trace");

        var r = await CliRunner.RunAsync("chain", "requests", "--out", Path.Combine(_root, "requests"), "--case", caseDir);

        Assert.Equal(3, r.ExitCode);
        Assert.StartsWith("harrier: internal error: ", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_names_the_exit_codes()
    {
        var r = await CliRunner.RunAsync("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("3 unexpected internal error", r.Out, StringComparison.Ordinal);
    }
}
