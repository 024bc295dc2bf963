using Harrier.Cases;
using Harrier.Operations.Tests;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier deconflict import|list|status</c>: exit codes and the readable text (the JSON documents are in <see cref="JsonContractSnapshotTests"/>).</summary>
public sealed class DeconflictCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-deconflict-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    private async Task CaseWithPersonsAsync()
    {
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Deconflict CLI")).ExitCode);
        var source = OtherPlatform.Write(Path.Combine(_root, "other.sqlite"));
        var mapping = Path.Combine(_root, "other.yaml");
        await File.WriteAllTextAsync(mapping, OtherPlatform.Mapping);
        var r = await CliRunner.RunAsync("platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir);
        Assert.True(r.ExitCode == 0, r.Err);
        var store = await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);
        await PersonsRun.StoreAsync(store, 1);
    }

    [Fact]
    public async Task Import_exits_1_with_bad_records_named_2_without_a_good_one_or_when_imported_again_and_list_and_status_say_what_conflicts()
    {
        await CaseWithPersonsAsync();
        var claims = Path.Combine(_root, "claims.csv");
        await File.WriteAllTextAsync(claims, """
            claim_reference,agency,agency_country,case_reference,handling_code,identifiers
            BKA-1,FAKE-BKA-DE,DE,DE-CASE-1,H1,email:quiet.heron@example.invalid
            NCA-1,FAKE-NCA-GB,GB,GB-CASE-7,H2,username:slow_comet;email:nobody@example.invalid
            BAD-1,FAKE-NCA-GB,GB,GB-CASE-8,,username:amber_fox

            """);

        var import = await CliRunner.RunAsync("deconflict", "import", claims, "--case", CaseDir);
        Assert.True(import.ExitCode == 1, import.Err);
        Assert.Contains($"harrier: {claims} line 4: handling_code is missing", import.Err, StringComparison.Ordinal);
        Assert.Contains("deconfliction import 1 of", import.Out, StringComparison.Ordinal);
        Assert.Contains("2 claims, 3 identifiers; 1 bad records left out", import.Out, StringComparison.Ordinal);
        Assert.Contains("against persons run 1: 2 of 2 claims match a person, 1 identifiers match none, 2 conflicts", import.Out, StringComparison.Ordinal);
        Assert.Contains("unmatched: claim 2 (FAKE-NCA-GB NCA-1) email:nobody@example.invalid: no person of persons run 1 has it", import.Out, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync("deconflict", "import", claims, "--case", CaseDir);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("was already imported (deconfliction import 1", again.Err, StringComparison.Ordinal);

        var none = Path.Combine(_root, "none.json");
        await File.WriteAllTextAsync(none, """[{"claimReference": "X-1", "agency": "FAKE-A", "agencyCountry": "DE", "caseReference": "C", "handlingCode": "H4", "identifiers": []}]""");
        var rejected = await CliRunner.RunAsync("deconflict", "import", none, "--case", CaseDir);
        Assert.Equal(2, rejected.ExitCode);
        Assert.Contains("record 0: handling_code: 'H4' is not a Europol handling code", rejected.Err, StringComparison.Ordinal);
        Assert.Contains("record 0: identifiers: none given", rejected.Err, StringComparison.Ordinal);
        Assert.Contains("nothing imported (1 records read, 1 bad", rejected.Out, StringComparison.Ordinal);

        var list = await CliRunner.RunAsync("deconflict", "list", "--case", CaseDir);
        Assert.True(list.ExitCode == 0, list.Err);
        Assert.Contains("  claim 2: FAKE-NCA-GB (GB) NCA-1, case GB-CASE-7, open, H2  CONFLICT: two-agencies, other-country", list.Out, StringComparison.Ordinal);
        Assert.Contains("    person 1 (DE) by username:slow_comet (account 12 username) [two-agencies, other-country]", list.Out, StringComparison.Ordinal);
        Assert.Contains("  conflict other-country: FAKE-NCA-GB (GB) claim NCA-1 is on person 1, placed in DE", list.Out, StringComparison.Ordinal);

        var status = await CliRunner.RunAsync("deconflict", "status", "NCA-1", "--set", "withdrawn", "--reason", "suspect is another person", "--case", CaseDir);
        Assert.True(status.ExitCode == 0, status.Err);
        Assert.Contains("claim 2 (FAKE-NCA-GB NCA-1): open -> withdrawn", status.Out, StringComparison.Ordinal);
        var after = await CliRunner.RunAsync("deconflict", "list", "--conflicts", "--case", CaseDir);
        Assert.Contains("0 of 2 claims shown, 0 conflicts", after.Out, StringComparison.Ordinal);

        Assert.Equal(2, (await CliRunner.RunAsync("deconflict", "status", "NCA-1", "--set", "withdrawn", "--reason", "again", "--case", CaseDir)).ExitCode);
        Assert.NotEqual(0, (await CliRunner.RunAsync("deconflict", "status", "NCA-1", "--set", "closed", "--reason", "x", "--case", CaseDir)).ExitCode);
    }
}
