using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Platform;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier platform import|mapping|deposits</c>.</summary>
internal static class PlatformCommands
{
    /// <summary>Where a dump's scratch PostgreSQL server is named when --scratch is not given.</summary>
    public const string ScratchVariable = "HARRIER_SCRATCH_PG";

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("platform", "The seized platform's own database: accounts, logins, uploads, categorisations, ledger, payments, message metadata.");
        command.Add(Import(options, host));
        command.Add(Mapping(options, host));
        command.Add(Deposits(options, host));
        return command;
    }

    private static Command Deposits(GlobalOptions options, CliHost host)
    {
        var output = new Option<string>("--out") { Description = "The deposit list to write (address,account a line), for chain cluster/trace --deposits.", Required = true };
        var importId = new Option<long?>("--import") { Description = "Which platform import (default: the latest)." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("deposits", "Write the deposit addresses of the imported platform's accounts as a deposit list for the chain commands.")
        {
            output, importId, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new WriteDeposits(store).RunAsync(
                new WriteDepositsRequest(parse.GetValue(output)!, parse.GetValue(importId), parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Deposits} deposit addresses of platform import {result.ImportId} written to {result.Path} ({result.AccountsWithoutAddress} accounts without one, {result.SharedAddresses} sharing an earlier account's)"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var from = new Option<string>("--from")
        {
            Description = "The platform database: sqlite:FILE (opened read-only), postgres:CONNSTR, or dump:FILE.sql (a plain-SQL dump, loaded with psql into a scratch database).",
            Required = true,
        };
        var mapping = new Option<string?>("--mapping")
        {
            Description = "A mapping file (YAML, docs/platform.md) from the platform's tables and columns to Harrier's entities (default: the scenario schema's; see 'platform mapping').",
        };
        var scratch = new Option<string?>("--scratch")
        {
            Description = $"For dump: a PostgreSQL server where harrier may create and drop a scratch database (admin connection string; default ${ScratchVariable}).",
        };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import",
            "Import the platform's records into the case through a mapping. A mapping naming a missing table or column is refused before anything is written (exit 2); " +
            "rows that break the mapping are reported with table and key and the rest is imported (exit 1). Uploads are linked to evidence files by digest, else by path. " +
            "A source is imported once.")
        {
            from, mapping, scratch, justification,
        };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var request = new ImportPlatformRequest(parse.GetValue(from)!, parse.GetValue(mapping),
                parse.GetValue(scratch) ?? Environment.GetEnvironmentVariable(ScratchVariable), parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "importing the platform", p => new ImportPlatform(store).RunAsync(request, ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                Print(ctx.Out, result);
            }

            return result.RejectedRows > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return import;
    }

    private static Command Mapping(GlobalOptions options, CliHost host)
    {
        var file = new Argument<string?>("FILE") { Description = "A mapping file to check and print in canonical form (omit with --default).", Arity = ArgumentArity.ZeroOrOne };
        var builtIn = new Option<bool>("--default") { Description = "Print the built-in mapping of the scenario schema." };
        var command = new Command("mapping", "Print the default mapping (--default), or check a mapping file and print it in canonical form with its digest.")
        {
            file, builtIn,
        };
        command.SetAction(options, host, (ctx, parse, ct) =>
        {
            var path = parse.GetValue(file);
            if (path is null == !parse.GetValue(builtIn))
            {
                throw new CliException("give a mapping FILE or --default");
            }

            var mapping = path is null ? PlatformMapping.Default : PlatformMappingFormat.Read(path);
            if (ctx.Json)
            {
                ctx.WriteJson(new { sha256 = PlatformMappingFormat.Sha256(mapping), mapping = PlatformMappingFormat.Write(mapping) });
            }
            else
            {
                ctx.Out.Write(PlatformMappingFormat.Write(mapping));
                ctx.Out.WriteLine("# sha256 " + PlatformMappingFormat.Sha256(mapping));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>The text form of an import's result.</summary>
    internal static void Print(TextWriter output, ImportPlatformResult r)
    {
        var c = r.Counts;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"platform import {r.ImportId}: {r.Source}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {c.Accounts} accounts, {c.Logins} logins, {c.Uploads} uploads, {c.UploadFiles} upload files ({c.LinkedFiles} linked to evidence), " +
            $"{c.Categorisations} categorisations, {c.Ledger} ledger entries, {c.Payments} payments, {c.Messages} messages"));
        output.WriteLine($"  mapping sha256 {r.MappingSha256}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.RejectedRows} rows rejected"));
        foreach (var p in r.Rejected.Take(20))
        {
            output.WriteLine($"  rejected: {p.Table} {p.Row}: {p.Problem}");
        }

        if (r.RejectedRows > Math.Min(20, r.Rejected.Count))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {r.RejectedRows - Math.Min(20, r.Rejected.Count)} more (--json lists the first {ImportPlatform.MaxReported})"));
        }
    }
}
