using System.CommandLine;
using System.Globalization;
using Harrier.Analysis.Persons;
using Harrier.Operations.Persons;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier persons resolve|list|show</c>.</summary>
internal static class PersonsCommands
{
    /// <summary>Where the GeoIP database is named when --geoip is not given.</summary>
    public const string GeoIpVariable = "HARRIER_GEOIP";

    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("persons", "Persons behind the platform's accounts: resolve accounts into persons, list them, show one with the evidence that links its accounts.");
        command.Add(Resolve(options, host));
        command.Add(List(options, host));
        command.Add(Show(options, host));
        return command;
    }

    private static Command Resolve(GlobalOptions options, CliHost host)
    {
        var importId = new Option<long?>("--import") { Description = "Which platform import (default: the latest)." };
        var prior = new Option<string?>("--prior-records") { Description = "Identifiers from earlier cases: a CSV with record_id,type,value,earlier_case (the scenario's records/prior-records.csv)." };
        var exits = new Option<string[]>("--exit-list")
        {
            Description = "A published exit list ('#' comments, one IP a line), as [KIND=]FILE (KIND tor, vpn, …; default from the file name: tor, vpn, else listed). Repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var providers = new Option<string?>("--email-providers") { Description = "E-mail provider rules beyond the built-in ones: a CSV domain,ignores_dots,plus_tags." };
        var geoip = new Option<string?>("--geoip") { Description = $"An IP-to-country .mmdb (ip-location-db or GeoLite2/GeoIP2 Country; default ${GeoIpVariable})." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("resolve",
            "Resolve the platform's accounts into persons from the case's logins and returns and the files named, and store the run (the latest run is what list and show read). " +
            "Bad lines of the files are reported with file and line and the rest is used (exit 1).")
        {
            importId, prior, exits, providers, geoip, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var request = new ResolvePersonsRequest(parse.GetValue(importId), parse.GetValue(prior),
                [.. (parse.GetValue(exits) ?? []).Select(ExitListFile.Parse)], parse.GetValue(providers),
                parse.GetValue(geoip) ?? NonEmpty(Environment.GetEnvironmentVariable(GeoIpVariable)), Justification: parse.GetValue(justification));
            var result = await WorkProgress.RunAsync(ctx, "resolving persons", p => new ResolvePersons(store).RunAsync(request, ctx.Operation(p), ct));
            if (ctx.Json)
            {
                ctx.WriteJson(result);
            }
            else
            {
                Print(ctx.Out, result);
            }

            return result.ProblemCount > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var country = new Option<string?>("--country") { Description = "Only persons placed in this country (ISO 3166 two-letter code)." };
        var identified = new Option<bool>("--identified") { Description = "Only persons a return names (KYC or subscriber)." };
        var minAccounts = new Option<int>("--min-accounts") { Description = "Only persons with at least this many accounts.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "At most this many persons.", DefaultValueFactory = _ => 50 };
        var offset = new Option<int>("--offset") { Description = "Skip this many first.", DefaultValueFactory = _ => 0 };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("list", "List the persons of the latest run, by number: accounts, country with its confidence, identified or not.")
        {
            country, identified, minAccounts, limit, offset, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ListPersons(store).RunAsync(new ListPersonsRequest(parse.GetValue(country), parse.GetValue(identified),
                parse.GetValue(minAccounts), parse.GetValue(limit), parse.GetValue(offset), parse.GetValue(justification)), ctx.Operation(), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(result);
                return ExitCodes.Ok;
            }

            var o = ctx.Out;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"persons run {result.RunId} (platform import {result.ImportId}, {result.RunUtc}): {result.Total} persons match, showing {result.Persons.Count} from {result.Offset}"));
            foreach (var p in result.Persons)
            {
                var where = p.Country is null ? "country unknown" : string.Create(CultureInfo.InvariantCulture, $"{p.Country} ({p.CountryConfidence:0.00})");
                o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  person {p.Number}: {p.AccountKeys.Count} account{(p.AccountKeys.Count == 1 ? "" : "s")} [{string.Join(", ", p.AccountKeys)}], {where}{(p.Identified ? ", identified" : "")}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(GlobalOptions options, CliHost host)
    {
        var number = new Argument<int?>("N") { Description = "The person's number (see 'persons list').", Arity = ArgumentArity.ZeroOrOne };
        var account = new Option<string?>("--account") { Description = "Show the person holding this account key instead." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("show", "Show one person of the latest run: its accounts and what they did, why they are one person (each link's evidence, level and weight), refused links, country, identities, prior-record hits.")
        {
            number, account, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            if (parse.GetValue(number) is null == parse.GetValue(account) is null)
            {
                throw new CliException("give a person number N or --account KEY");
            }

            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var result = await new ShowPerson(store).RunAsync(new ShowPersonRequest(parse.GetValue(number), parse.GetValue(account), parse.GetValue(justification)),
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

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    internal static void Print(TextWriter o, ResolvePersonsResult r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"persons run {r.RunId} of platform import {r.ImportId}: {r.Accounts} accounts -> {r.Persons} persons"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.MultiAccountPersons} with several accounts, {r.Identified} identified by a return, {r.WithCountry} with a country"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {r.Links} links, {r.Refused} refused; shared addresses: {r.SharedAddressesListed} listed, {r.SharedAddressesDetected} detected"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  from {r.Logins} logins, {r.KycInputs} KYC inputs, {r.SubscriberInputs} subscriber inputs, {r.PriorRecords} prior records ({r.ElapsedSeconds:0.0} s)"));
        foreach (var f in r.Inputs)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  input {f.Kind}{(f.ListKind is null ? "" : "=" + f.ListKind)} {f.Path}: {f.Rows} rows, {f.BadLines} bad lines, sha256 {f.Sha256}"));
        }

        foreach (var p in r.Problems.Take(20))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  not used: {p.File} line {p.Line}: {p.Problem}"));
        }

        if (r.ProblemCount > Math.Min(20, r.Problems.Count))
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  … {r.ProblemCount - Math.Min(20, r.Problems.Count)} more (--json lists the first {ResolvePersons.MaxReported})"));
        }
    }

    internal static void Print(TextWriter o, ShowPersonResult r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"person {r.Number} (persons run {r.RunId}, platform import {r.ImportId}){(r.Identified ? ": identified" : "")}"));
        o.WriteLine(r.Country is null
            ? "  country: unknown"
            : string.Create(CultureInfo.InvariantCulture, $"  country: {r.Country.Country} (confidence {r.Country.Confidence:0.00})"));
        foreach (var e in r.Country?.Evidence ?? [])
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {e.Source} says {e.Country} (weight {e.Weight:0.##}): {e.Detail}"));
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  accounts ({r.Accounts.Count}):"));
        foreach (var a in r.Accounts)
        {
            var x = a.Activity;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {a.AccountKey} {a.Username ?? "(no username)"} <{a.Email ?? "no e-mail"}> registered {a.RegisteredUtc ?? "?"}{(a.IsAdmin ? ", admin" : "")}"));
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"      {x.Logins} logins ({x.FirstLoginUtc ?? "-"} to {x.LastLoginUtc ?? "-"}) from {x.DistinctIps} addresses, {x.HouseholdIps.Count} household; " +
                $"{x.Uploads} uploads, {x.Categorisations} categorisations"));
            foreach (var p in x.Payments)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      payments: {p.Count}, {p.Sum} {p.Currency}"));
            }

            foreach (var s in x.LedgerSpend)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      ledger spend: {s.Count} entries, {s.Sum} {s.Currency}"));
            }
        }

        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  why one person ({r.Links.Count} links):"));
        foreach (var l in r.Links)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {l.AccountA} ~ {l.AccountB}: weight {l.Weight:0.##}"));
            Evidence(o, l.Evidence);
        }

        if (r.Refused.Count > 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  not linked ({r.Refused.Count}):"));
            foreach (var l in r.Refused)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {l.AccountA} ~ {l.AccountB}: weight {l.Weight:0.##}, {l.Reason}"));
                Evidence(o, l.Evidence);
            }
        }

        foreach (var i in r.Identities)
        {
            var who = i.Identity.FullName ?? string.Join(' ', new[] { i.Identity.GivenName, i.Identity.Surname }.OfType<string>());
            o.WriteLine($"  identity ({i.Source}, via account {i.AccountKey}): {who}, {string.Join(", ", new[] { i.Identity.Street, i.Identity.Town, i.Identity.Postcode, i.Identity.Country }.OfType<string>())} [{i.Reference}]");
            o.WriteLine($"    note: {i.Note}");
        }

        foreach (var h in r.PriorHits)
        {
            o.WriteLine($"  prior record {h.RecordId} ({h.Type} {h.Value}) matches account {h.AccountKey}: {h.Match}, {h.Reason}");
        }
    }

    private static void Evidence(TextWriter o, IReadOnlyList<LinkEvidence> evidence)
    {
        foreach (var e in evidence)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {e.Comparison}: {e.Level}, weight {e.Weight:+0.##;-0.##;0}: {e.Detail}"));
        }
    }
}
