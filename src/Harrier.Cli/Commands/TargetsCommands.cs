using System.CommandLine;
using System.Globalization;
using Harrier.Cases.Targets;
using Harrier.Operations.Targets;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier targets rank|list|show|move</c>.</summary>
internal static class TargetsCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("targets", "Rank the persons by what the platform data shows they did (every score a sum of logged factors), list them, show one, move one with a reason.");
        command.Add(Rank(options, host));
        command.Add(List(options, host));
        command.Add(Show(options, host));
        command.Add(Move(options, host));
        return command;
    }

    private static Command Rank(GlobalOptions options, CliHost host)
    {
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("rank", "Rank the persons of the latest persons run: tier 1 (administrators, uploaders of first-seen material) to tier 4 (viewers); stores the ranking with every factor.")
        {
            justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var r = await WorkProgress.RunAsync(ctx, "ranking persons", p => new RankTargets(store).RunAsync(new RankTargetsRequest(parse.GetValue(justification)), ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(r);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets run {r.RunId} of persons run {r.PersonsRunId}: {r.Persons} persons; tier 1 {r.Tier1}, tier 2 {r.Tier2}, tier 3 {r.Tier3}, tier 4 {r.Tier4} ({r.ElapsedSeconds:0.0} s)"));
            ctx.Out.WriteLine("  next: 'harrier targets list' (every factor: 'targets show N')");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var country = new Option<string?>("--country") { Description = "Only persons placed in this country (ISO 3166 two-letter code)." };
        var maxTier = new Option<int>("--max-tier") { Description = "Only persons in this tier or a more urgent one (1-4; 4 lists moved and scored viewers too).", DefaultValueFactory = _ => 3 };
        var limit = new Option<int>("--limit") { Description = "At most this many persons.", DefaultValueFactory = _ => 50 };
        var offset = new Option<int>("--offset") { Description = "Skip this many first.", DefaultValueFactory = _ => 0 };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("list", "List the latest ranking by tier, then score: each person's country, score and factors' names (--json: every factor with its weight and evidence).")
        {
            country, maxTier, limit, offset, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var r = await new ListTargets(store).RunAsync(new ListTargetsRequest(parse.GetValue(country), parse.GetValue(maxTier), parse.GetValue(limit),
                parse.GetValue(offset), parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(r);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"targets run {r.RunId} (persons run {r.PersonsRunId}, {r.RunUtc}): {r.Total} persons match, showing {r.Targets.Count} from {r.Offset}"));
            foreach (var t in r.Targets)
            {
                var factors = string.Join(" + ", t.Factors.Where(f => f.Weight != 0).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {f.Weight}")));
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  tier {t.Tier}{Moved(t)}  score {t.Score,3}  person {t.PersonNumber} ({t.Country ?? "country unknown"}): {(factors.Length == 0 ? "no scored factor" : factors)}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions options, CliHost host)
    {
        var number = new Argument<int>("N") { Description = "The person's number (see 'targets list' or 'persons list')." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("show", "Show one person's score as its sum: every factor with its weight and evidence, the tier rule applied, and any analyst's moves.")
        {
            number, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var r = await new ShowTarget(store).RunAsync(new ShowTargetRequest(parse.GetValue(number), parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(r);
                return ExitCodes.Ok;
            }

            var t = r.Target;
            var o = ctx.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"person {t.PersonNumber} ({t.Country ?? "country unknown"}), targets run {r.RunId}: tier {t.Tier}{Moved(t)}, score {t.Score} (computed tier {t.ComputedTier})"));
            foreach (var f in t.Factors)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f.Weight,4:+#;-#;0}  {f.Name}: {f.Evidence}"));
            }

            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ----  {t.Factors.Sum(f => f.Weight)} (score capped at {r.Weights.MaxScore}): {r.TierRule}"));
            foreach (var m in r.Moves)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  moved {m.MovedUtc} by {m.MovedBy}: tier {m.FromTier} -> {m.ToTier}: {m.Reason}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Move(GlobalOptions options, CliHost host)
    {
        var number = new Argument<int>("N") { Description = "The person's number." };
        var tier = new Option<int>("--tier") { Description = "The tier the person belongs in (1-4).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (required; stored with the move and in the audit log).", Required = true };
        var command = new Command("move", "Move a person to another tier (the ranking is advice): the reason, actor and time are stored and audited; the computed score stays.")
        {
            number, tier, reason,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var r = await new MoveTarget(store).RunAsync(new MoveTargetRequest(parse.GetValue(number), parse.GetValue(tier), parse.GetValue(reason) ?? ""), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(r);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"person {r.Person} moved from tier {r.FromTier} to tier {r.ToTier} (computed tier {r.ComputedTier}, score {r.Score}); move {r.MoveId}: {r.Reason}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Moved(TargetRow t) => t.Move is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (moved from {t.ComputedTier})");
}
