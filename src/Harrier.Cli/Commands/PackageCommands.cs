using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Packages;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier package build|verify</c>.</summary>
internal static class PackageCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("package", "Signed per-country packages for national units: build them from the ranking, verify one (also without the case).");
        command.Add(Build(options, host));
        command.Add(Verify(options, host));
        return command;
    }

    private static Command Build(GlobalOptions options, CliHost host)
    {
        var country = new Option<string?>("--country") { Description = "Only this country's package (ISO 3166 two-letter code); default: every country with a person of tier 1-3." };
        var output = new Option<string>("--out") { Description = "The folder that receives one sub-folder per country (default: ./packages). An existing package is never overwritten.", DefaultValueFactory = _ => "packages" };
        var handling = new Option<string?>("--handling") { Description = "The packages' handling code: H0, H1, H2 (default) or H3 (Europol). Provider returns carry H1, claims their agency's code." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("build",
            "Build one folder per country: package.json (docs/schemas/package.schema.json), package.html, package.pdf, the return rows that concern it, and manifest.json with every file's SHA-256, signed with the case key (manifest.sig).")
        {
            country, output, handling, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var r = await WorkProgress.RunAsync(ctx, "building packages", p => new BuildPackages(store).RunAsync(
                new BuildPackagesRequest(parse.GetValue(output)!, parse.GetValue(country), parse.GetValue(handling), parse.GetValue(justification)), ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(r);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Packages.Count} package(s) in {r.OutputDirectory} (targets run {r.TargetsRun}, handling {r.Handling}), signed with key {r.KeyFingerprint}, audit head {r.AuditHeadSeq}:"));
            foreach (var p in r.Packages)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {p.Country}: {p.Persons} persons (tier 1 {p.Tier1}, tier 2 {p.Tier2}, tier 3 {p.Tier3}), {p.Identified} identified, {p.Claimed} claimed; {p.Files} files and the signed manifest; manifest sha256 {p.ManifestSha256}"));
            }

            if (r.Unplaced > 0)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Unplaced} person(s) of tier 1-3 have no country and are in no package ('harrier targets list --max-tier 3' shows them with 'country unknown')"));
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  give each receiving unit the key fingerprint {r.KeyFingerprint} by another channel; they check with 'harrier package verify DIR --fingerprint …'"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify(GlobalOptions options, CliHost host)
    {
        var dir = new Argument<string>("DIR") { Description = "A package folder (one country)." };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "The fingerprint of the key it must be signed with (ed25519:…), as the sending unit gave it; without it, the key of the case given with --case." };
        var command = new Command("verify",
            "Check a package: the manifest's Ed25519 signature, that the key is the expected one, the audit head's signature, and every file's SHA-256. Exit 0 intact; 1 names the first file changed, added or removed (or a wrong key).")
        {
            dir, fingerprint,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var expected = parse.GetValue(fingerprint);
            if (string.IsNullOrWhiteSpace(expected) && parse.GetValue(options.Case) is not null)
            {
                var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
                expected = store.Key.Fingerprint;
            }

            var r = VerifyPackage.Run(new VerifyPackageRequest(parse.GetValue(dir)!, expected));
            if (ctx.Json)
            {
                ctx.WriteJson(r);
            }
            else if (r.Valid)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Directory}: intact: {r.Country} package, {r.Files} files as listed, manifest and audit head (entry {r.AuditHeadSeq}) signed by {r.KeyFingerprint}"));
            }
            else
            {
                ctx.Out.WriteLine($"{r.Directory}: NOT intact: {r.First!.File} {r.First.Kind}: {r.First.Detail}");
                foreach (var p in r.Problems.Skip(1).Take(20))
                {
                    ctx.Out.WriteLine($"  also {p.File} {p.Kind}: {p.Detail}");
                }
            }

            return r.Valid ? ExitCodes.Ok : ExitCodes.Failures;
        });
        return command;
    }
}
