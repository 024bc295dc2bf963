using Harrier.Chain.Attribution;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tracing;

/// <summary>
/// Traces payments backwards from deposit addresses (crypto-tracing.md §5.2): each payment's paying transaction, the
/// payer's cluster, then value flows back through earlier transactions (FIFO and haircut, both reported) until the
/// sender of a transaction is attributed to a service. A share stops, with its reason, at a CoinJoin, a coinbase, an
/// input missing from the store, dust, the hop limit, or the visit budget; a CoinJoin, a service tagged as hiding its
/// customers (swap, mixer) and an untagged service cluster end it <em>obscured</em>, and a payment is attributed only when
/// an exchange lead carries at least as much of its value as the obscured stops (docs/chain.md "When the trace stops").
/// </summary>
public sealed class PaymentTracer
{
    private readonly ChainStore _store;
    private readonly ClusterSet _clusters;
    private readonly AttributionIndex _attribution;
    private readonly TraceOptions _options;

    public PaymentTracer(ChainStore store, ClusterSet clusters, AttributionIndex attribution, TraceOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _clusters = clusters ?? throw new ArgumentNullException(nameof(clusters));
        _attribution = attribution ?? throw new ArgumentNullException(nameof(attribution));
        _options = options ?? new TraceOptions();
    }

    /// <summary>Traces every deposit address and groups the exchange leads into requests.</summary>
    public TraceReport Trace(IEnumerable<DepositAddress> deposits, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deposits);
        var traces = new List<DepositTrace>();
        foreach (var d in deposits)
        {
            cancellationToken.ThrowIfCancellationRequested();
            traces.Add(TraceDeposit(d));
        }

        // One lead per (actor, txid, vout): shares summed, deposits joined, fewest hops kept. Exchange leads come only from
        // attributed payments (an obscured payment's leads are in the annex, never in a request).
        var merged = new Dictionary<(string, string, int), Lead>();
        var obscured = new List<ObscuredPayment>();
        foreach (var dep in traces)
        {
            foreach (var p in dep.Payments)
            {
                if (p.Outcome == Obscured)
                {
                    var stop = p.Stops.Where(s => s.Obscured).OrderByDescending(s => s.FifoSats).ThenByDescending(s => s.HaircutSats).ThenBy(s => s.Hops).First();
                    obscured.Add(new ObscuredPayment
                    {
                        Deposit = dep.Address,
                        Label = dep.Label,
                        Txid = p.Txid,
                        Vout = p.Vout,
                        AmountSats = p.AmountSats,
                        TimeUtc = p.TimeUtc,
                        Reason = stop.Reason,
                        EndedAtTxid = stop.Txid,
                        Hops = stop.Hops,
                        ObscuredFifoSats = p.Stops.Where(s => s.Obscured).Sum(s => s.FifoSats),
                        SeenActors = p.Leads.Where(l => l.IsExchange).Select(l => l.Actor).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                    });
                }

                foreach (var l in p.Leads)
                {
                    if (l.IsExchange && p.Outcome != Attributed)
                    {
                        continue;
                    }

                    var key = (l.Actor, l.Txid, l.Vout);
                    merged[key] = merged.TryGetValue(key, out var m)
                        ? m with
                        {
                            Hops = Math.Min(m.Hops, l.Hops),
                            FifoSats = m.FifoSats + l.FifoSats,
                            HaircutSats = m.HaircutSats + l.HaircutSats,
                            Deposits = m.Deposits.Union(l.Deposits, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                        }
                        : l;
                }
            }
        }

        var requests = merged.Values.Where(l => l.IsExchange)
            .GroupBy(l => l.Actor, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                return new ExchangeRequest(g.Key, first.ActorLabel, first.LegalName, first.Jurisdictions,
                    g.OrderBy(l => l.TimeUtc).ThenBy(l => l.Txid, StringComparer.Ordinal).ThenBy(l => l.Vout).ToList());
            })
            .OrderBy(r => r.Jurisdictions.Count == 0 ? "~" : r.Jurisdictions[0], StringComparer.Ordinal)
            .ThenBy(r => r.Actor, StringComparer.Ordinal)
            .ToList();
        var others = merged.Values.Where(l => !l.IsExchange).OrderBy(l => l.Actor, StringComparer.Ordinal).ThenBy(l => l.TimeUtc).ToList();
        return new TraceReport
        {
            Options = _options,
            Tip = _store.Manifest.Tip,
            Deposits = traces,
            Requests = requests,
            OtherServices = others,
            Collapses = _attribution.Collapses,
            Obscured = obscured,
        };
    }

    /// <summary>Traces the payments to one deposit address.</summary>
    public DepositTrace TraceDeposit(DepositAddress deposit)
    {
        ArgumentNullException.ThrowIfNull(deposit);
        if (!_store.TryFindAddress(deposit.Address, out var address))
        {
            return new DepositTrace(deposit.Address, deposit.Label, false, []);
        }

        var payments = new List<PaymentTrace>();
        var outs = _store.OutputsOf(address);
        foreach (var o in outs)
        {
            payments.Add(TracePayment(o, deposit.Address));
        }

        return new DepositTrace(deposit.Address, deposit.Label, true, payments);
    }

    private PaymentTrace TracePayment(long output, string deposit)
    {
        var tx = _store.OutTx[output];
        var payerCluster = -1;
        for (var i = _store.TxInStart[tx]; i < _store.TxInStart[tx + 1]; i++)
        {
            var o = _store.InSpent[i];
            if (o >= 0 && _store.OutAddress[o] >= 0)
            {
                payerCluster = _clusters.ClusterOf[_store.OutAddress[o]];
                break;
            }
        }

        string? change = null;
        var outStart = _store.TxOutStart[tx];
        if (_store.TxOutStart[tx + 1] - outStart == 2 && _clusters.CoinJoinOf(tx) == CoinJoinKind.None && !_store.IsCoinbase(tx))
        {
            var other = output == outStart ? outStart + 1 : outStart;
            if (_store.OutAddress[other] >= 0 && _store.OutAddress[other] != _store.OutAddress[output])
            {
                change = _store.AddressText(_store.OutAddress[other]);
            }
        }

        var run = new Run(this, deposit, payerCluster);
        run.Walk(TraceStrategy.Fifo, output);
        run.Walk(TraceStrategy.Haircut, output);
        var leads = run.Leads.Values.OrderBy(l => l.Hops).ThenBy(l => l.Txid, StringComparer.Ordinal).ThenBy(l => l.Vout).ToList();
        var stops = run.Stops.Values.OrderBy(s => s.Hops).ThenBy(s => s.Reason, StringComparer.Ordinal).ToList();
        var best = leads.Where(l => l.IsExchange).OrderByDescending(l => l.FifoSats).ThenByDescending(l => l.HaircutSats).FirstOrDefault();
        var hiddenFifo = stops.Where(s => s.Obscured).Sum(s => s.FifoSats);
        var hiddenHaircut = stops.Where(s => s.Obscured).Sum(s => s.HaircutSats);
        // The larger share decides: an exchange lead carrying at least as much value (FIFO, then haircut) as everything
        // obscured is an attribution; otherwise the payment is obscured (if anything hid it) or unattributed.
        var outcome = best is not null && (best.FifoSats > hiddenFifo || (best.FifoSats == hiddenFifo && best.HaircutSats >= hiddenHaircut))
            ? Attributed
            : hiddenFifo + hiddenHaircut > 0 ? Obscured : Unattributed;
        return new PaymentTrace
        {
            Txid = _store.TxHash[tx].ToString(),
            Vout = _store.VoutOf(output),
            AmountSats = _store.OutValue[output],
            TimeUtc = _store.TimeOfTx(tx),
            PayerCluster = payerCluster,
            PayerChange = change,
            Leads = leads,
            Stops = stops,
            Outcome = outcome,
            Attribution = outcome == Attributed ? new PaymentAttribution(best!.Actor, best.Txid, best.Vout, best.PathConfidence) : null,
        };
    }

    /// <summary>Payment outcomes (<see cref="PaymentTrace.Outcome"/>).</summary>
    public const string Attributed = "attributed";

    /// <summary>The payment's value went mostly through something that hides who paid.</summary>
    public const string Obscured = "obscured";

    /// <summary>No exchange lead and nothing obscuring (coinbase, hop limit, dust, inputs not stored).</summary>
    public const string Unattributed = "unattributed";

    /// <summary>Basis names for leads.</summary>
    internal const string InputTag = "input tag";
    internal const string InputClusterTag = "input cluster tag";
    internal const string ChangeTagged = "heuristic: dominant output (change) carries a cluster-defining tag";
    internal const string SpendsServiceChange = "heuristic: spends the dominant output (change) of a tx the service sent";

    /// <summary>How many change steps back <see cref="ServiceChangeOf"/> follows a hot wallet.</summary>
    private const int MaxChangeSteps = 64;

    private readonly Dictionary<int, (Tag Tag, string Basis)?> _changeMemo = [];

    /// <summary>
    /// The attributing tag of a transaction's sender: the best tag over its input addresses. Failing that, when change
    /// attribution is on: an input that is the dominant output (over half the value: a payout's change) of a transaction
    /// sent by a service, followed back along the service's change; or a cluster-defining tag on the transaction's own
    /// dominant output other than <paramref name="traced"/>.
    /// </summary>
    private (Tag Tag, string Basis)? SenderTag(int tx, long traced)
    {
        var direct = InputTagOf(tx);
        if (direct is not null || !_options.ChangeAttribution)
        {
            return direct;
        }

        if (ServiceChangeOf(tx, 0) is { } viaChange)
        {
            return viaChange;
        }

        var dominant = DominantOutput(tx);
        if (dominant < 0 || dominant == traced || _store.OutAddress[dominant] < 0)
        {
            return null;
        }

        var definers = _attribution.TagsFor(_store.OutAddress[dominant]).Where(t => t.IsClusterDefiner).ToList();
        var named = definers.Select(t => t.Who).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        return named == 1 ? (definers.OrderBy(t => AttributionIndex.ConfidenceRank(t.Confidence)).First(), ChangeTagged) : null;
    }

    private (Tag Tag, string Basis)? InputTagOf(int tx)
    {
        (Tag Tag, string Basis)? best = null;
        for (var i = _store.TxInStart[tx]; i < _store.TxInStart[tx + 1]; i++)
        {
            var o = _store.InSpent[i];
            var a = o >= 0 ? _store.OutAddress[o] : -1;
            if (a < 0)
            {
                continue;
            }

            var tag = _attribution.Best(a);
            if (tag is not null && (best is null || AttributionIndex.ConfidenceRank(tag.Confidence) < AttributionIndex.ConfidenceRank(best.Value.Tag.Confidence)))
            {
                best = (tag, _attribution.DirectTags(a).Contains(tag) ? InputTag : InputClusterTag);
            }
        }

        return best;
    }

    /// <summary>The service whose change <paramref name="tx"/> spends (see <see cref="SenderTag"/>), or null.</summary>
    private (Tag Tag, string Basis)? ServiceChangeOf(int tx, int depth)
    {
        if (_changeMemo.TryGetValue(tx, out var memo))
        {
            return memo;
        }

        (Tag Tag, string Basis)? found = null;
        for (var i = _store.TxInStart[tx]; i < _store.TxInStart[tx + 1] && found is null; i++)
        {
            var prev = _store.InSpent[i];
            if (prev < 0)
            {
                continue;
            }

            var parent = _store.OutTx[prev];
            if (_store.IsCoinbase(parent) || _clusters.CoinJoinOf(parent) != CoinJoinKind.None || DominantOutput(parent) != prev
                || UntaggedServiceCluster(parent) is not null)
            {
                continue;
            }

            var sender = InputTagOf(parent) ?? (depth < MaxChangeSteps ? ServiceChangeOf(parent, depth + 1) : null);
            if (sender is { } s)
            {
                found = (s.Tag, SpendsServiceChange);
            }
        }

        _changeMemo[tx] = found;
        return found;
    }

    private readonly Dictionary<int, int> _clusterSizeMemo = [];

    /// <summary>
    /// The size of the largest untagged multi-input cluster among <paramref name="tx"/>'s inputs when it reaches
    /// <see cref="TraceOptions.ServiceClusterSize"/> (a service no tag names), else null.
    /// </summary>
    /// <remarks>The payer's own cluster (<paramref name="payer"/>) is never taken for a service: it is where the trail starts.</remarks>
    private int? UntaggedServiceCluster(int tx, int payer = -1)
    {
        int? found = null;
        for (var i = _store.TxInStart[tx]; i < _store.TxInStart[tx + 1]; i++)
        {
            var o = _store.InSpent[i];
            var a = o >= 0 ? _store.OutAddress[o] : -1;
            if (a < 0 || _attribution.ClusterTags(a).Count > 0 || _clusters.ClusterOf[a] == payer)
            {
                continue;
            }

            var c = _clusters.ClusterOf[a];
            if (!_clusterSizeMemo.TryGetValue(c, out var size))
            {
                size = _clusters.Members(c).Length;
                _clusterSizeMemo[c] = size;
            }

            if (size >= _options.ServiceClusterSize && (found is null || size > found))
            {
                found = size;
            }
        }

        return found;
    }

    /// <summary>The tag's service hides its customers (a category in <see cref="TraceOptions.ObscuringCategories"/>, on the tag or its actor).</summary>
    private bool IsObscuring(Tag tag)
    {
        var categories = _options.ObscuringCategories;
        return (tag.Category is { } c && categories.Contains(c, StringComparer.OrdinalIgnoreCase))
            || (_attribution.ActorOf(tag)?.Categories.Any(a => categories.Contains(a, StringComparer.OrdinalIgnoreCase)) ?? false);
    }

    /// <summary>How the trace goes back through a transaction it does not attribute, and that hop's confidence factor.</summary>
    private (string Heuristic, double Factor) HopRule(int tx, int hop)
    {
        var ins = _store.TxInStart[tx + 1] - _store.TxInStart[tx];
        var outs = _store.TxOutStart[tx + 1] - _store.TxOutStart[tx];
        if (hop == 1)
        {
            return ("payment to the known deposit address", 1.0);
        }

        if (ins == 1)
        {
            return outs switch
            {
                1 => ("sweep: one input, one output (same owner assumed)", SameOwnerFactor),
                2 => ("peel step: one input, two outputs (same owner assumed)", SameOwnerFactor),
                _ => ("single-input spend (same owner assumed)", SameOwnerFactor),
            };
        }

        var cluster = -2;
        for (var i = _store.TxInStart[tx]; i < _store.TxInStart[tx + 1]; i++)
        {
            var o = _store.InSpent[i];
            var c = o >= 0 && _store.OutAddress[o] >= 0 ? _clusters.ClusterOf[_store.OutAddress[o]] : -1;
            if (cluster == -2)
            {
                cluster = c;
            }
            else if (c != cluster || c < 0)
            {
                return ("multi-input spend over several clusters: value split FIFO / haircut", SameOwnerFactor);
            }
        }

        return ("multi-input spend of one cluster (common-input ownership)", SameOwnerFactor);
    }

    /// <summary>Confidence factor of a hop that assumes the coins stay with one owner.</summary>
    private const double SameOwnerFactor = 0.98;

    /// <summary>Confidence factor of an attribution basis.</summary>
    private static double BasisFactor(string basis) => basis switch
    {
        InputTag => 1.0,
        InputClusterTag => 0.95,
        _ => 0.85,
    };

    /// <summary>The output holding more than half of a transaction's output value, or -1.</summary>
    private long DominantOutput(int tx)
    {
        var total = _store.OutputValue(tx);
        for (var o = _store.TxOutStart[tx]; o < _store.TxOutStart[tx + 1]; o++)
        {
            if (_store.OutValue[o] * 2 > total)
            {
                return o;
            }
        }

        return -1;
    }

    /// <summary>A path so far, newest hop first (shared between branches).</summary>
    private sealed record PathNode(TraceHop Hop, PathNode? Parent, double Confidence)
    {
        public List<TraceHop> ToList()
        {
            var list = new List<TraceHop>();
            for (var n = this; n is not null; n = n.Parent)
            {
                list.Add(n.Hop);
            }

            list.Reverse();
            return list;
        }
    }

    /// <summary>One payment's walk, both strategies, collecting leads and stops.</summary>
    private sealed class Run(PaymentTracer owner, string deposit, int payer)
    {
        private int _visits;

        public Dictionary<(string, int), Lead> Leads { get; } = [];

        public Dictionary<(string, string?), TraceStop> Stops { get; } = [];

        public void Walk(TraceStrategy strategy, long output)
        {
            _visits = 0;
            Visit(strategy, output, 0, owner._store.OutValue[output], 1, null);
        }

        /// <summary>Follows the share [start, start+amount) of <paramref name="output"/> back through the tx that created it.</summary>
        private void Visit(TraceStrategy strategy, long output, long start, long amount, int hop, PathNode? path)
        {
            var store = owner._store;
            var tx = store.OutTx[output];
            var txid = store.TxHash[tx].ToString();
            if (++_visits > owner._options.MaxVisits)
            {
                Stop(strategy, "visit budget exhausted", txid, hop, amount);
                return;
            }

            if (store.IsCoinbase(tx))
            {
                Stop(strategy, "coinbase: newly mined coins, no sender", txid, hop, amount);
                return;
            }

            var cj = owner._clusters.CoinJoinOf(tx);
            if (cj != CoinJoinKind.None)
            {
                Stop(strategy, "coinjoin (" + cj.ToString().ToLowerInvariant() + "): the trail is obfuscated", txid, hop, amount, obscured: true);
                return;
            }

            if (owner.SenderTag(tx, output) is { } sender)
            {
                if (owner.IsObscuring(sender.Tag))
                {
                    var label = owner._attribution.ActorOf(sender.Tag)?.Label ?? sender.Tag.Label ?? sender.Tag.Who;
                    var by = sender.Basis is InputTag or InputClusterTag ? sender.Basis : "change heuristic";
                    Stop(strategy, $"service that hides its customers ({label}, {by}): the trail is obscured", txid, hop, amount, obscured: true);
                    return;
                }

                var factor = BasisFactor(sender.Basis);
                var node = new PathNode(new TraceHop(hop, txid, sender.Basis, factor), path, (path?.Confidence ?? 1) * factor);
                AddLead(strategy, output, tx, txid, hop, amount, sender.Tag, sender.Basis, node);
                return;
            }

            if (owner.UntaggedServiceCluster(tx, payer) is { } size)
            {
                Stop(strategy, $"untagged cluster of {size} addresses (a service no tag names): the trail is obscured", txid, hop, amount, obscured: true);
                return;
            }

            if (hop >= owner._options.MaxHops)
            {
                Stop(strategy, $"nothing attributed within {owner._options.MaxHops} hops", txid, hop, amount);
                return;
            }

            if ((store.FlagsOf(tx) & TxTraits.UnresolvedInput) != 0)
            {
                Stop(strategy, "inputs not in the imported chain", txid, hop, amount);
                return;
            }

            var (heuristic, hopFactor) = owner.HopRule(tx, hop);
            var here = new PathNode(new TraceHop(hop, txid, heuristic, hopFactor), path, (path?.Confidence ?? 1) * hopFactor);
            var inStart = store.TxInStart[tx];
            var inEnd = store.TxInStart[tx + 1];
            if (strategy == TraceStrategy.Fifo)
            {
                // Output space: outputs end to end; this share sits at [offset+start, offset+start+amount).
                long offset = 0;
                for (var o = store.TxOutStart[tx]; o < output; o++)
                {
                    offset += store.OutValue[o];
                }

                var lo = offset + start;
                var hi = lo + amount;
                long cum = 0;
                for (var i = inStart; i < inEnd && cum < hi; i++)
                {
                    var prev = store.InSpent[i];
                    var v = store.OutValue[prev];
                    var s = Math.Max(lo, cum);
                    var e = Math.Min(hi, cum + v);
                    if (e > s)
                    {
                        Follow(strategy, prev, s - cum, e - s, hop, txid, here);
                    }

                    cum += v;
                }
            }
            else
            {
                var total = store.InputValue(tx);
                if (total <= 0)
                {
                    Stop(strategy, "inputs carry no value", txid, hop, amount);
                    return;
                }

                for (var i = inStart; i < inEnd; i++)
                {
                    var prev = store.InSpent[i];
                    var part = (long)((Int128)amount * store.OutValue[prev] / total);
                    Follow(strategy, prev, 0, part, hop, txid, here);
                }
            }
        }

        private void Follow(TraceStrategy strategy, long prev, long start, long amount, int hop, string txid, PathNode path)
        {
            if (amount < owner._options.DustSats)
            {
                if (amount > 0)
                {
                    Stop(strategy, $"dust: shares under {owner._options.DustSats} sat not followed", txid, hop, amount);
                }

                return;
            }

            Visit(strategy, prev, start, amount, hop + 1, path);
        }

        private void Stop(TraceStrategy strategy, string reason, string? txid, int hop, long amount, bool obscured = false)
        {
            var key = (reason, txid);
            var s = Stops.GetValueOrDefault(key) ?? new TraceStop(reason, txid, hop, 0, 0) { Obscured = obscured };
            Stops[key] = strategy == TraceStrategy.Fifo
                ? s with { FifoSats = s.FifoSats + amount, Hops = Math.Min(s.Hops, hop) }
                : s with { HaircutSats = s.HaircutSats + amount, Hops = Math.Min(s.Hops, hop) };
        }

        private void AddLead(TraceStrategy strategy, long output, int tx, string txid, int hop, long amount, Tag tag, string basis, PathNode path)
        {
            var store = owner._store;
            var key = (txid, store.VoutOf(output));
            if (!Leads.TryGetValue(key, out var lead))
            {
                var actor = owner._attribution.ActorOf(tag);
                var address = store.OutAddress[output];
                lead = new Lead
                {
                    Actor = tag.Who,
                    ActorLabel = actor?.Label ?? tag.Label,
                    LegalName = actor?.LegalName,
                    Jurisdictions = actor?.Jurisdictions ?? [],
                    IsExchange = owner._attribution.IsExchange(tag),
                    Txid = txid,
                    Vout = store.VoutOf(output),
                    Address = address >= 0 ? store.AddressText(address) : "",
                    AmountSats = store.OutValue[output],
                    TimeUtc = store.TimeOfTx(tx),
                    Hops = hop,
                    TagLabel = tag.Label ?? tag.Who,
                    TagSource = tag.Source,
                    Confidence = tag.Confidence,
                    TagPack = tag.Pack,
                    ViaCluster = basis != InputTag,
                    Basis = basis,
                    Deposits = [deposit],
                    Path = path.ToList(),
                    PathConfidence = Math.Round(path.Confidence, 4),
                };
            }
            else if (hop < lead.Hops)
            {
                lead = lead with { Path = path.ToList(), PathConfidence = Math.Round(path.Confidence, 4) };
            }

            Leads[key] = strategy == TraceStrategy.Fifo
                ? lead with { FifoSats = lead.FifoSats + amount, Hops = Math.Min(lead.Hops, hop) }
                : lead with { HaircutSats = lead.HaircutSats + amount, Hops = Math.Min(lead.Hops, hop) };
        }
    }
}
