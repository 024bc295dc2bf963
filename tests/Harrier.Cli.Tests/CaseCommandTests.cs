using System.Globalization;
using System.Text.Json;
using Harrier.Cases;

namespace Harrier.Cli.Tests;

public sealed class CaseCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-cli-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string CaseDir => Path.Combine(_root, "case");

    [Fact]
    public async Task Help_is_available_everywhere_and_exits_zero()
    {
        foreach (var args in new[] { new[] { "--help" }, ["case", "--help"], ["evidence", "add", "--help"], ["audit", "verify", "--help"], ["demo", "--help"] })
        {
            var r = await CliRunner.RunAsync(args);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("Usage", r.Out);
        }
    }

    [Fact]
    public async Task Usage_errors_exit_2_with_a_message()
    {
        var unknown = await CliRunner.RunAsync("case", "init", CaseDir, "--name", "x", "--bogus");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--bogus", unknown.Err);

        var missing = await CliRunner.RunAsync("case", "init", CaseDir);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--name", missing.Err);
    }

    [Fact]
    public async Task Commands_without_a_case_exit_2_naming_the_folder()
    {
        var r = await CliRunner.RunAsync("case", "info", "--case", CaseDir);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(CaseDir, r.Err);
    }

    [Fact]
    public async Task Init_info_add_verify_and_audit_work_together_with_json()
    {
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        File.WriteAllText(Path.Combine(evidence, "a.txt"), "abc");

        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Op Test")).ExitCode);
        var add = await CliRunner.RunAsync("evidence", "add", evidence, "--exhibit", "EX-1", "--case", CaseDir, "--json");
        Assert.Equal(0, add.ExitCode);
        using (var doc = JsonDocument.Parse(add.Out))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("registered").GetInt32());
        }

        var info = await CliRunner.RunAsync("case", "info", "--case", CaseDir, "--json");
        Assert.Equal(0, info.ExitCode);
        using (var doc = JsonDocument.Parse(info.Out))
        {
            var summary = doc.RootElement.GetProperty("summary");
            Assert.Equal("Op Test", summary.GetProperty("name").GetString());
            Assert.Equal(1, summary.GetProperty("files").GetInt64());
        }

        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "verify", "--case", CaseDir)).ExitCode);
        var list = await CliRunner.RunAsync("evidence", "list", "--case", CaseDir);
        Assert.Contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", list.Out);

        var audit = await CliRunner.RunAsync("audit", "verify", "--case", CaseDir, "--json");
        Assert.Equal(0, audit.ExitCode);
        using (var doc = JsonDocument.Parse(audit.Out))
        {
            Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        }

        var show = await CliRunner.RunAsync("audit", "show", "--case", CaseDir, "--json");
        using (var doc = JsonDocument.Parse(show.Out))
        {
            var actions = doc.RootElement.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
            Assert.Equal(["case.init", "evidence.add.start", "evidence.add", "evidence.verify", "evidence.list"], actions);
        }
    }

    [Fact]
    public async Task Verify_exits_1_when_evidence_changed()
    {
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        var file = Path.Combine(evidence, "a.txt");
        File.WriteAllText(file, "abc");
        await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Op Test");
        await CliRunner.RunAsync("evidence", "add", evidence, "--exhibit", "EX-1", "--case", CaseDir);
        File.WriteAllText(file, "abd");

        var r = await CliRunner.RunAsync("evidence", "verify", "--case", CaseDir);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("changed: EX-1:a.txt", r.Out);
    }

    [Fact]
    public async Task Audit_verify_exits_1_and_names_the_tampered_entry()
    {
        await CliRunner.RunAsync("case", "init", CaseDir, "--name", "Op Test");
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        await CliRunner.RunAsync("evidence", "add", evidence, "--exhibit", "EX-1", "--case", CaseDir);
        var store = await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);
        await using (var conn = await store.Database.OpenAsync(CancellationToken.None))
        {
            await CaseDatabase.ExecuteAsync(conn, null, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", CancellationToken.None);
        }

        var r = await CliRunner.RunAsync("audit", "verify", "--case", CaseDir);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("entry 2", r.Out);
    }

    [Fact]
    public async Task Demo_with_adversarial_payers_attributes_only_what_can_be_attributed()
    {
        var dir = Path.Combine(_root, "demo-adversarial");
        var r = await CliRunner.RunAsync("demo", "--preset", "tiny", "--seed", "7", "--payers", "adversarial", "--out", dir, "--json", "--no-browser");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal("adversarial", doc.RootElement.GetProperty("payers").GetString());
        using var eval = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")));
        var chain = eval.RootElement.GetProperty("chain");
        // The world has payments no analyst could attribute (CoinJoins, swaps, off-chain, decoys): the demo must leave
        // them unattributed, and name them in the obscured annex beside the requests, not in a request.
        var abstention = chain.GetProperty("abstention");
        Assert.True(abstention.GetProperty("nonAttributable").GetInt32() > 0, abstention.ToString());
        Assert.Equal(0, abstention.GetProperty("throughCoinJoin").GetInt32());
        Assert.True(abstention.GetProperty("rate").GetDouble() >= 0.95, abstention.ToString());
        var attribution = chain.GetProperty("attribution");
        Assert.True(attribution.GetProperty("known").GetInt32() > 0);
        Assert.True(attribution.GetProperty("precision").GetDouble() >= 0.995, attribution.ToString());
        var annex = Directory.GetFiles(Path.Combine(dir, "requests"), "obscured-annex.csv", SearchOption.AllDirectories);
        Assert.Single(annex);
        Assert.True(File.ReadAllLines(annex[0]).Length > 1);
    }

    [Fact]
    public async Task Demo_runs_end_to_end()
    {
        var r = await CliRunner.RunAsync("demo", "--preset", "tiny", "--seed", "3", "--out", Path.Combine(_root, "demo"), "--json", "--no-browser");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("files").GetInt32() > 0);
        Assert.True(File.Exists(doc.RootElement.GetProperty("report").GetString()));
        using var eval = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "demo", "eval.json")));
        // The known figures in eval.json, counted again here from the case's per-file triage and the scenario's truth
        // (not the evaluator's own arithmetic printed twice).
        var report = await CliRunner.RunAsync("report", "triage", "--case", Path.Combine(_root, "demo", "case"), "--json");
        Assert.Equal(0, report.ExitCode);
        using var triaged = JsonDocument.Parse(report.Out);
        var predictedKnown = triaged.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("status").GetString() is "known" or "near-duplicate")
            .Select(f => "media/" + f.GetProperty("relPath").GetString()).ToHashSet(StringComparer.Ordinal);
        using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "demo", "scenario", "truth.json")));
        var media = truth.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() is "video" or "image").ToList();
        var truePositives = media.Count(f => f.GetProperty("known").GetBoolean() && predictedKnown.Contains(f.GetProperty("path").GetString()!));
        var falseNegatives = media.Count(f => f.GetProperty("known").GetBoolean() && !predictedKnown.Contains(f.GetProperty("path").GetString()!));
        var falsePositives = media.Count(f => !f.GetProperty("known").GetBoolean() && predictedKnown.Contains(f.GetProperty("path").GetString()!));
        Assert.True(truePositives > 0);
        var known = eval.RootElement.GetProperty("media").GetProperty("known");
        Assert.Equal(truePositives, known.GetProperty("truePositives").GetInt32());
        Assert.Equal(falseNegatives, known.GetProperty("falseNegatives").GetInt32());
        Assert.Equal(falsePositives, known.GetProperty("falsePositives").GetInt32());
        Assert.Equal(known.GetProperty("recall").GetDouble(),
            doc.RootElement.GetProperty("eval").GetProperty("media").GetProperty("known").GetProperty("recall").GetDouble());

        // The money half ran too: payer → exchange attribution at the targets, and one request per exchange.
        var attribution = eval.RootElement.GetProperty("chain").GetProperty("attribution");
        Assert.True(attribution.GetProperty("known").GetInt32() > 0);
        Assert.True(attribution.GetProperty("precision").GetDouble() >= 0.99, attribution.ToString());
        Assert.True(attribution.GetProperty("recall").GetDouble() >= 0.95, attribution.ToString());
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_root, "demo", "requests"), "*.csv", SearchOption.AllDirectories));

        // The people half ran: every KYC answer tied to the request it answers, and the pairs eval.json reports
        // counted again here from the stored persons (persons list) and the truth's people section.
        var returns = doc.RootElement.GetProperty("returns");
        Assert.True(returns.GetProperty("kycRows").GetInt64() > 0);
        Assert.Equal(returns.GetProperty("kycRows").GetInt64(), returns.GetProperty("rowsTied").GetInt64());
        var list = await CliRunner.RunAsync("persons", "list", "--limit", "1000000", "--json", "--case", Path.Combine(_root, "demo", "case"));
        Assert.Equal(0, list.ExitCode);
        using var persons = JsonDocument.Parse(list.Out);
        var personOf = truth.RootElement.GetProperty("people").GetProperty("persons").EnumerateArray()
            .SelectMany(p => p.GetProperty("accounts").EnumerateArray().Select(a => (Account: a.GetProperty("id").GetInt32().ToString(CultureInfo.InvariantCulture), Person: p.GetProperty("id").GetInt32())))
            .ToDictionary(x => x.Account, x => x.Person, StringComparer.Ordinal);
        long pairTp = 0, pairFp = 0;
        foreach (var p in persons.RootElement.GetProperty("persons").EnumerateArray())
        {
            var keys = p.GetProperty("accountKeys").EnumerateArray().Select(k => k.GetString()!).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                for (var j = i + 1; j < keys.Count; j++)
                {
                    _ = personOf[keys[i]] == personOf[keys[j]] ? pairTp++ : pairFp++;
                }
            }
        }

        var truePairs = personOf.GroupBy(x => x.Value).Sum(g => (long)g.Count() * (g.Count() - 1) / 2);
        var pairs = eval.RootElement.GetProperty("people").GetProperty("pairs");
        Assert.True(truePairs > 0, "the tiny world has persons with several accounts");
        Assert.Equal(pairTp, pairs.GetProperty("truePositives").GetInt64());
        Assert.Equal(pairFp, pairs.GetProperty("falsePositives").GetInt64());
        Assert.Equal(truePairs - pairTp, pairs.GetProperty("falseNegatives").GetInt64());

        // The scenario's claims went into the register: every one, those on identifiers no account has reported unmatched.
        var claims = truth.RootElement.GetProperty("people").GetProperty("claims").EnumerateArray().ToList();
        var deconfliction = doc.RootElement.GetProperty("deconfliction");
        Assert.Equal(claims.Count, deconfliction.GetProperty("claims").GetInt64());
        Assert.True(deconfliction.GetProperty("unmatchedIdentifiers").GetInt64() >= claims.Count(c => c.GetProperty("personId").ValueKind == JsonValueKind.Null));
        Assert.True(deconfliction.GetProperty("matched").GetInt64() > 0);

        // One line per stage as it starts and ends, on stderr, even with no terminal attached (stdout stays one JSON document).
        for (var i = 1; i <= 11; i++)
        {
            Assert.Contains($"demo [{i}/11] ", r.Err, StringComparison.Ordinal);
        }

        Assert.Contains("demo [1/11] scenario: generating", r.Err, StringComparison.Ordinal);
        Assert.Contains("demo [3/11] platform: importing", r.Err, StringComparison.Ordinal);
        Assert.Contains("demo [9/11] persons: done in ", r.Err, StringComparison.Ordinal);
        Assert.Contains("demo [10/11] targets: done in ", r.Err, StringComparison.Ordinal);
        Assert.Contains("demo [11/11] eval: done in ", r.Err, StringComparison.Ordinal);

        // The packages: one verified folder per country, and the membership eval.json reports counted again here from the
        // package.json files and the truth (a person stands for the truth person holding most of its accounts).
        var packages = doc.RootElement.GetProperty("packages");
        var packagesDir = Path.Combine(_root, "demo", "packages");
        var countries = Directory.GetDirectories(packagesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(packages.GetProperty("countries").GetInt32(), countries.Count);
        Assert.NotEmpty(countries);
        var predicted = new HashSet<(int, string)>();
        foreach (var country in countries)
        {
            using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(packagesDir, country!, "package.json")));
            foreach (var p in package.RootElement.GetProperty("persons").EnumerateArray())
            {
                var majority = p.GetProperty("accounts").EnumerateArray().Select(a => personOf[a.GetProperty("value").GetProperty("accountKey").GetString()!])
                    .GroupBy(x => x).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
                predicted.Add((majority, country!));
            }
        }

        var members = truth.RootElement.GetProperty("people").GetProperty("persons").EnumerateArray().Where(p => p.GetProperty("tier").GetInt32() <= 3)
            .Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("country").GetString()!)).ToHashSet();
        var membership = eval.RootElement.GetProperty("targets").GetProperty("packages");
        Assert.Equal(predicted.Count(members.Contains), membership.GetProperty("truePositives").GetInt64());
        Assert.Equal(predicted.Count(x => !members.Contains(x)), membership.GetProperty("falsePositives").GetInt64());
        Assert.Equal(members.Count(x => !predicted.Contains(x)), membership.GetProperty("falseNegatives").GetInt64());
        var verify = await CliRunner.RunAsync("package", "verify", Path.Combine(packagesDir, countries[0]!), "--case", Path.Combine(_root, "demo", "case"));
        Assert.True(verify.ExitCode == 0, verify.Out + verify.Err);
        File.AppendAllText(Path.Combine(packagesDir, countries[0]!, "package.html"), " ");
        var changed = await CliRunner.RunAsync("package", "verify", Path.Combine(packagesDir, countries[0]!), "--fingerprint", packages.GetProperty("keyFingerprint").GetString()!);
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("package.html changed", changed.Out, StringComparison.Ordinal);

        // The platform stage imported the platform's database, every uploaded file linked to a registered evidence file.
        var platform = doc.RootElement.GetProperty("platform");
        Assert.True(platform.GetProperty("accounts").GetInt64() > 0);
        Assert.True(platform.GetProperty("uploadFiles").GetInt64() > 0);
        Assert.Equal(platform.GetProperty("uploadFiles").GetInt64(), platform.GetProperty("linkedFiles").GetInt64());

        // A second run replaces its own previous output, and its text output ends by saying what to open next.
        var again = await CliRunner.RunAsync("demo", "--preset", "tiny", "--seed", "3", "--out", Path.Combine(_root, "demo"), "--no-browser");
        Assert.Equal(0, again.ExitCode);
        var last = again.Out.TrimEnd().Split('\n')[^7..];
        Assert.StartsWith("Done in ", last[0], StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "demo", "case", "triage-report.html"), last[1], StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "demo", "requests"), last[2], StringComparison.Ordinal);
        Assert.Contains("persons show 1 --case " + Path.Combine(_root, "demo", "case"), last[3], StringComparison.Ordinal);
        Assert.Contains("targets list --case " + Path.Combine(_root, "demo", "case"), last[4], StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_root, "demo", "packages"), last[4], StringComparison.Ordinal);
        Assert.Contains("audit verify --case " + Path.Combine(_root, "demo", "case"), last[5], StringComparison.Ordinal);
        // Not an interactive terminal: the demo does not serve the workbench, it says how to.
        Assert.Contains("serve --case " + Path.Combine(_root, "demo", "case"), last[6], StringComparison.Ordinal);

        // A folder that is not a demo is refused.
        Directory.CreateDirectory(Path.Combine(_root, "busy"));
        File.WriteAllText(Path.Combine(_root, "busy", "x"), "x");
        Assert.Equal(2, (await CliRunner.RunAsync("demo", "--preset", "tiny", "--out", Path.Combine(_root, "busy"))).ExitCode);
    }
}
