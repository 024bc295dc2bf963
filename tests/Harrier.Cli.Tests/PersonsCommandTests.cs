using System.Text.Json;
using Harrier.Cases;
using Harrier.Operations.Tests;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier persons resolve|list|show</c>: exit codes and the readable text (the JSON documents are in <see cref="JsonContractSnapshotTests"/>).</summary>
public sealed class PersonsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-persons-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private async Task<long> CaseWithPlatformAsync()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Persons CLI")).ExitCode);
        var source = OtherPlatform.Write(Path.Combine(_root, "other.sqlite"));
        var mapping = Path.Combine(_root, "other.yaml");
        await File.WriteAllTextAsync(mapping, OtherPlatform.Mapping);
        var r = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir, "--json");
        Assert.True(r.ExitCode == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        return doc.RootElement.GetProperty("importId").GetInt64();
    }

    [Fact]
    public async Task Resolve_uses_the_good_lines_of_an_exit_list_reports_the_bad_one_with_file_and_line_and_exits_1()
    {
        await CaseWithPlatformAsync();
        var exits = Path.Combine(_root, "exits.txt");
        await File.WriteAllTextAsync(exits, "# SYNTHETIC exit list\n10.250.9.1\nnot-an-ip\n");

        var r = await CliRunner.RunAsync("persons", "resolve", "--exit-list", "tor=" + exits, "--case", CaseDir);

        Assert.True(r.ExitCode == 1, r.Err);
        Assert.Contains("persons run 1 of platform import 1: 3 accounts", r.Out, StringComparison.Ordinal);
        Assert.Contains($"input exit-list=tor {exits}: 1 rows, 1 bad lines, sha256 ", r.Out, StringComparison.Ordinal);
        Assert.Contains($"not used: {exits} line 3: not an IP address: not-an-ip", r.Out, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync("persons", "list", "--case", CaseDir, "--json");
        Assert.True(list.ExitCode == 0, list.Err);
        using var doc = JsonDocument.Parse(list.Out);
        Assert.Equal(["10", "11", "12"], doc.RootElement.GetProperty("persons").EnumerateArray()
            .SelectMany(p => p.GetProperty("accountKeys").EnumerateArray().Select(k => k.GetString()!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_and_show_text_say_who_is_linked_and_why()
    {
        var importId = await CaseWithPlatformAsync();
        var store = await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);
        await PersonsRun.StoreAsync(store, importId);

        var list = await CliRunner.RunAsync("persons", "list", "--case", CaseDir);
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.Contains("2 persons match, showing 2 from 0", list.Out, StringComparison.Ordinal);
        Assert.Contains("  person 1: 2 accounts [10, 12], DE (0.80), identified", list.Out, StringComparison.Ordinal);
        Assert.Contains("  person 2: 1 account [11], country unknown", list.Out, StringComparison.Ordinal);

        var show = await CliRunner.RunAsync("persons", "show", "--account", "12", "--case", CaseDir);
        Assert.True(show.ExitCode == 0, show.Err);
        string[] expected =
        [
            "person 1 (persons run 1, platform import 1): identified",
            "  country: DE (confidence 0.80)",
            "    isp says DE (weight 3): returns 2, isp-a.csv line 2",
            "    10 quiet_heron <quiet.heron@example.invalid> registered 2023-11-14T22:13:20.0000000Z, admin",
            "      1 logins (2023-11-14T22:00:00.0000000Z to 2023-11-14T22:00:00.0000000Z) from 1 addresses, 1 household; 1 uploads, 0 categorisations",
            "      payments: 1, 0.5 BTC",
            "  why one person (1 links):",
            "    10 ~ 12: weight 11.5",
            "      household_ip: within_1h, weight +9.5: 198.51.100.7",
            "      device: equal, weight +2: same agent",
            "  not linked (1):",
            "    11 ~ 12: weight 2.25, under the threshold",
            "  identity (isp, via account 10): Testa Quillfeather, 1 Example Road, Sampleton, ZZ-0001, DE [returns 2, isp-a.csv line 2]",
            "    note: the subscriber, possibly another member of the household",
        ];
        var lines = show.Out.ReplaceLineEndings("\n").Split('\n');
        Assert.All(expected, e => Assert.Contains(e, lines));
    }
}
