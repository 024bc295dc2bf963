using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Triage;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier export vics</c>.</summary>
internal static class ExportCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("export", "Export case data in exchange formats.");
        var outFile = new Option<string>("--out") { Description = "The file to write.", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var vics = new Command("vics", "Export the case's triaged media as VICS 2.0 (US) JSON: digests, size, VICS-US category (an analyst's latest, else the bank's). No file names.")
        {
            outFile, justification,
        };
        vics.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ExportVics(store).RunAsync(new ExportVicsRequest(parse.GetValue(outFile)!, parse.GetValue(justification)), ctx.Operation(), ct);
            var (path, count) = (result.Path, result.Media);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
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
