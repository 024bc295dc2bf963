using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Operations.Evidence;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier evidence add|verify|list</c>.</summary>
internal static class EvidenceCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("evidence", "Register evidence files with their digests, and verify them later.");
        command.Add(Add(options, host));
        command.Add(Verify(options, host));
        command.Add(List(options, host));
        return command;
    }

    internal static Option<string?> JustificationOption() => new("--justification")
    {
        Description = "Why this is being done (recorded in the audit log).",
    };

    private static Command Add(GlobalOptions options, CliHost host)
    {
        var path = new Argument<string>("PATH") { Description = "A file or folder tree to register (read only, never modified)." };
        var exhibit = new Option<string>("--exhibit") { Description = "Exhibit id, e.g. EX-001.", Required = true };
        var description = new Option<string?>("--description") { Description = "What the exhibit is." };
        var justification = JustificationOption();
        var add = new Command("add",
            "Register every file under PATH: relative path, size, timestamps, MD5, SHA-1 and SHA-256 in one read, in parallel. " +
            "Resumable: run it again after an interruption and each file is recorded exactly once.")
        {
            path, exhibit, description, justification,
        };
        add.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var request = new AddEvidenceRequest(parse.GetValue(path)!, parse.GetValue(exhibit)!, parse.GetValue(description), parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "hashing evidence", p => new AddEvidence(store).RunAsync(request, ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"exhibit {result.ExhibitId}: {result.Found} found, {result.Registered} newly recorded, {result.AlreadyRecorded} already recorded, {result.BytesHashed:N0} bytes hashed in {result.ElapsedSeconds:F1} s"));
                foreach (var p in result.Unreadable)
                {
                    ctx.Out.WriteLine($"  unreadable: {p.RelPath}: {p.Reason}");
                }

                foreach (var p in result.Skipped)
                {
                    ctx.Out.WriteLine($"  skipped:    {p.RelPath}: {p.Reason}");
                }
            }

            return result.Unreadable.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return add;
    }

    private static Command Verify(GlobalOptions options, CliHost host)
    {
        var exhibit = new Option<string?>("--exhibit") { Description = "Only this exhibit (default: all)." };
        var justification = JustificationOption();
        var verify = new Command("verify", "Re-hash registered evidence and report files changed, missing, added or unreadable since registration (exit 1 if any).")
        {
            exhibit, justification,
        };
        verify.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var request = new VerifyEvidenceRequest(parse.GetValue(exhibit), parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "verifying evidence", p => new VerifyEvidence(store).RunAsync(request, ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Checked} checked: {result.Unchanged} unchanged, {result.Changed.Count} changed, {result.Missing.Count} missing, {result.Added.Count} added, {result.Unreadable.Count} unreadable"));
                foreach (var (label, list) in new[] { ("changed", result.Changed), ("missing", result.Missing), ("added", result.Added), ("unreadable", result.Unreadable) })
                {
                    foreach (var p in list)
                    {
                        ctx.Out.WriteLine($"  {label}: {p.RelPath}: {p.Reason}");
                    }
                }
            }

            return result.Intact ? ExitCodes.Ok : ExitCodes.Failures;
        });
        return verify;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var exhibit = new Option<string?>("--exhibit") { Description = "Only this exhibit (default: all)." };
        var justification = JustificationOption();
        var list = new Command("list", "List registered files with their digests (recorded in the audit log).") { exhibit, justification };
        list.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var files = (await new ListEvidence(store).RunAsync(new ListEvidenceRequest(parse.GetValue(exhibit), parse.GetValue(justification)),
                ctx.Operation(), ct)).Files;
            if (ctx.Json)
            {
                ctx.WriteJson(files); // the files as a JSON array, as before
                return ExitCodes.Ok;
            }

            foreach (var f in files)
            {
                ctx.Out.WriteLine(f.Status == EvidenceStatus.Ok
                    ? string.Create(CultureInfo.InvariantCulture, $"{f.ExhibitId}\t{f.RelPath}\t{f.Size}\t{f.Sha256}\t{f.Sha1}\t{f.Md5}")
                    : $"{f.ExhibitId}\t{f.RelPath}\t{f.Status}\t{f.Error}");
            }

            return ExitCodes.Ok;
        });
        return list;
    }
}
