using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Operations.Audit;
using Harrier.Operations.Banks;
using Harrier.Operations.Cases;
using Harrier.Operations.Chain;
using Harrier.Operations.Deconfliction;
using Harrier.Operations.Evidence;
using Harrier.Operations.Persons;
using Harrier.Operations.Packages;
using Harrier.Operations.Platform;
using Harrier.Operations.Returns;
using Harrier.Operations.Targets;
using Harrier.Operations.Triage;
using Harrier.Scenario;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier demo</c>: the media half of the main job end to end on a generated seized platform: scenario →
/// case → evidence (media/) → the platform's database (accounts, uploads linked to the evidence, payments) → every hash set as a bank → ingest → triage → report → evaluation against the truth.
/// Then the money half: chain import, clustering, tag packs, tracing and one data request per exchange; then the people
/// half: returns, persons, other agencies' claims, the ranking and one signed, verified package per country. Prints where
/// the report and requests are and the evaluation table, and writes <c>DIR/eval.json</c>.
/// </summary>
internal static class DemoCommand
{
    private const string Marker = ".harrier-demo";
    private const string Exhibit = "SEIZED-MEDIA";
    private const int DemoStages = 11;

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Folder for the demo (a previous demo there is replaced).",
            DefaultValueFactory = _ => "harrier-demo",
        };
        var seed = new Option<int>("--seed") { Description = "Scenario seed.", DefaultValueFactory = _ => 1 };
        var preset = new Option<string>("--preset") { Description = "Scenario size: tiny (seconds) or demo (minutes).", DefaultValueFactory = _ => "demo" };
        preset.AcceptOnlyFromAmong("tiny", "demo");
        var payers = new Option<string>("--payers")
        {
            Description = "How the scenario's payers pay: direct (from exchange withdrawals; the default) or adversarial (self-custody hops, CoinJoins, " +
                "swap services, decoy exchanges, off-chain payments: the trace must leave those unattributed; see docs/chain.md).",
            DefaultValueFactory = _ => "direct",
        };
        payers.AcceptOnlyFromAmong("direct", "adversarial");
        var photosOpt = new Option<string?>("--photos")
        {
            Description = "Folder of benign .jpg photos for the synthetic platform's stills (default: the repository's data/photos).",
        };
        var noBrowser = new Option<bool>("--no-browser")
        {
            Description = "Do not open the triage report in a browser (it is opened only on an interactive terminal with a desktop session).",
        };
        var noServe = new Option<bool>("--no-serve")
        {
            Description = "Do not start the workbench at the end (it starts only on an interactive terminal; scripts and CI never wait on it).",
        };
        var command = new Command("demo",
            "Run the whole job end to end on a generated seized platform: scenario, case, evidence, platform, banks, ingest, triage, chain, returns, persons, " +
            "targets and packages, evaluation; then serve the workbench on it (interactive terminals only; --no-serve to skip).")
        {
            outDir, seed, preset, payers, photosOpt, noBrowser, noServe,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(outDir)!);
            var photos = BundledData.PhotosOr(parse.GetValue(photosOpt));
            PrepareOutput(dir);
            var stages = new List<(string Stage, double Seconds)>();
            var clock = Stopwatch.StartNew();
            var total = Stopwatch.StartNew();

            // One line as each stage starts and ends, on stderr (stdout stays the result, or the one --json document),
            // whether or not a terminal is attached: the demo runs for minutes and must never look hung.
            var stageLines = ctx.Progress != ProgressMode.None;
            var stageNo = 0;
            void Begin(string stage, string what)
            {
                stageNo++;
                if (stageLines)
                {
                    ctx.Err.WriteLine($"demo [{stageNo}/{DemoStages}] {stage}: {what}");
                    ctx.Err.Flush();
                }
            }

            void Lap(string stage)
            {
                var seconds = clock.Elapsed.TotalSeconds;
                stages.Add((stage, seconds));
                if (stageLines)
                {
                    ctx.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo [{stageNo}/{DemoStages}] {stage}: done in {seconds:F1} s"));
                    ctx.Err.Flush();
                }

                clock.Restart();
            }

            var scenarioDir = Path.Combine(dir, "scenario");
            Begin("scenario", string.Create(CultureInfo.InvariantCulture,
                $"generating a synthetic seized platform (seed {parse.GetValue(seed)}, {parse.GetValue(preset)} preset, {parse.GetValue(payers)} payers; a few minutes for the demo preset) in {scenarioDir}"));
            try
            {
                await WorkProgress.RunAsync(ctx, "generating scenario", p =>
                    ScenarioGenerator.GenerateAsync(new ScenarioOptions(parse.GetValue(seed), ScenarioPreset.Named(parse.GetValue(preset)!), scenarioDir, photos,
                        BundledData.PublicTagPacks, Environment.ProcessorCount, Environment.GetEnvironmentVariable("HARRIER_GEOIP"),
                        parse.GetValue(payers) == "adversarial" ? PayerBehaviour.Adversarial : PayerBehaviour.Direct), null, ct));
            }
            catch (IOException e)
            {
                throw new CliException(e.Message);
            }

            Lap("scenario");
            var caseDir = Path.Combine(dir, "case");
            CaseStore store;
            AddEvidenceResult added;
            ImportPlatformResult platform;
            var banks = new List<BankInfo>();
            Harrier.Operations.Ingest.IngestMediaResult ingested;
            TriageSummary triage;
            try
            {
                Begin("evidence", $"creating the case in {caseDir} and registering the platform's media (MD5, SHA-1, SHA-256)");
                await InitCase.RunAsync(new InitCaseRequest(caseDir, "Harrier demo", ctx.Db), ctx.Operation(), ct);
                store = await CaseStore.OpenAsync(caseDir, ctx.Db, ctx.Time, ct);
                added = await WorkProgress.RunAsync(ctx, "registering evidence", p => new AddEvidence(store).RunAsync(
                    new AddEvidenceRequest(Path.Combine(scenarioDir, "media"), Exhibit, "seized platform media (synthetic)", "demo run"), ctx.Operation(), ct));
                Lap("evidence");
                Begin("platform", "importing the platform's database (accounts, logins, uploads linked to the evidence, payments, message metadata)");
                platform = await WorkProgress.RunAsync(ctx, "importing the platform", p => new ImportPlatform(store).RunAsync(
                    new ImportPlatformRequest("sqlite:" + Path.Combine(scenarioDir, "platform", "platform.sqlite"), Justification: "demo run"), ctx.Operation(p), ct));
                if (platform.RejectedRows > 0)
                {
                    throw new CliException($"demo: the platform import rejected {platform.RejectedRows} rows: {platform.Rejected[0].Table} {platform.Rejected[0].Row}: {platform.Rejected[0].Problem}");
                }

                Lap("platform");
                Begin("banks", "importing the known-content hash sets as banks");
                foreach (var file in Directory.GetFiles(Path.Combine(scenarioDir, "hashsets")).Order(StringComparer.Ordinal))
                {
                    banks.Add(await new ImportBank(store).RunAsync(new ImportBankRequest(file, Path.GetFileName(file), BankFormat.Auto, "demo run"), ctx.Operation(), ct));
                }

                Lap("banks");
                Begin("ingest", $"hashing {added.Registered} files (PDQ, vPDQ, TMK), metadata and blurred thumbnails; the longest stage");
                ingested = await IngestCommands.RunAsync(ctx, store, Exhibit, "demo run", ct);
                Lap("ingest");
                Begin("triage", "known against unknown, image hypotheses for the images nothing else matched, renditions, scenes, the first-seen queue");
                triage = await WorkProgress.RunAsync(ctx, "triage", p => new RunTriage(store).RunAsync(new RunTriageRequest("demo run"), ctx.Operation(p), ct));
                Lap("triage");
            }
            catch (CaseStoreException e)
            {
                throw new CliException(e.Message);
            }

            Begin("report", "writing the triage report");
            var report = (await new WriteTriageReport(store).RunAsync(new WriteTriageReportRequest("demo run"), ctx.Operation(), ct)).Report;
            Lap("report");
            var requestsDir = Path.Combine(dir, "requests");
            Begin("chain", "blk files → clusters → tag packs → traces → one data request per exchange");
            await RunChainAsync(ctx, store, scenarioDir, requestsDir, ct);
            Lap("chain");
            Begin("persons", "the exchanges' and providers' answers → accounts resolved into persons, with country and identity; other agencies' claims matched to them");
            var (returns, persons) = await RunPersonsAsync(ctx, store, scenarioDir, ct);
            var claims = await RunDeconflictionAsync(ctx, store, scenarioDir, ct);
            Lap("persons");
            var packagesDir = Path.Combine(dir, "packages");
            Begin("targets", "persons ranked by what the data shows (every score a sum of factors); one signed package per country, each verified");
            var (ranking, packages) = await RunTargetsAsync(ctx, store, packagesDir, ct);
            Lap("targets");
            Begin("eval", "scoring the case against the scenario's truth");
            var evaluation = await EvalCommands.RunAsync(ctx, store, Path.Combine(scenarioDir, "truth.json"), ct);
            Lap("eval");
            var evalJson = evaluation.Report;
            var evalPath = Path.Combine(dir, "eval.json");
            await File.WriteAllTextAsync(evalPath, evalJson.ToJson(), ct);
            var audit = await new VerifyAudit(store).RunAsync(ct);
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            var ok = audit.Ok && added.Unreadable.Count == 0 && ingested.Unreadable.Count == 0;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    ok,
                    caseDir,
                    scenario = scenarioDir,
                    payers = parse.GetValue(payers),
                    report,
                    evalFile = evalPath,
                    files = added.Registered,
                    platform = platform.Counts,
                    banks = banks.Select(b => new { b.Name, b.Format, b.Entries }),
                    triage,
                    returns = new { files = returns.FilesImported, returns.KycRows, returns.SubscriberRows, returns.RowsTied },
                    persons = new { persons.Accounts, persons.Persons, persons.MultiAccountPersons, persons.Identified, persons.WithCountry, persons.Links, persons.Refused },
                    deconfliction = new
                    {
                        claims = claims.Sum(c => c.Claims),
                        matched = claims.Sum(c => c.ClaimsMatched),
                        unmatchedIdentifiers = claims.Sum(c => c.UnmatchedIdentifierCount),
                    },
                    targets = new { ranking.Tier1, ranking.Tier2, ranking.Tier3, ranking.Tier4 },
                    packages = new
                    {
                        directory = packagesDir,
                        countries = packages.Packages.Count,
                        persons = packages.Packages.Sum(p => p.Persons),
                        packages.Unplaced,
                        packages.KeyFingerprint,
                        verified = true,
                    },
                    eval = evalJson,
                    stages = stages.ToDictionary(s => s.Stage, s => s.Seconds),
                    peakMemoryBytes = peak,
                    auditIntact = audit.Ok,
                    auditEntries = audit.Entries,
                });
            }
            else
            {
                ctx.Out.WriteLine($"scenario:  {scenarioDir}");
                ctx.Out.WriteLine($"case:      {caseDir}");
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"evidence:  {added.Registered} files; banks: {banks.Count} ({banks.Sum(b => b.Entries)} entries); ingested: {string.Join(", ", ingested.Kinds.Select(k => $"{k.Value} {k.Key}"))}"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"platform:  {platform.Counts.Accounts} accounts, {platform.Counts.Logins} logins, {platform.Counts.Payments} payments; {platform.Counts.LinkedFiles} of {platform.Counts.UploadFiles} upload files linked to evidence"));
                TriageCommands.Print(ctx, triage);
                ctx.Out.WriteLine($"report:    {report}{(!parse.GetValue(noBrowser) && TryOpenInBrowser(ctx, report) ? " (opened in the browser)" : string.Empty)}");
                ctx.Out.WriteLine($"requests:  {requestsDir} (one data request per exchange; payments whose trail was obscured in obscured-annex.csv)");
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"returns:   {returns.FilesImported} files: {returns.KycRows} KYC rows ({returns.RowsTied} tied to a request), {returns.SubscriberRows} subscriber rows"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"persons:   {persons.Accounts} accounts → {persons.Persons} persons ({persons.MultiAccountPersons} with several accounts); {persons.Identified} identified by a return, {persons.WithCountry} with a country"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"claims:    {claims.Sum(c => c.Claims)} claims of other agencies, {claims.Sum(c => c.ClaimsMatched)} matched to a person, {claims.Sum(c => c.UnmatchedIdentifierCount)} identifiers matching none"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"targets:   tier 1 {ranking.Tier1}, tier 2 {ranking.Tier2}, tier 3 {ranking.Tier3} (tier 4, viewers: {ranking.Tier4})"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"packages:  {packages.Packages.Count} countries, {packages.Packages.Sum(p => p.Persons)} persons in {packagesDir}, signed with key {packages.KeyFingerprint}, each verified ({packages.Unplaced} of tier 1-3 without a country)"));
                ctx.Out.WriteLine($"eval:      {evalPath}");
                EvalCommands.PrintTable(ctx.Out, evaluation);
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"stages (s): {string.Join(", ", stages.Select(s => $"{s.Stage} {s.Seconds:F1}"))}; peak memory {peak / (1024.0 * 1024):F0} MiB"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"audit log: {(audit.Ok ? "intact" : "BROKEN: " + audit.Problem)} ({audit.Entries} entries)"));
                ctx.Out.WriteLine();
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(ok ? "Done" : "Finished with failures (see above)")} in {(int)total.Elapsed.TotalMinutes} min {total.Elapsed.Seconds} s. What to open next:"));
                ctx.Out.WriteLine($"  the triage report (blurred thumbnails, the first-seen queue, groups): {report}");
                ctx.Out.WriteLine($"  the data requests to the exchanges:                                   {requestsDir}");
                ctx.Out.WriteLine($"  the persons, with why each was linked:  ./harrier persons list --case {caseDir}   ./harrier persons show 1 --case {caseDir}");
                ctx.Out.WriteLine($"  the ranking and the country packages:   ./harrier targets list --case {caseDir}   {Path.Combine(packagesDir, packages.Packages.OrderByDescending(p => p.Persons).ThenBy(p => p.Country, StringComparer.Ordinal).First().Country, "package.html")}");
                ctx.Out.WriteLine($"  the case, from the command line:  ./harrier report triage --case {caseDir}   ./harrier audit verify --case {caseDir}");
            }

            if (!ctx.Json && !parse.GetValue(noServe) && ctx.Host.Interactive)
            {
                await ServeAsync(ctx, store, packagesDir, ct);
            }
            else if (!ctx.Json)
            {
                ctx.Out.WriteLine($"  the workbench (accounts first: ./harrier users add NAME --role coordinator --case {caseDir}):  ./harrier serve --case {caseDir} --packages {packagesDir}");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failures;
        });
        return command;
    }

    /// <summary>
    /// Serves the workbench on the demo's case until Ctrl-C, with a first coordinator account whose one-time password is
    /// printed (the demo's case is new, so it has no account yet). Port 5080, or any free port when that one is taken.
    /// </summary>
    private static async Task ServeAsync(CommandContext ctx, CaseStore store, string packagesDir, CancellationToken ct)
    {
        var admin = new Harrier.Web.Accounts.AccountAdmin(store);
        var first = (await admin.ListAsync(ct)).Count == 0
            ? await admin.AddAsync("coordinator", Harrier.Web.Accounts.WorkbenchRoles.Coordinator, null, ctx.Actor, "demo run", ct)
            : null;
        var options = new Harrier.Web.WorkbenchOptions { VendorDir = Environment.GetEnvironmentVariable("HARRIER_WEB_VENDOR"), PackagesDir = packagesDir };
        Harrier.Web.Workbench workbench;
        try
        {
            workbench = await Harrier.Web.Workbench.StartAsync(store, options, ct);
        }
        catch (CaseStoreException)
        {
            workbench = await Harrier.Web.Workbench.StartAsync(store, options with { Port = 0 }, ct);
        }

        await using (workbench)
        {
            ctx.Out.WriteLine();
            await ServeCommand.ReportAsync(ctx, workbench, store, first, ct);
            await workbench.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The money half, as an analyst runs it: the platform's deposit addresses, then chain import → cluster (with the
    /// deposits as known payees) → tag packs → trace → data requests. The same operations the chain commands call, so
    /// every step is audited exactly as when typed.
    /// </summary>
    private static async Task RunChainAsync(CommandContext ctx, CaseStore store, string scenarioDir, string requestsDir, CancellationToken ct)
    {
        var op = ctx.Operation();
        var deposits = (await new WriteDeposits(store).RunAsync(new WriteDepositsRequest(Path.Combine(store.CaseDir, "deposits.csv"), Justification: "demo run"), op, ct)).Path;
        var imported = await new ImportChain(store).RunAsync(new ImportChainRequest(Path.Combine(scenarioDir, "chain")), op, ct);
        if (imported.Errors.Count > 0)
        {
            throw new CliException($"demo: chain import found {imported.Errors.Count} errors: {imported.Errors[0]}");
        }

        await new ClusterChain(store).RunAsync(new ClusterChainRequest(Deposits: deposits), op, ct);
        var tags = await new ImportTags(store).RunAsync(new ImportTagsRequest(Path.Combine(scenarioDir, "tags")), op, ct);
        if (tags.Errors.Count > 0)
        {
            throw new CliException($"demo: tags import found {tags.Errors.Count} errors: {tags.Errors[0]}");
        }

        await new TraceChain(store).RunAsync(new TraceChainRequest(deposits), op, ct);
        await new WriteChainRequests(store).RunAsync(new WriteChainRequestsRequest(requestsDir), op, ct);
    }

    /// <summary>
    /// The ranking of the persons, then one package per country built into <paramref name="packagesDir"/> and each
    /// verified against the case key, as a receiving unit would (a package that does not verify stops the demo).
    /// </summary>
    private static async Task<(RankTargetsResult Ranking, BuildPackagesResult Packages)> RunTargetsAsync(CommandContext ctx, CaseStore store, string packagesDir,
        CancellationToken ct)
    {
        var ranking = await new RankTargets(store).RunAsync(new RankTargetsRequest("demo run"), ctx.Operation(), ct);
        var packages = await new BuildPackages(store).RunAsync(new BuildPackagesRequest(packagesDir, Justification: "demo run"), ctx.Operation(), ct);
        foreach (var p in packages.Packages)
        {
            var verified = VerifyPackage.Run(new VerifyPackageRequest(p.Directory, store.Key.Fingerprint));
            if (!verified.Valid)
            {
                throw new CliException($"demo: the {p.Country} package does not verify: {verified.First!.File} {verified.First.Kind}: {verified.First.Detail}");
            }
        }

        return (ranking, packages);
    }

    /// <summary>
    /// Other agencies' claims (the scenario's deconfliction/claims.csv, then claims.json) imported into the register and
    /// matched to the persons just resolved. A bad record stops the demo: the generator writes none.
    /// </summary>
    private static async Task<List<ImportClaimsResult>> RunDeconflictionAsync(CommandContext ctx, CaseStore store, string scenarioDir, CancellationToken ct)
    {
        var results = new List<ImportClaimsResult>();
        foreach (var name in new[] { "claims.csv", "claims.json" })
        {
            var path = Path.Combine(scenarioDir, "deconfliction", name);
            var r = await new ImportClaims(store).RunAsync(new ImportClaimsRequest(path, Justification: "demo run"), ctx.Operation(), ct);
            if (!r.Imported || r.BadRecords > 0)
            {
                var first = r.Problems.Count > 0 ? $"{r.Problems[0].At}: {r.Problems[0].Problem}" : "";
                throw new CliException($"demo: the claims import of {name} reported {r.ProblemCount} problems; {first}");
            }

            results.Add(r);
        }

        return results;
    }

    /// <summary>
    /// The people half, as an analyst runs it once the answers are in: the exchanges' KYC answers and the providers'
    /// subscriber answers imported (tied to the requests the trace made), then accounts resolved into persons with the
    /// published exit lists, the earlier case's records and the GeoIP file the scripts fetched.
    /// </summary>
    private static async Task<(ImportReturnsResult Returns, ResolvePersonsResult Persons)> RunPersonsAsync(CommandContext ctx, CaseStore store, string scenarioDir,
        CancellationToken ct)
    {
        var op = ctx.Operation();
        var returns = await new ImportReturns(store).RunAsync(new ImportReturnsRequest(
            [Path.Combine(scenarioDir, "returns", "exchanges"), Path.Combine(scenarioDir, "returns", "isp")], Justification: "demo run"), op, ct);
        if (returns.FilesRejected > 0)
        {
            var bad = returns.Files.First(f => f.Problems.Count > 0);
            throw new CliException($"demo: the returns import rejected {returns.FilesRejected} files: {bad.FileName} {bad.Problems[0].At}: {bad.Problems[0].Problem}");
        }

        var network = Path.Combine(scenarioDir, "network");
        var persons = await new ResolvePersons(store).RunAsync(new ResolvePersonsRequest(
            PriorRecords: Path.Combine(scenarioDir, "records", "prior-records.csv"),
            ExitLists: [new ExitListFile(Path.Combine(network, "tor-exit-list.txt"), "tor"), new ExitListFile(Path.Combine(network, "vpn-exit-list.txt"), "vpn")],
            GeoIp: Environment.GetEnvironmentVariable(PersonsCommands.GeoIpVariable) is { Length: > 0 } geo && File.Exists(geo) ? geo : null,
            Justification: "demo run"), op, ct);
        if (persons.ProblemCount > 0)
        {
            throw new CliException($"demo: persons resolve skipped {persons.ProblemCount} input lines: {persons.Problems[0].File} line {persons.Problems[0].Line}: {persons.Problems[0].Problem}");
        }

        return (returns, persons);
    }

    /// <summary>
    /// Opens the report with the desktop's handler (xdg-open) when a person is watching: an interactive terminal and a
    /// graphical session. Never on CI or in a pipe; a failure to open is not a failure of the demo.
    /// </summary>
    private static bool TryOpenInBrowser(CommandContext ctx, string report)
    {
        if (!ctx.Host.Interactive || ctx.Json
            || (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"))))
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("xdg-open", [report]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no xdg-open: the path is printed
        }
    }

    private static void PrepareOutput(string dir)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            if (!File.Exists(Path.Combine(dir, Marker)))
            {
                throw new CliException($"{dir} is not empty and is not a previous demo; choose another --out");
            }

            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, Marker), "made by harrier demo; the whole folder is replaced on the next run\n");
    }
}
