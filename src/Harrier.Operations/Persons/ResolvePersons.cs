using System.Globalization;
using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Persons;

namespace Harrier.Operations.Persons;

/// <summary>
/// Resolves the accounts of a platform import into persons (docs/persons.md): reads the import's accounts and logins,
/// the returns' KYC rows (tied to accounts through their deposit addresses) and subscriber rows, and the files the
/// request names; runs <see cref="PersonResolver"/>; stores the whole run in one write scope with one audit entry
/// (<c>persons.resolve</c>: the run, the import, each input file's SHA-256, the thresholds and the counts). Bad lines of
/// the input files are reported with file and line, and the rest is used.
/// </summary>
public sealed class ResolvePersons(CaseStore store)
{
    /// <summary>Resolves and stores a run.</summary>
    public async Task<ResolvePersonsResult> RunAsync(ResolvePersonsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var started = context.Time.GetTimestamp();
        context.Progress?.Report(new OperationProgress("read", 0, 0));
        using var inputs = await PersonsInputs.LoadAsync(store, request, cancellationToken);
        var input = inputs.Input;
        context.Progress?.Report(new OperationProgress("resolve", 0, input.Accounts.Count));
        var result = PersonResolver.Resolve(input, cancellationToken);

        var options = input.Options;
        var importId = inputs.Import.ImportId;
        var runId = await store.WriteAsync(context.Intent("persons.resolve", request.Justification),
            (w, ct) => PersonsStore.WriteRunAsync(w, importId, inputs.Files, options, result, context.Actor, ct),
            id => Describe(id, importId, input, inputs.Files, result, inputs.Problems.Count), cancellationToken);

        var persons = result.Persons;
        return new ResolvePersonsResult(runId, importId, result.Stats.Accounts, persons.Count, persons.Count(p => p.AccountKeys.Count > 1),
            persons.Count(p => p.Identified), persons.Count(p => p.Country is not null), result.Stats.Links, result.Stats.Refused,
            result.Stats.SharedAddressesListed, result.Stats.SharedAddressesDetected, result.Stats.CandidatePairs, input.Logins.Count, input.Kyc.Count,
            input.Subscribers.Count, input.PriorRecords.Count, inputs.Files, options, inputs.Problems.Take(MaxReported).ToList(), inputs.Problems.Count,
            context.Time.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>How many bad input lines the result lists (all are counted).</summary>
    public const int MaxReported = 100;

    private static string Describe(long runId, long importId, ResolutionInput input, IReadOnlyList<PersonsRunInput> files, ResolutionResult result, int problems)
    {
        var s = result.Stats;
        var o = input.Options;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"persons run {runId} of platform import {importId}: {s.Accounts} accounts, {input.Logins.Count} logins, {input.Kyc.Count} KYC inputs, " +
            $"{input.Subscribers.Count} subscriber inputs, {input.PriorRecords.Count} prior records -> {s.Persons} persons " +
            $"({result.Persons.Count(p => p.AccountKeys.Count > 1)} with several accounts, {result.Persons.Count(p => p.Identified)} identified), " +
            $"{s.Links} links, {s.Refused} refused, {s.SharedAddressesListed} shared addresses listed, {s.SharedAddressesDetected} detected; " +
            $"thresholds link {o.LinkThreshold}, shared {o.SharedAccountsPerWindow} accounts per {o.SharedWindow.TotalDays} days, co-occurrence {o.CoOccurrenceWindow.TotalHours} h");
        foreach (var f in files)
        {
            text += string.Create(CultureInfo.InvariantCulture,
                $"; {f.Kind}{(f.ListKind is null ? "" : "=" + f.ListKind)} {f.Path} sha256 {f.Sha256} ({f.Rows} rows, {f.BadLines} bad lines)");
        }

        return problems == 0 ? text : text + string.Create(CultureInfo.InvariantCulture, $"; {problems} input lines not used");
    }
}

/// <summary>
/// Which platform import (default: the latest) and which optional files: prior records (the scenario's
/// <c>records/prior-records.csv</c> shape), exit lists (Tor bulk exit list shape), e-mail provider rules
/// (<c>domain,ignores_dots,plus_tags</c>), a GeoIP <c>.mmdb</c>; <paramref name="Options"/> null: the engine's defaults.
/// </summary>
public sealed record ResolvePersonsRequest(
    long? ImportId = null,
    string? PriorRecords = null,
    IReadOnlyList<ExitListFile>? ExitLists = null,
    string? EmailProviders = null,
    string? GeoIp = null,
    ResolutionOptions? Options = null,
    string? Justification = null);

/// <summary>
/// The stored run and its counts: persons, those with several accounts, identified by a return, with a country; links
/// made and refused; shared addresses listed and detected; the inputs read (<paramref name="Inputs"/>: each file with its
/// SHA-256); the first <see cref="ResolvePersons.MaxReported"/> bad input lines of <paramref name="ProblemCount"/>.
/// </summary>
public sealed record ResolvePersonsResult(
    long RunId,
    long ImportId,
    int Accounts,
    int Persons,
    int MultiAccountPersons,
    int Identified,
    int WithCountry,
    int Links,
    int Refused,
    int SharedAddressesListed,
    int SharedAddressesDetected,
    long CandidatePairs,
    int Logins,
    int KycInputs,
    int SubscriberInputs,
    int PriorRecords,
    IReadOnlyList<PersonsRunInput> Inputs,
    ResolutionOptions Options,
    IReadOnlyList<InputProblem> Problems,
    int ProblemCount,
    double ElapsedSeconds);
