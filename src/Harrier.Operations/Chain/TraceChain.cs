using System.Globalization;
using Harrier.Cases;
using Harrier.Chain.Attribution;
using Harrier.Chain.Clustering;
using Harrier.Chain.Tracing;

namespace Harrier.Operations.Chain;

/// <summary>
/// Traces payments to deposit addresses back to the first attributed service and writes the report as the case's
/// last trace (<c>chain/trace.json</c>); audited as <c>chain.trace</c>. It uses the saved clusters
/// (<see cref="ChainWorkspace.LoadSavedClusters"/>); without them it computes clusters with the deposits as known
/// payees and saves them, so the data requests and the evaluation that follow rest on the clusters the trace used.
/// </summary>
public sealed class TraceChain(CaseStore store)
{
    /// <summary>Traces and writes <c>trace.json</c>.</summary>
    public async Task<TraceChainResult> RunAsync(TraceChainRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var deposits = ChainWorkspace.ReadDeposits(request.Deposits, out var problems);
        var workspace = new ChainWorkspace(store);
        using var chain = workspace.OpenChain();
        var saved = ChainWorkspace.LoadSavedClusters(chain);
        var computed = saved is null;
        using var clusters = saved ?? ClusterSet.Build(chain, new ClusterOptions { KnownPayees = [.. deposits.Select(d => d.Address)] });
        if (computed)
        {
            clusters.Save(chain.Directory);
        }

        var index = new AttributionIndex(chain, clusters, workspace.LoadTags());
        var defaults = new TraceOptions();
        var options = new TraceOptions
        {
            MaxHops = request.MaxHops ?? defaults.MaxHops,
            DustSats = request.DustSats ?? defaults.DustSats,
            ChangeAttribution = request.ChangeAttribution,
        };
        var report = new PaymentTracer(chain, clusters, index, options).Trace(deposits, cancellationToken);
        workspace.WriteTrace(report);
        var leads = report.Requests.Sum(r => r.Leads.Count);
        await store.RecordAsync(context.Intent("chain.trace", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{deposits.Count} deposit addresses, {report.Deposits.Sum(d => d.Payments.Count)} payments: {leads} exchange leads at {report.Requests.Count} exchanges"),
            cancellationToken);
        return new TraceChainResult(report, computed, workspace.TraceFile, problems);
    }
}

/// <summary>What to trace.</summary>
/// <param name="Deposits">A file of deposit addresses (address[,label] a line).</param>
/// <param name="MaxHops">Hops to walk back before giving up (null: the tracer's default).</param>
/// <param name="DustSats">Shares below this many satoshis are not followed (null: the tracer's default).</param>
/// <param name="ChangeAttribution">Attribute senders by a tagged change output too (a labelled heuristic).</param>
/// <param name="Justification">Why, for the audit log.</param>
public sealed record TraceChainRequest(string Deposits, int? MaxHops = null, long? DustSats = null, bool ChangeAttribution = true, string? Justification = null);

/// <summary>The trace report (also written to <see cref="TraceFile"/>), and whether clusters had to be computed for it.</summary>
public sealed record TraceChainResult(TraceReport Report, bool ClustersComputed, string TraceFile, IReadOnlyList<DepositListProblem> DepositProblems);
