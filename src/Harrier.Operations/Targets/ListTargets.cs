using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Targets;

namespace Harrier.Operations.Targets;

/// <summary>Lists the latest ranking's persons (tier that holds, score, every factor, an analyst's move); audited as <c>targets.list</c>.</summary>
public sealed class ListTargets(CaseStore store)
{
    public async Task<ListTargetsResult> RunAsync(ListTargetsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Limit < 1 || request.Offset < 0 || request.MaxTier is < 1 or > 4)
        {
            throw new OperationException("--limit must be at least 1, --offset at least 0, --max-tier 1 to 4");
        }

        var country = CountryCode(request.Country);
        var targets = new TargetsStore(store);
        var run = await targets.LatestRunAsync(cancellationToken) ?? throw NoRun();
        var all = await targets.ListAsync(run, new TargetsFilter(country, request.MaxTier), cancellationToken);
        var page = all.Skip(request.Offset).Take(request.Limit).ToList();
        var shown = page.Count == 0 ? "" : " (persons " + string.Join(",", page.Take(20).Select(p => p.PersonNumber.ToString(CultureInfo.InvariantCulture))) + (page.Count > 20 ? ",…)" : ")");
        await store.RecordAsync(context.Intent("targets.list", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"targets run {run.RunId} (country {country ?? "any"}, tiers 1-{request.MaxTier}): {page.Count} of {all.Count} shown from {request.Offset}{shown}"), cancellationToken);
        return new ListTargetsResult(run.RunId, run.PersonsRunId, run.CreatedUtc, all.Count, request.Offset, page);
    }

    internal static OperationException NoRun() => new("no ranking in this case yet; run 'harrier targets rank' first");

    internal static string? CountryCode(string? value)
    {
        var country = value?.Trim().ToUpperInvariant();
        return country is null || (country.Length == 2 && country.All(char.IsAsciiLetterUpper))
            ? country
            : throw new OperationException($"--country takes an ISO 3166 two-letter code (DE, FR, …), not '{value}'");
    }
}

/// <summary>Filters (country, at most this tier) and the page.</summary>
public sealed record ListTargetsRequest(string? Country = null, int MaxTier = 3, int Limit = 50, int Offset = 0, string? Justification = null);

/// <summary>The ranking listed, how many persons match in all, and this page of them (by tier, score, number).</summary>
public sealed record ListTargetsResult(long RunId, long PersonsRunId, string RunUtc, long Total, int Offset, IReadOnlyList<TargetRow> Targets);
