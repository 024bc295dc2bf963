using System.CommandLine;
using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier export vics</c>.</summary>
internal static class ExportCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("export", "Export case data in exchange formats.");
        var outFile = new Option<string>("--out") { Description = "The file to write.", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var vics = new Command("vics", "Export the case's triaged media as VICS 2.0 (US) JSON: digests, size, VICS-US category when matched. No file names.")
        {
            outFile, justification,
        };
        vics.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var rows = await new TriageStore(store).LoadAsync(ct);
            if (rows.Count == 0)
            {
                throw new CliException("no triage results in this case; run 'harrier triage' first");
            }

            var files = new Dictionary<long, EvidenceFile>();
            foreach (var exhibit in await store.Evidence.ExhibitsAsync(ct))
            {
                foreach (var f in await store.Evidence.ListAsync(exhibit.ExhibitId, ct))
                {
                    files[f.Id] = f;
                }
            }

            var path = Path.GetFullPath(parse.GetValue(outFile)!);
            var count = VicsExport.Write(path, rows, files);
            await store.Audit.AppendAsync(ctx.Actor, "export.vics", string.Create(CultureInfo.InvariantCulture, $"{count} media records to {path}"),
                parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { path, media = count });
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} media records written to {path}"));
            }

            return ExitCodes.Ok;
        });
        command.Add(vics);
        return command;
    }
}
