using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Audit;
using Spectre.Console;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier audit verify|checkpoint|show</c>.</summary>
internal static class AuditCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("audit", "Check or show the case's hash-chained audit log.");

        var checkpointFile = new Option<string?>("--checkpoint")
        {
            Description = "A checkpoint file (harrier audit checkpoint): also prove the chain up to its entry unchanged and not cut below it.",
        };
        var allowUnsigned = new Option<bool>("--allow-unsigned")
        {
            Description = "Accept an intact but unsigned chain (a case made before case keys) with exit 0.",
        };
        var verify = new Command("verify",
            "Recompute the hash chain and check it against the heads signed by the case key and case.json; exit 1 naming the first entry " +
            "that was edited, deleted, inserted, reordered, cut off or appended without the key. With the case key at hand, also recompute " +
            "every table's digest from its rows and exit 1 naming each table changed, added to or deleted from outside Harrier.") { checkpointFile, allowUnsigned };
        verify.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new VerifyAudit(store).RunAsync(new VerifyAuditRequest(parse.GetValue(checkpointFile), parse.GetValue(allowUnsigned)), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else if (result.Ok)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit log intact: {result.Entries} entries")
                    + (result.UnanchoredEntries > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({result.UnanchoredEntries} after the anchored head)") : string.Empty)
                    + (result.HeadSigned ? $", head signed by {result.KeyFingerprint}" : string.Empty)
                    + (result.TablesChecked > 0 ? string.Create(CultureInfo.InvariantCulture, $", {result.TablesChecked} tables agree with it") : string.Empty)
                    + (result.CheckpointSeq is { } at ? string.Create(CultureInfo.InvariantCulture, $", agrees with the checkpoint at entry {at}") : string.Empty));
                if (result.Note is { } note)
                {
                    ctx.Out.WriteLine($"note: {note}");
                }
            }
            else
            {
                ctx.Out.WriteLine(result.FirstBadSeq is { } seq
                    ? string.Create(CultureInfo.InvariantCulture, $"audit log BROKEN at entry {seq}: {result.Problem}")
                    : $"audit log BROKEN: {result.Problem}");
            }

            return result.Ok ? ExitCodes.Ok : ExitCodes.Failures;
        });

        var outFile = new Option<string?>("--out") { Description = "Write the checkpoint to FILE (keep it outside the case folder); default: stdout." };
        var checkpoint = new Command("checkpoint",
            "Verify the chain, then export its signed head (case id, entry, hash, time, key fingerprint, signature) as a small JSON checkpoint " +
            "to keep elsewhere; 'audit verify --checkpoint FILE' later proves nothing up to it changed.") { outFile };
        checkpoint.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ExportAuditCheckpoint(store).RunAsync(new ExportAuditCheckpointRequest(parse.GetValue(outFile)), ct);
            if (result.Checkpoint is not { } head)
            {
                if (ctx.Json)
                {
                    ctx.WriteJson(result);
                }
                else
                {
                    ctx.Out.WriteLine($"no checkpoint: audit log BROKEN: {result.Verification.Problem}");
                }

                return ExitCodes.Failures;
            }

            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else if (result.File is { } written)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checkpoint at entry {head.Seq} ({head.Hash}) signed by {head.KeyFingerprint} written to {written}"));
            }
            else
            {
                ctx.Out.Write(head.ToJson());
            }

            return ExitCodes.Ok;
        });

        var tail = new Option<int?>("--tail") { Description = "Only the last N entries." };
        var show = new Command("show", "Print the audit log (seq, time, actor, action, object, justification).") { tail };
        show.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var entries = (await new ShowAudit(store).RunAsync(new ShowAuditRequest(parse.GetValue(tail)), ct)).Entries;
            if (ctx.Json)
            {
                ctx.WriteJson(entries); // the entries as a JSON array, as before
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("seq", "time (UTC)", "actor", "action", "object", "justification");
            foreach (var e in entries)
            {
                table.AddRow(e.Seq.ToString(CultureInfo.InvariantCulture), e.TimeUtc, Markup.Escape(e.Actor), Markup.Escape(e.Action),
                    Markup.Escape(e.Target), Markup.Escape(e.Justification));
            }

            host.CreateConsole().Write(table);
            return ExitCodes.Ok;
        });

        command.Add(verify);
        command.Add(checkpoint);
        command.Add(show);
        return command;
    }
}
