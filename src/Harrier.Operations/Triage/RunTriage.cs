using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Matching.Triage;

namespace Harrier.Operations.Triage;

/// <summary>
/// Matches every registered file against the banks, groups renditions and scenes, ranks the first-seen queue, and
/// replaces the stored results; audited as <c>triage.run</c> in the same transaction as the results. The image hypotheses
/// are computed here, for the images nothing else matched that have none stored (<see cref="ComputeImageHypotheses"/>),
/// and stored for the next run.
/// </summary>
public sealed class RunTriage(CaseStore store)
{
    /// <summary>Triages the case.</summary>
    public Task<TriageSummary> RunAsync(RunTriageRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var hypothesise = request.Hypothesise ?? new ComputeImageHypotheses(store, context, request.Justification).RunAsync;
        return new TriageStore(store).RunAsync(context.Actor, request.Justification, request.Options, hypothesise, cancellationToken);
    }
}

/// <summary>Why triage is run, and the engine's options (null: the defaults).</summary>
public sealed record RunTriageRequest(string? Justification = null, TriageOptions? Options = null)
{
    /// <summary>
    /// Where the hypotheses of the files nothing else matched are computed and stored (<c>harrier cluster triage</c>: by the
    /// silos, <see cref="HypothesiseFile"/> per file); null: in this process (<see cref="ComputeImageHypotheses"/>).
    /// </summary>
    public HypothesiseImages? Hypothesise { get; init; }
}
