using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Audit;
using Spectre.Console;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier audit verify|show</c>.</summary>
internal static class AuditCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("audit", "Check or show the case's hash-chained audit log.");

        var verify = new Command("verify", "Recompute the hash chain; exit 1 naming the first entry that was edited, deleted, inserted or reordered.");
        verify.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new VerifyAudit(store).RunAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else if (result.Ok)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit log intact: {result.Entries} entries")
                    + (result.UnanchoredEntries > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({result.UnanchoredEntries} after the anchored head)") : string.Empty));
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit log BROKEN at entry {result.FirstBadSeq}: {result.Problem}"));
            }

            return result.Ok ? ExitCodes.Ok : ExitCodes.Failures;
        });

        var tail = new Option<int?>("--tail") { Description = "Only the last N entries." };
        var show = new Command("show", "Print the audit log (seq, time, actor, action, object, justification).") { tail };
        show.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
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
        command.Add(show);
        return command;
    }
}
