using System.CommandLine;
using System.Globalization;
using Harrier.Cases;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier demo</c>: the main job on the embedded defaults. Today it creates a case, registers a sample exhibit,
/// re-verifies it and verifies the audit log; the triage pipeline will extend it.
/// </summary>
internal static class DemoCommand
{
    private const string Marker = ".harrier-demo";

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Folder for the demo case (a previous demo there is replaced).",
            DefaultValueFactory = _ => "harrier-demo",
        };
        var evidence = new Option<string?>("--evidence")
        {
            Description = "Folder to register as the sample exhibit (default: ../shared/datasets/photos when present, else a generated sample).",
        };
        var command = new Command("demo", "Run the main job end to end on built-in defaults: case, sample exhibit, verification.") { outDir, evidence };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var dir = Path.GetFullPath(parse.GetValue(outDir)!);
            PrepareOutput(dir);
            var caseDir = Path.Combine(dir, "case");
            var source = parse.GetValue(evidence) ?? FindSharedPhotos() ?? GenerateSample(Path.Combine(dir, "sample-exhibit"));

            CaseStore store;
            EvidenceAddResult added;
            try
            {
                store = await CaseStore.CreateAsync(caseDir, "Harrier demo", ctx.Db, ctx.Actor, ctx.Time, ct);
                added = await WorkProgress.RunAsync(ctx, "registering sample exhibit", p =>
                    store.Evidence.AddAsync(source, "DEMO-001", "sample exhibit (benign files)", ctx.Actor, "demo run", null, ct));
            }
            catch (CaseStoreException e)
            {
                throw new CliException(e.Message);
            }

            var verified = await store.Evidence.VerifyAsync("DEMO-001", ctx.Actor, "demo run", null, ct);
            var audit = await store.Audit.VerifyAsync(ct);
            var ok = verified.Intact && audit.Ok && added.Unreadable.Count == 0;
            if (ctx.Json)
            {
                ctx.WriteJson(new
                {
                    ok,
                    caseDir,
                    evidence = source,
                    files = added.Registered,
                    bytes = added.BytesHashed,
                    hashSeconds = added.Elapsed.TotalSeconds,
                    evidenceIntact = verified.Intact,
                    auditIntact = audit.Ok,
                    auditEntries = audit.Entries,
                });
            }
            else
            {
                var mbps = added.Elapsed.TotalSeconds > 0 ? added.BytesHashed / 1e6 / added.Elapsed.TotalSeconds : 0;
                ctx.Out.WriteLine($"case:      {caseDir}");
                ctx.Out.WriteLine($"exhibit:   DEMO-001 from {source}");
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"hashed:    {added.Registered} files, {added.BytesHashed:N0} bytes (MD5+SHA-1+SHA-256) in {added.Elapsed.TotalSeconds:F2} s, {mbps:F0} MB/s"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"evidence:  {(verified.Intact ? "intact" : "CHANGED")} ({verified.Checked} re-hashed)"));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"audit log: {(audit.Ok ? "intact" : "BROKEN: " + audit.Problem)} ({audit.Entries} entries)"));
                ctx.Out.WriteLine($"next:      harrier case info --case {caseDir}   ·   harrier audit show --case {caseDir}");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failures;
        });
        return command;
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

    private static string? FindSharedPhotos() =>
        SharedFolder.Find() is { } shared && Directory.Exists(Path.Combine(shared, "datasets", "photos"))
            ? Path.Combine(shared, "datasets", "photos")
            : null;

    /// <summary>A small deterministic folder of benign files, for machines without ../shared.</summary>
    private static string GenerateSample(string dir)
    {
        var random = new Random(20250402);
        for (var i = 0; i < 64; i++)
        {
            var sub = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"folder-{i % 4}"));
            Directory.CreateDirectory(sub);
            var bytes = new byte[random.Next(1_000, 400_000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(sub, string.Create(CultureInfo.InvariantCulture, $"file-{i:D3}.bin")), bytes);
        }

        return dir;
    }
}
