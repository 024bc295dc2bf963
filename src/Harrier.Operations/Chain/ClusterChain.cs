using System.Globalization;
using Harrier.Cases;
using Harrier.Chain;
using Harrier.Chain.Clustering;
using Harrier.Chain.Tracing;

namespace Harrier.Operations.Chain;

/// <summary>
/// Clusters the chain's addresses (multi-input without coinbase, multisig and CoinJoins, plus the requested change
/// heuristics and the known-payee rule) and saves the clusters beside the chain; audited as <c>chain.cluster</c>.
/// </summary>
public sealed class ClusterChain(CaseStore store)
{
    /// <summary>Clusters and saves.</summary>
    public async Task<ClusterChainResult> RunAsync(ClusterChainRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var heuristics = request.ChangeHeuristics ?? [];
        foreach (var h in heuristics)
        {
            if (!ChangeHeuristics.Names.Contains(h))
            {
                throw new OperationException($"unknown change heuristic '{h}' (known: {string.Join(", ", ChangeHeuristics.Names)})");
            }
        }

        var excluded = new List<Hash32>();
        foreach (var t in request.ExcludeTxs ?? [])
        {
            excluded.Add(Hash32.TryParse(t, out var h) ? h : throw new OperationException($"not a txid: {t}"));
        }

        IReadOnlyList<DepositListProblem> problems = [];
        var payees = request.Deposits is { } file ? ChainWorkspace.ReadDeposits(file, out problems).Select(d => d.Address).ToList() : [];
        using var chain = new ChainWorkspace(store).OpenChain();
        using var set = ClusterSet.Build(chain, new ClusterOptions { ChangeHeuristics = [.. heuristics], ExcludedTxs = excluded, KnownPayees = payees });
        set.Save(chain.Directory);
        var s = set.Stats;
        await store.RecordAsync(context.Intent("chain.cluster", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{s.Clusters} clusters over {s.Addresses} addresses, {s.Unions} unions; change [{string.Join(",", heuristics)}]; excluded {excluded.Count} txs; {payees.Count} known payees"),
            cancellationToken);
        return new ClusterChainResult(s, [.. heuristics], [.. excluded.Select(h => h.ToString())], payees.Count, problems);
    }
}

/// <summary>How to cluster.</summary>
/// <param name="ChangeHeuristics">Change heuristics to add (intersected); none by default.</param>
/// <param name="ExcludeTxs">Txids whose links are undone (a bad link).</param>
/// <param name="Deposits">A file of the platform's deposit addresses, for the known-payee rule.</param>
/// <param name="Justification">Why, for the audit log.</param>
public sealed record ClusterChainRequest(
    IReadOnlyList<string>? ChangeHeuristics = null,
    IReadOnlyList<string>? ExcludeTxs = null,
    string? Deposits = null,
    string? Justification = null);

/// <summary>The saved clustering's counts and the rules it used.</summary>
public sealed record ClusterChainResult(ClusterStats Stats, IReadOnlyList<string> ChangeHeuristics, IReadOnlyList<string> ExcludedTxs, int KnownPayees,
    IReadOnlyList<DepositListProblem> DepositProblems);
