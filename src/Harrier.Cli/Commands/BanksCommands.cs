using System.CommandLine;
using System.Globalization;
using Harrier.Matching.Banks;
using Harrier.Operations.Banks;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier banks import|list</c>.</summary>
internal static class BanksCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("banks", "Known-content hash sets (VICS, ICSE, CSV, NSRL, PDQ, vPDQ) the case's media is matched against.");
        command.Add(Import(options, host));
        command.Add(List(options, host));
        return command;
    }

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var file = new Argument<string>("FILE") { Description = "The hash-set file." };
        var name = new Option<string>("--name") { Description = "A name for the bank, unique in the case.", Required = true };
        var format = new Option<BankFormat>("--format")
        {
            Description = "The format (auto: recognised from the content).",
            DefaultValueFactory = _ => BankFormat.Auto,
        };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import", "Import a hash set as a bank: VICS 1.x/2.0, ICSE CSV, MD5/SHA-1/SHA-256 CSV, NSRL known-good, PDQ list, vPDQ list.")
        {
            file, name, format, justification,
        };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var info = await new ImportBank(store).RunAsync(
                new ImportBankRequest(parse.GetValue(file)!, parse.GetValue(name)!, parse.GetValue(format), parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(info);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bank {info.Name}: {info.Entries} entries ({info.Version}), {info.Warnings.Count} records skipped, {info.Degraded.Count} fields left out of kept records"));
                Problems(ctx, "skipped", info.Source, info.Warnings);
                Problems(ctx, "left out", info.Source, info.Degraded);
            }

            // The bank is made from the valid records; exit 1 says some records were skipped or lost a field.
            return info.Warnings.Count + info.Degraded.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return import;
    }

    /// <summary>The first 20 problems, each as "  KIND: FILE: line N: …" (or "value[N]"), and how many more --json lists.</summary>
    private static void Problems(CommandContext ctx, string kind, string file, IReadOnlyList<string> problems)
    {
        foreach (var p in problems.Take(20))
        {
            ctx.Out.WriteLine($"  {kind}: {file}: {p}");
        }

        if (problems.Count > 20)
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … and {problems.Count - 20} more {kind} (--json lists every one)"));
        }
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var list = new Command("list", "List the case's banks.");
        list.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var banks = (await new ListBanks(store).RunAsync(ct)).Banks;
            if (ctx.Json)
            {
                ctx.WriteJson(banks); // the banks as a JSON array, as before
            }
            else
            {
                foreach (var b in banks)
                {
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{b.Name,-24} {b.Format,-5} {b.Entries,8} entries  {b.Version}  ({b.ImportedUtc})"));
                }
            }

            return ExitCodes.Ok;
        });
        return list;
    }
}
