using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Cases;
using Spectre.Console;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier case init|info</c>.</summary>
internal static class CaseCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("case", "Create a case folder or show what it holds.");

        var dir = new Argument<string>("DIR") { Description = "The case folder to create (created if absent; must not hold a case)." };
        var name = new Option<string>("--name") { Description = "The case's name, e.g. an operation name.", Required = true };
        var init = new Command("init", "Create a case: case.json, the database (SQLite case.db, or --db for PostgreSQL), the case key (outside the folder: --key FILE or the per-user key store) and the audit log.") { dir, name };
        init.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var result = await InitCase.RunAsync(new InitCaseRequest(parse.GetValue(dir)!, parse.GetValue(name)!, ctx.Db), ctx.Operation(), ctx.Keys, ct);
            var summary = result.Summary;
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine($"created case \"{summary.Name}\" ({summary.CaseId}) in {result.CaseDir} on {summary.Database}");
                ctx.Out.WriteLine($"case key {result.KeyFingerprint} in {result.KeyFile} (keep the fingerprint apart from the case folder)");
            }

            return ExitCodes.Ok;
        });

        var info = new Command("info", "Show the case: name, database, schema version, exhibits, files and audit entries.");
        info.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ShowCase(store).RunAsync(ct);
            var (summary, exhibits) = (result.Summary, result.Exhibits);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            var console = host.CreateConsole();
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, string v) => grid.AddRow(Markup.Escape(k), Markup.Escape(v));
            Row("case", $"{summary.Name} ({summary.CaseId})");
            Row("folder", result.CaseDir);
            Row("created", summary.CreatedUtc);
            Row("database", $"{summary.Database}, schema v{summary.SchemaVersion}");
            Row("exhibits", summary.Exhibits.ToString(CultureInfo.InvariantCulture));
            Row("files", string.Create(CultureInfo.InvariantCulture, $"{summary.Files} hashed ({summary.Bytes:N0} bytes), {summary.FilesNotHashed} not hashed"));
            Row("audit entries", summary.AuditEntries.ToString(CultureInfo.InvariantCulture));
            console.Write(grid);
            if (exhibits.Count > 0)
            {
                var table = new Table().AddColumns("exhibit", "files", "bytes", "not hashed", "registered", "by", "source");
                foreach (var x in exhibits)
                {
                    table.AddRow(Markup.Escape(x.ExhibitId), x.Files.ToString(CultureInfo.InvariantCulture),
                        x.Bytes.ToString("N0", CultureInfo.InvariantCulture), x.Problems.ToString(CultureInfo.InvariantCulture),
                        x.RegisteredUtc, Markup.Escape(x.RegisteredBy), Markup.Escape(x.SourceRoot));
                }

                console.Write(table);
            }

            return ExitCodes.Ok;
        });

        command.Add(init);
        command.Add(info);
        return command;
    }
}
