using System.Text.Json;
using System.Text.Json.Nodes;
using Harrier.Testing;
using Harrier.Testing.Chain;
using Microsoft.Extensions.Time.Testing;

namespace Harrier.Cli.Tests;

/// <summary>
/// The <c>--json</c> documents of the CLI are contracts (the operations' result records, later the REST API's bodies):
/// each command's output on a small fixed case is compared with an approved file under <c>Snapshots/cli/</c>, so a
/// renamed, dropped or retyped field fails here instead of in someone's script. The clock is a fake one; what still
/// differs from run to run is replaced by a named placeholder, each for a stated reason (<see cref="Normalise"/>).
/// </summary>
public sealed class JsonContractSnapshotTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-json-contract-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private readonly List<string> _mismatches = [];
    private string? _caseId;

    private string CaseDir => Path.Combine(_root, "case");

    private void AssertAllMatched() => Assert.True(_mismatches.Count == 0, string.Join("\n", _mismatches));

    [Fact]
    public async Task Case_evidence_banks_ingest_triage_report_export_and_audit_json_match_the_approved_documents()
    {
        // Evidence: two benign photos, an exact copy of one, and a text file, with fixed modification times. They are
        // registered one run at a time (each run records only what is new), because evidence ids follow the order in
        // which parallel hashing finishes, and the documents below name files by id.
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        await Expect("case-init", "case", "init", CaseDir, "--name", "JSON contract");
        (string Name, Action<string> Write)[] files =
        [
            ("a.jpg", p => File.Copy(TestPaths.Photos("flowers-ccby/daisy/100080576_f52e8ee070_n.jpg"), p)),
            ("a-copy.jpg", p => File.Copy(TestPaths.Photos("flowers-ccby/daisy/100080576_f52e8ee070_n.jpg"), p)),
            ("b.jpg", p => File.Copy(TestPaths.Photos("flowers-ccby/daisy/102841525_bd6628ae3c.jpg"), p)),
            ("notes.txt", p => File.WriteAllText(p, "not media\n")),
        ];
        foreach (var (name, write) in files)
        {
            var path = Path.Combine(evidence, name);
            write(path);
            File.SetLastWriteTimeUtc(path, new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc));
            await Expect(name == "notes.txt" ? "evidence-add" : null, "evidence", "add", evidence, "--exhibit", "EX-1", "--case", CaseDir);
        }

        await Expect("evidence-verify", "evidence", "verify", "--exhibit", "EX-1", "--case", CaseDir);
        await Expect("evidence-list", "evidence", "list", "--exhibit", "EX-1", "--case", CaseDir);
        var pdq = await Expect("hash-pdq", "hash", "pdq", Path.Combine(evidence, "b.jpg"));

        // Banks: b.jpg's PDQ hash, and a.jpg's SHA-256 as a digest list.
        var bankDir = Directory.CreateDirectory(Path.Combine(_root, "banks")).FullName;
        File.WriteAllText(Path.Combine(bankDir, "known.pdq.txt"), pdq["images"]![0]!["hash"]!.GetValue<string>() + "\n");
        File.WriteAllText(Path.Combine(bankDir, "known.csv"),
            "sha256\n" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(evidence, "a.jpg")))) + "\n");
        await Expect("banks-import-pdq", "banks", "import", Path.Combine(bankDir, "known.pdq.txt"), "--name", "known-pdq", "--case", CaseDir);
        await Expect("banks-import-csv", "banks", "import", Path.Combine(bankDir, "known.csv"), "--name", "known-csv", "--case", CaseDir);
        await Expect("banks-list", "banks", "list", "--case", CaseDir);

        await Expect("ingest-media", "ingest", "media", "--exhibit", "EX-1", "--case", CaseDir, "--no-thumbnails");
        await Expect("triage", "triage", "--case", CaseDir);
        await Expect("report-triage", "report", "triage", "--case", CaseDir);
        await Expect("export-vics", "export", "vics", "--out", Path.Combine(_root, "export.json"), "--case", CaseDir);
        await Expect("case-info", "case", "info", "--case", CaseDir);
        await Expect("audit-verify", "audit", "verify", "--case", CaseDir);
        await Expect("audit-show", "audit", "show", "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Chain_and_tags_json_match_the_approved_documents()
    {
        var scenario = TracingScenario.Build();
        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), scenario.Chain.Blocks);
        var packs = Directory.CreateDirectory(Path.Combine(_root, "packs")).FullName;
        File.WriteAllText(Path.Combine(packs, "exchanges.yaml"), scenario.ExchangeTagPack());
        File.WriteAllText(Path.Combine(packs, "actors.yaml"), TracingScenario.ActorPack());
        var deposits = Path.Combine(_root, "deposits.txt");
        File.WriteAllText(deposits, scenario.DepositsFile());

        await Expect("chain/case-init", "case", "init", CaseDir, "--name", "JSON contract chain");
        await Expect("chain/chain-import", "chain", "import", blocks, "--case", CaseDir);
        await Expect("chain/chain-cluster", "chain", "cluster", "--deposits", deposits, "--case", CaseDir);
        await Expect("chain/tags-import", "tags", "import", packs, "--case", CaseDir);
        await Expect("chain/chain-trace", "chain", "trace", "--deposits", deposits, "--case", CaseDir);
        await Expect("chain/chain-requests", "chain", "requests", "--out", Path.Combine(_root, "requests"), "--case", CaseDir);
        await Expect("chain/chain-show-address", "chain", "show", scenario.Address("hx-hot"), "--case", CaseDir);
        await Expect("chain/chain-show-tx", "chain", "show", scenario.Txs["withdraw-h"].GetHash().ToString(), "--case", CaseDir);
        await Expect("chain/chain-stats", "chain", "stats", "--case", CaseDir);
        await Expect("chain/audit-show", "audit", "show", "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Platform_json_matches_the_approved_documents()
    {
        // The differently shaped platform of the Operations tests (its own mapping), with the two files its posts name
        // registered first, so the document shows a link by digest, one by path and one missing.
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        Harrier.Operations.Tests.OtherPlatform.WriteEvidence(evidence);
        var source = Harrier.Operations.Tests.OtherPlatform.Write(Path.Combine(_root, "other.sqlite"));
        var mapping = Path.Combine(_root, "other.yaml");
        File.WriteAllText(mapping, Harrier.Operations.Tests.OtherPlatform.Mapping);

        await Expect(null, "case", "init", CaseDir, "--name", "JSON contract platform");
        await Expect(null, "evidence", "add", evidence, "--exhibit", "SERVER", "--case", CaseDir);
        await Expect("platform/platform-import", "platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir);
        await Expect("platform/platform-mapping-default", "platform", "mapping", "--default");
        await Expect("platform/platform-deposits", "platform", "deposits", "--out", Path.Combine(_root, "deposits.csv"), "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Returns_json_matches_the_approved_documents()
    {
        // The chain contract's regtest world traced, then a KYC answer to its requests (every lead answered, one row
        // naming another exchange than the request, one withdrawal nobody asked about) and an ISP answer.
        var scenario = TracingScenario.Build();
        var blocks = Directory.CreateDirectory(Path.Combine(_root, "blocks")).FullName;
        RegtestChainBuilder.WriteBlockFile(Path.Combine(blocks, "blk00000.dat"), scenario.Chain.Blocks);
        var packs = Directory.CreateDirectory(Path.Combine(_root, "packs")).FullName;
        File.WriteAllText(Path.Combine(packs, "exchanges.yaml"), scenario.ExchangeTagPack());
        File.WriteAllText(Path.Combine(packs, "actors.yaml"), TracingScenario.ActorPack());
        var deposits = Path.Combine(_root, "deposits.txt");
        File.WriteAllText(deposits, scenario.DepositsFile());
        await Expect(null, "case", "init", CaseDir, "--name", "JSON contract returns");
        await Expect(null, "chain", "import", blocks, "--case", CaseDir);
        await Expect(null, "tags", "import", packs, "--case", CaseDir);
        await Expect(null, "chain", "trace", "--deposits", deposits, "--case", CaseDir);

        var trace = JsonSerializer.Deserialize<Harrier.Chain.Tracing.TraceReport>(
            File.ReadAllText(Harrier.Cases.CaseFolder.TraceFile(CaseDir)), Harrier.Operations.Chain.ChainWorkspace.TraceJson)!;
        var leads = trace.Requests.SelectMany(r => r.Leads).ToList();
        var returns = Directory.CreateDirectory(Path.Combine(_root, "returns")).FullName;
        var kyc = new System.Text.StringBuilder("Exchange,Customer ID,TXID,vout,Full Name,DOB,Registered At,Risk\n");
        for (var i = 0; i < leads.Count; i++)
        {
            var exchange = i == 0 ? "some-other-exchange" : leads[i].Actor;
            kyc.Append(System.Globalization.CultureInfo.InvariantCulture, $"{exchange},CUST-{i + 1},{leads[i].Txid},{leads[i].Vout},Testa Quillfeather,1980-01-0{i % 9 + 1},2024-01-02 03:04:05,low\n");
        }

        kyc.Append("hexchange,CUST-X,ee00000000000000000000000000000000000000000000000000000000000009,4,,,,\n");
        File.WriteAllText(Path.Combine(returns, "answers.csv"), kyc.ToString());
        File.WriteAllText(Path.Combine(returns, "subscribers.json"), """
            { "subscribers": [ { "ip_address": "10.0.0.1", "assigned_from": "2024-05-01T00:00:00Z", "assigned_to": "2024-05-31T00:00:00+02:00",
              "customer_ref": "SUB-1", "subscriber_name": "Beispiel Sample", "service": "fixed broadband" } ] }
            """);

        await Expect("returns/returns-import", "returns", "import", returns, "--isp", "example-net", "--case", CaseDir);
        await Expect("returns/returns-list", "returns", "list", "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Persons_list_and_show_json_match_the_approved_documents()
    {
        // The differently shaped platform, and a persons run over its accounts written by hand as the engine would
        // (Operations.Tests/PersonsRun.cs): the documents are the host's contract, apart from the engine's weights.
        await PersonsRunCaseAsync("JSON contract persons");

        await Expect("persons/persons-list", "persons", "list", "--case", CaseDir);
        await Expect("persons/persons-list-filtered", "persons", "list", "--min-accounts", "2", "--country", "de", "--case", CaseDir);
        await Expect("persons/persons-show", "persons", "show", "1", "--case", CaseDir);
        await Expect("persons/persons-show-account", "persons", "show", "--account", "11", "--case", CaseDir);
        await Expect("persons/audit-show", "audit", "show", "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Deconflict_import_list_and_status_json_match_the_approved_documents()
    {
        // The persons run written by hand over the differently shaped platform (Operations.Tests/PersonsRun.cs): person 1
        // holds accounts 10 and 12 (DE), person 2 account 11 (no country); 203.0.113.9 is a shared VPN exit. Synthetic claims.
        await PersonsRunCaseAsync("JSON contract deconfliction");
        var csv = Path.Combine(_root, "claims.csv");
        File.WriteAllText(csv, """
            claim_reference,agency,agency_country,case_reference,status,handling_code,received_at,identifiers
            BKA-1,FAKE-BKA-DE,DE,DE-CASE-1,open,H1,2026-01-02T10:00:00Z,email:quiet.heron@example.invalid
            NCA-1,FAKE-NCA-GB,GB,GB-CASE-7,confirmed,H2,,username:slow_comet;email:nobody@example.invalid
            POL-1,FAKE-POL-PL,PL,PL-CASE-1,open,H3,,username:amber_fox;wallet:bcrt1qsyntheticaddress1111111111111111111;ip:203.0.113.9

            """);
        var json = Path.Combine(_root, "claims.json");
        File.WriteAllText(json, """
            [{"claimReference": "FBI-1", "agency": "FAKE-FBI-US", "agencyCountry": "US", "caseReference": "US-CASE-9", "handlingCode": "H0",
              "identifiers": [{"type": "wallet", "value": "bcrt1qsyntheticaddress0000000000000000000"}]}]
            """);

        await Expect("deconflict/deconflict-import-csv", "deconflict", "import", csv, "--case", CaseDir);
        await Expect("deconflict/deconflict-import-json", "deconflict", "import", json, "--case", CaseDir);
        await Expect("deconflict/deconflict-list", "deconflict", "list", "--case", CaseDir);
        await Expect("deconflict/deconflict-status", "deconflict", "status", "POL-1", "--set", "withdrawn", "--reason", "withdrawn by FAKE-POL-PL", "--case", CaseDir);
        await Expect("deconflict/deconflict-list-person-conflicts", "deconflict", "list", "--person", "1", "--conflicts", "--case", CaseDir);
        await Expect("deconflict/audit-show", "audit", "show", "--case", CaseDir);
        AssertAllMatched();
    }

    [Fact]
    public async Task Targets_and_package_json_match_the_approved_documents()
    {
        // The persons run written by hand over the differently shaped platform (Operations.Tests/PersonsRun.cs): person 1
        // (accounts 10 and 12, DE) administers and paid, person 2 (account 11, no country) paid and has a prior record.
        await PersonsRunCaseAsync("JSON contract targets");

        await Expect("targets/targets-rank", "targets", "rank", "--case", CaseDir);
        await Expect("targets/targets-list", "targets", "list", "--case", CaseDir);
        await Expect("targets/targets-move", "targets", "move", "2", "--tier", "3", "--reason", "prior record is a namesake", "--case", CaseDir);
        await Expect("targets/targets-show", "targets", "show", "2", "--case", CaseDir);
        await Expect("targets/package-build", "package", "build", "--out", Path.Combine(_root, "packages"), "--case", CaseDir);
        await Expect("targets/package-verify", "package", "verify", Path.Combine(_root, "packages", "DE"), "--case", CaseDir);
        AssertAllMatched();
    }

    /// <summary>
    /// A case over the differently shaped platform with the persons run written by hand as the engine would
    /// (Operations.Tests/PersonsRun.cs), made through the CLI up to the platform import: what the persons, deconfliction
    /// and targets documents start from.
    /// </summary>
    private async Task PersonsRunCaseAsync(string name)
    {
        var source = Harrier.Operations.Tests.OtherPlatform.Write(Path.Combine(_root, "other.sqlite"));
        var mapping = Path.Combine(_root, "other.yaml");
        File.WriteAllText(mapping, Harrier.Operations.Tests.OtherPlatform.Mapping);
        await Expect(null, "case", "init", CaseDir, "--name", name);
        var import = await Expect(null, "platform", "import", "--from", "sqlite:" + source, "--mapping", mapping, "--case", CaseDir);
        var store = await Harrier.Cases.CaseStore.OpenAsync(CaseDir, null, _time, CancellationToken.None);
        await Harrier.Operations.Tests.PersonsRun.StoreAsync(store, import["importId"]!.GetValue<long>());
    }

    /// <summary>Runs one command in-process with <c>--json</c>, checks it succeeded and matches its snapshot; returns the document.</summary>
    private async Task<JsonNode> Expect(string? name, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HarrierApp.RunAsync([.. args, "--json", "--actor", "examiner-1"],
            new CliHost(stdout, stderr, _time) { Interactive = false });
        Assert.True(code == 0, $"harrier {string.Join(' ', args)} exited {code}: {stderr}");
        var document = JsonNode.Parse(stdout.ToString())!;
        if (args is ["case", "init", ..] && document["summary"]?["caseId"] is { } id)
        {
            _caseId = id.GetValue<string>();
        }

        try
        {
            if (name is not null)
            {
                Snapshot.Match($"cli/{name}.json", Normalise(stdout.ToString(), auditEntries: args is ["audit", "show", ..]));
            }
        }
        catch (Xunit.Sdk.XunitException e)
        {
            _mismatches.Add(e.Message); // go on: one run lists every document that changed
        }

        _time.Advance(TimeSpan.FromMinutes(1)); // each command at its own minute, so times in the documents tell them apart
        return document;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// What differs between runs of the same commands and is not the contract: the temporary folder (replaced by
    /// <c>&lt;root&gt;</c>), the case's random id (wherever it appears, also inside texts), measured durations and rates
    /// (a stopwatch, not the clock), file birth times (<c>createdUtc</c>: the file system's, where it keeps one, for files
    /// the test has just written), the audit chain's hashes, which cover the temporary paths and the case id named in
    /// the entries (the chain itself is checked by <c>audit verify</c> here and by the Cases tests' known-answer hash), and
    /// the case key's fingerprint and file (a new random key per case, in the test process's temp key store), and a package
    /// manifest's SHA-256 (the manifest holds that key), and an ingest run's parallelism, memory budget and peak
    /// reservation (the machine's cores and memory, and how its parallel decodes happened to overlap).
    /// </summary>
    private string Normalise(string json, bool auditEntries)
    {
        var text = json.Replace(_root, "<root>", StringComparison.Ordinal);
        if (_caseId is not null)
        {
            text = text.Replace(_caseId, "<caseId>", StringComparison.Ordinal);
        }

        var node = JsonNode.Parse(text)!;
        Walk(node, auditEntries);
        return node.ToJsonString(Indented) + "\n";
    }

    private static bool IsVolatile(string key, bool auditEntries) =>
        key is "caseId" or "createdUtc" or "seconds" or "keyFingerprint" or "keyFile" or "expectedFingerprint" or "manifestSha256"
            or "jobs" or "memoryBudgetBytes" or "peakReservedBytes" or "allocatedBytes"
        || key.EndsWith("Seconds", StringComparison.Ordinal)
        || key.EndsWith("PerSecond", StringComparison.Ordinal)
        || key.EndsWith("PerCpuSecond", StringComparison.Ordinal)
        || (auditEntries && key is "hash" or "prevHash");

    private static void Walk(JsonNode? node, bool auditEntries)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (IsVolatile(key, auditEntries) && o[key] is JsonValue)
                    {
                        o[key] = "<" + key + ">";
                    }
                    else
                    {
                        Walk(o[key], auditEntries);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Walk(item, auditEntries);
                }

                break;
        }
    }
}
