using System.CommandLine;
using System.Globalization;
using Harrier.Operations.Returns;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier returns import|list</c>.</summary>
internal static class ReturnsCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("returns", "Answers to data requests: exchange KYC (the customer behind a withdrawal) and ISP subscribers (who held an IP address).");
        command.Add(Import(options, host));
        command.Add(List(options, host));
        return command;
    }

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var paths = new Argument<string[]>("PATH")
        {
            Description = "Returns files (CSV with a header, or JSON) or folders (every .csv and .json file in it, by name).",
            Arity = ArgumentArity.OneOrMore,
        };
        var kind = new Option<string?>("--kind") { Description = "kyc or isp for every file (default: told by each file's columns)." };
        kind.AcceptOnlyFromAmong("kyc", "isp");
        var exchange = new Option<string?>("--exchange") { Description = "The exchange of KYC rows that have no exchange column or value." };
        var isp = new Option<string?>("--isp") { Description = "The provider of subscriber rows that have no isp column or value." };
        var justification = EvidenceCommands.JustificationOption();
        var import = new Command("import",
            "Import returns files (docs/returns.md). A file with any bad row is rejected whole and its rows reported with line and field; the other files " +
            "still import (exit 1 when a file was rejected and another imported; exit 2 when every file was rejected: nothing written). KYC rows are tied to the requests of the case's last chain trace by withdrawal txid and vout. " +
            "A file is imported once; a missing path or a file already imported refuses the whole call (exit 2).")
        {
            paths, kind, exchange, isp, justification,
        };
        import.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var request = new ImportReturnsRequest(parse.GetValue(paths)!, parse.GetValue(kind), parse.GetValue(exchange), parse.GetValue(isp), parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "importing returns", p => new ImportReturns(store).RunAsync(request, ctx.Operation(p), ct));
            foreach (var (f, p) in result.Files.SelectMany(f => f.Problems.Select(p => (f, p))))
            {
                ctx.Error($"harrier: {f.Path} {p.At}: {p.Problem}");
            }

            if (result.Warning is not null)
            {
                ctx.Error("harrier: warning: " + result.Warning);
            }

            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                Print(ctx.Out, result);
            }

            // The contract of every import: some files rejected and others imported is 1; nothing imported at all (every file
            // rejected: no row written, no audit entry, the case unchanged) is 2.
            return result.FilesRejected == 0 ? ExitCodes.Ok : result.FilesImported == 0 ? ExitCodes.UsageOrEnvironment : ExitCodes.Failures;
        });
        return import;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var list = new Command("list", "List the returns files imported into the case.");
        list.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ListReturns(store).RunAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                foreach (var i in result.Imports)
                {
                    ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{i.ImportId,4}  {i.Kind,-3} {i.Format,-4} {i.Rows,8} rows {i.RowsTied,8} tied  {i.FileName}  sha256 {i.Sha256}  ({i.ImportedUtc}, {i.ImportedBy})"));
                }
            }

            return ExitCodes.Ok;
        });
        return list;
    }

    /// <summary>The text form of an import's result.</summary>
    internal static void Print(TextWriter output, ImportReturnsResult r)
    {
        foreach (var f in r.Files)
        {
            if (f.Imported)
            {
                var tied = f.Kind == "kyc"
                    ? string.Create(CultureInfo.InvariantCulture,
                        $", {f.RowsTied} tied to a request, {f.RowsNotAskedFor} not asked for, {f.ExchangeMismatches} naming another exchange than the request")
                    : string.Empty;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"returns import {f.ImportId}: {f.FileName} ({f.Kind}, {f.Format}): {f.Rows} rows{tied}"));
            }
            else
            {
                // Each problem is on stderr (the first ImportReturns.MaxReported of the file).
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rejected: {f.FileName}: {f.ProblemCount} problems{(f.ProblemCount > f.Problems.Count ? $" (the first {f.Problems.Count} shown)" : string.Empty)}, nothing of the file imported"));
            }

            if (f.UnknownColumns.Count > 0)
            {
                output.WriteLine($"  columns ignored: {string.Join(", ", f.UnknownColumns)}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.FilesImported} files imported, {r.FilesRejected} rejected: {r.KycRows} KYC rows ({r.RowsTied} tied to a request, {r.RowsNotAskedFor} not asked for), {r.SubscriberRows} subscriber rows"));
        foreach (var n in r.NotAskedFor.Take(20))
        {
            output.WriteLine($"  not asked for: {n.File} {n.At}: {n.Exchange} customer {n.CustomerId}, withdrawal {n.WithdrawalTxid}:{n.WithdrawalVout}");
        }

        foreach (var m in r.ExchangeMismatches.Take(20))
        {
            output.WriteLine($"  another exchange: {m.File} {m.At}: {m.Exchange} answers {m.WithdrawalTxid}:{m.WithdrawalVout}, which the request to {m.RequestActor} asked for");
        }
    }
}
