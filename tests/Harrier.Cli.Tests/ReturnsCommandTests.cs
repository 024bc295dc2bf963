using System.Text.Json;

namespace Harrier.Cli.Tests;

/// <summary>
/// <c>harrier returns import|list</c> as a child process: exit codes 0 (imported), 1 (a file rejected, each problem on
/// stderr), 2 (refused), and the warning without a trace.
/// </summary>
public sealed class ReturnsCommandTests : IDisposable
{
    private const string Txid = "aa00000000000000000000000000000000000000000000000000000000000001";
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-returns-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Import_exits_0_then_1_for_a_rejected_file_beside_an_imported_one_and_2_when_nothing_imports()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Returns CLI")).ExitCode);
        var good = Write("good.csv", $"customer_id,withdrawal_txid,withdrawal_vout\nC-1,{Txid},0\n");
        var bad = Write("bad.csv", $"exchange,customer_id,withdrawal_txid,withdrawal_vout\nx,C-1,{Txid},zero\n");

        var imported = await CliRunner.RunAsync("returns", "import", good, "--exchange", "nordcoin", "--case", CaseDir);
        Assert.True(imported.ExitCode == 0, imported.Err);
        Assert.Contains("returns import 1: good.csv (kyc, csv): 1 rows", imported.Out, StringComparison.Ordinal);
        Assert.Contains("no trace", imported.Err, StringComparison.Ordinal); // the warning: nothing could be tied

        // The bad file alone: nothing imports, the case is unchanged: exit 2.
        var rejected = await CliRunner.RunAsync("returns", "import", bad, "--case", CaseDir);
        Assert.Equal(2, rejected.ExitCode);
        Assert.Contains("rejected: bad.csv", rejected.Out, StringComparison.Ordinal);
        Assert.Contains($"harrier: {bad} line 2: withdrawal_vout: 'zero' is not an output index", rejected.Err, StringComparison.Ordinal);

        // Beside a good file: the good one imports, the bad one is named: exit 1.
        var good2 = Write("good2.csv", $"customer_id,withdrawal_txid,withdrawal_vout\nC-2,{Txid},1\n");
        var mixed = await CliRunner.RunAsync("returns", "import", good2, bad, "--exchange", "nordcoin", "--case", CaseDir);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("rejected: bad.csv", mixed.Out, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync("returns", "import", good, "--exchange", "nordcoin", "--case", CaseDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already imported (returns import 1", again.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRunner.RunAsync("returns", "import", Path.Combine(_root, "nowhere.csv"), "--case", CaseDir)).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("returns", "import", good, "--kind", "bank", "--case", CaseDir)).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("returns", "import", good, "--case", Path.Combine(_root, "no-case"))).ExitCode);

        var list = await CliRunner.RunAsync("returns", "list", "--case", CaseDir, "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        using var doc = JsonDocument.Parse(list.Out);
        Assert.Equal([("good.csv", 1L), ("good2.csv", 1L)],
            doc.RootElement.GetProperty("imports").EnumerateArray().Select(i => (i.GetProperty("fileName").GetString(), i.GetProperty("rows").GetInt64())));

        foreach (var sub in new[] { "import", "list" })
        {
            var help = await CliRunner.RunAsync("returns", sub, "--help");
            Assert.Equal(0, help.ExitCode);
            Assert.Contains("Usage:", help.Out, StringComparison.Ordinal);
        }
    }
}
