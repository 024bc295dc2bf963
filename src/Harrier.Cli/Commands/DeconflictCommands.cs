using System.CommandLine;
using System.Globalization;
using Harrier.Cases.Deconfliction;
using Harrier.Operations.Deconfliction;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier deconflict import|list|status</c>.</summary>
internal static class DeconflictCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("deconflict",
            "The deconfliction register: other agencies' claims on identifiers, matched to the persons of the latest run, with conflicts (two agencies on one person, " +
            "a claim on a person placed in another country, a claim matching several persons) and each claim's status history.");
        command.Add(Import(options, host));
        command.Add(List(options, host));
        command.Add(Status(options, host));
        return command;
    }

    private static Command Import(GlobalOptions options, CliHost host)
    {
        var file = new Argument<string>("FILE") { Description = "A claims file: CSV (one claim a row, identifiers as type:value;type:value) or JSON (docs/deconfliction.md)." };
        var format = new Option<string?>("--format") { Description = "csv or json (default: by the file's extension, else its first character)." };
        format.AcceptOnlyFromAmong("csv", "json");
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("import",
            "Import other agencies' claims into the register. Bad records are reported with file, line or record and field, and the rest imported (exit 1); " +
            "a file with no good record imports nothing (exit 2). A file is imported once (by SHA-256; a second import is refused, exit 2). " +
            "Identifiers that match no person of the latest run are listed.")
        {
            file, format, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new ImportClaims(store).RunAsync(new ImportClaimsRequest(parse.GetValue(file)!, parse.GetValue(format), parse.GetValue(justification)),
                ctx.Operation(), ct);
            foreach (var p in result.Problems)
            {
                ctx.Error($"harrier: {result.Path} {p.At}: {p.Problem}");
            }

            if (result.ProblemCount > result.Problems.Count)
            {
                ctx.Error(string.Create(CultureInfo.InvariantCulture, $"harrier: … {result.ProblemCount - result.Problems.Count} more problems not listed"));
            }

            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                Print(ctx.Out, result);
            }

            return !result.Imported ? ExitCodes.UsageOrEnvironment : result.BadRecords > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var person = new Option<int?>("--person") { Description = "Only the claims on this person of the latest run (see persons list)." };
        var conflicts = new Option<bool>("--conflicts") { Description = "Only the claims in conflict (two agencies, another country's person, several persons)." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("list", "List the register's claims with the persons each matches (number, matched-by identifier), the conflicts, and the identifiers no person has.")
        {
            person, conflicts, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ListClaims(store).RunAsync(new ListClaimsRequest(parse.GetValue(person), parse.GetValue(conflicts), parse.GetValue(justification)),
                ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                Print(ctx.Out, result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(GlobalOptions options, CliHost host)
    {
        var claim = new Argument<string>("CLAIM") { Description = "The claim's id (see deconflict list), or its reference when only one agency uses it." };
        var set = new Option<string>("--set") { Description = "The new status: open, confirmed or withdrawn.", Required = true };
        set.AcceptOnlyFromAmong([.. ClaimStatuses.All]);
        var reason = new Option<string>("--reason") { Description = "Why the status changes (kept in the claim's history).", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("status", "Change a claim's status with a reason; the step (who, when, from, to, why) is kept in its history and audited. A withdrawn claim stays listed and raises no conflict.")
        {
            claim, set, reason, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var result = await new SetClaimStatus(store).RunAsync(
                new SetClaimStatusRequest(parse.GetValue(claim)!, parse.GetValue(set)!, parse.GetValue(reason)!, parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            var c = result.Claim;
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"claim {c.ClaimId} ({c.Agency} {c.ClaimReference}): {result.Change.From} -> {result.Change.To}"));
            foreach (var h in result.History)
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {h.TimeUtc} {h.Actor}: {h.From ?? "(new)"} -> {h.To}: {h.Reason}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    internal static void Print(TextWriter o, ImportClaimsResult r)
    {
        if (!r.Imported)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Path}: nothing imported ({r.Records} records read, {r.BadRecords} bad, {r.ProblemCount} problems)"));
            return;
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"deconfliction import {r.ImportId} of {r.Path} ({r.Format}): {r.Claims} claims, {r.Identifiers} identifiers; {r.BadRecords} bad records left out"));
        if (r.UnknownColumns.Count > 0)
        {
            o.WriteLine($"  ignored columns: {string.Join(", ", r.UnknownColumns)}");
        }

        o.WriteLine(r.RunId is { } run
            ? string.Create(CultureInfo.InvariantCulture,
                $"  against persons run {run}: {r.ClaimsMatched} of {r.Claims} claims match a person, {r.UnmatchedIdentifierCount} identifiers match none, {r.Conflicts} conflicts")
            : string.Create(CultureInfo.InvariantCulture, $"  no persons run yet: {r.UnmatchedIdentifierCount} identifiers match no person (run harrier persons resolve)"));
        foreach (var u in r.UnmatchedIdentifiers.Take(20))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  unmatched: claim {u.ClaimId} ({u.Agency} {u.ClaimReference}) {u.Identifier}: {u.Why}"));
        }

        if (r.UnmatchedIdentifierCount > 20)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {r.UnmatchedIdentifierCount - 20} more (deconflict list --json lists them)"));
        }
    }

    internal static void Print(TextWriter o, ListClaimsResult r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"deconfliction register against {(r.RunId is { } run ? $"persons run {run}" : "no persons run")}: {r.Claims.Count} of {r.TotalClaims} claims shown, {r.Conflicts.Count} conflicts"));
        foreach (var m in r.Claims)
        {
            var c = m.Claim;
            var conflict = m.Conflicts.Count > 0 ? "  CONFLICT: " + string.Join(", ", m.Conflicts) : "";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  claim {c.ClaimId}: {c.Agency} ({c.AgencyCountry}) {c.ClaimReference}, case {c.CaseReference}, {c.Status}, {c.HandlingCode}{conflict}"));
            foreach (var p in m.Persons)
            {
                var kinds = p.Conflicts.Count > 0 ? " [" + string.Join(", ", p.Conflicts) + "]" : "";
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    person {p.PersonNumber} ({p.PersonCountry ?? "country unknown"}) by {string.Join("; ", p.MatchedBy.Select(e => $"{e.Identifier} ({e.Source})"))}{kinds}"));
            }

            foreach (var u in m.Unmatched)
            {
                o.WriteLine($"    unmatched {u.Identifier}: {u.Why}");
            }
        }

        foreach (var k in r.Conflicts)
        {
            o.WriteLine($"  conflict {k.Kind}: {k.Detail}");
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r.UnmatchedIdentifierCount} identifiers of the claims shown match no person"));
    }
}
