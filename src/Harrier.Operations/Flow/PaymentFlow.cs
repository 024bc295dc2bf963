using System.Globalization;
using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Cases.Platform;
using Harrier.Chain.Tracing;
using Harrier.Operations.Chain;
using Harrier.Operations.Persons;

namespace Harrier.Operations.Flow;

/// <summary>
/// The money as a graph, from the exchange that paid out through the payer's wallet to the platform's deposit address:
/// for one person (its accounts' payments) or for the whole case. Nodes are persons, accounts, exchanges, their
/// withdrawals (the leads of the case's last trace), payer wallets (clusters), payments, deposit addresses and the places
/// a trace stopped; each edge says what joins its ends (a withdrawal reached the payer N hops later, a payment, …).
/// Built from the platform's payment rows and <c>chain/trace.json</c>; nothing is recomputed. Audited as <c>chain.flow</c>.
/// </summary>
public sealed class PaymentFlow(CaseStore store)
{
    /// <summary>Builds the graph; refuses an unknown person or a case with no persons run.</summary>
    public async Task<PaymentFlowResult> RunAsync(PaymentFlowRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.MaxPayments < 1)
        {
            throw new OperationException("the payment limit must be at least 1");
        }

        var persons = new PersonsStore(store);
        var run = await persons.LatestRunAsync(cancellationToken) ?? throw ListPersons.NoRun();
        var graph = new FlowGraphBuilder();
        IReadOnlyList<string>? keys = null;
        var personOf = new Dictionary<string, int>(StringComparer.Ordinal);
        if (request.Person is { } number)
        {
            var person = await persons.PersonAsync(run.RunId, number, cancellationToken)
                         ?? throw new OperationException(string.Create(CultureInfo.InvariantCulture, $"no person {number} in persons run {run.RunId}"));
            keys = person.AccountKeys;
            AddPerson(graph, person, personOf);
        }
        else
        {
            foreach (var p in (await persons.ReadResultAsync(run.RunId, cancellationToken)).Persons)
            {
                foreach (var k in p.AccountKeys)
                {
                    personOf[k] = p.Number;
                }
            }
        }

        var payments = await new PlatformTimeline(store).PaymentsAsync(run.ImportId, keys, request.MaxPayments + 1, cancellationToken);
        var truncated = payments.Count > request.MaxPayments;
        var traces = TraceIndex(new ChainWorkspace(store).ReadTrace());
        var attributed = 0;
        foreach (var pay in payments.Take(request.MaxPayments))
        {
            var account = "account:" + pay.AccountKey;
            if (request.Person is null && personOf.TryGetValue(pay.AccountKey, out var owner))
            {
                graph.Node("person:" + owner.ToString(CultureInfo.InvariantCulture), "person", "person " + owner.ToString(CultureInfo.InvariantCulture), null);
                graph.Edge("person:" + owner.ToString(CultureInfo.InvariantCulture), account, "account");
            }

            graph.Node(account, "account", pay.AccountKey, null);
            var paymentId = pay.Txid is null ? "payment:row:" + (pay.RowKey ?? pay.AccountKey + pay.TimeUtc) : $"payment:{pay.Txid}:{pay.Vout}";
            graph.Node(paymentId, "payment", $"{pay.Amount} {pay.Currency}".Trim(), $"{pay.TimeUtc} txid {pay.Txid ?? "(none: off-chain or not recorded)"}");
            graph.Edge(account, paymentId, "paid (platform ledger)");
            if (pay.DepositAddress is { } deposit)
            {
                graph.Node("deposit:" + deposit, "deposit", deposit, "the platform's deposit address");
                graph.Edge(paymentId, "deposit:" + deposit, "to");
            }

            if (pay.Txid is null || !traces.TryGetValue((pay.Txid, pay.Vout ?? -1), out var trace))
            {
                continue;
            }

            var payer = trace.PayerCluster >= 0 ? "wallet:" + trace.PayerCluster.ToString(CultureInfo.InvariantCulture) : null;
            if (payer is not null)
            {
                graph.Node(payer, "wallet", "payer wallet " + trace.PayerCluster.ToString(CultureInfo.InvariantCulture), "a cluster of addresses spent together");
                graph.Edge(payer, paymentId, "paid on chain");
            }

            attributed += trace.Leads.Count > 0 ? 1 : 0;
            foreach (var lead in trace.Leads)
            {
                var exchange = "actor:" + lead.Actor;
                graph.Node(exchange, lead.IsExchange ? "exchange" : "service", lead.ActorLabel ?? lead.Actor,
                    (lead.LegalName ?? lead.Actor) + (lead.Jurisdictions.Count > 0 ? " (" + string.Join(", ", lead.Jurisdictions) + ")" : ""));
                var withdrawal = $"withdrawal:{lead.Txid}:{lead.Vout}";
                graph.Node(withdrawal, "withdrawal", string.Create(CultureInfo.InvariantCulture, $"{lead.AmountSats / 1e8:0.########} BTC to {lead.Address}"),
                    $"{lead.TimeUtc:yyyy-MM-dd HH:mm} txid {lead.Txid}:{lead.Vout}; attributed by {lead.Basis} ({lead.TagLabel}, {lead.TagPack})");
                graph.Edge(exchange, withdrawal, "withdrawal");
                graph.Edge(withdrawal, payer ?? paymentId, string.Create(CultureInfo.InvariantCulture, $"{lead.Hops} hop{(lead.Hops == 1 ? "" : "s")}"));
            }

            foreach (var stop in trace.Stops)
            {
                var id = $"stop:{stop.Reason}:{stop.Txid}";
                graph.Node(id, "stop", "trace stopped: " + stop.Reason, stop.Txid is null ? null : "at txid " + stop.Txid);
                graph.Edge(id, payer ?? paymentId, string.Create(CultureInfo.InvariantCulture, $"{stop.Hops} hops"));
            }
        }

        var result = new PaymentFlowResult(run.RunId, request.Person, graph.Nodes, graph.Edges, Math.Min(payments.Count, request.MaxPayments), attributed, truncated,
            traces.Count > 0);
        await store.RecordAsync(context.Intent("chain.flow", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{(request.Person is { } n ? $"person {n}" : "whole case")} of persons run {run.RunId}: {result.Payments} payments ({attributed} traced to a service), " +
            $"{result.Nodes.Count} nodes{(truncated ? ", truncated" : "")}"), cancellationToken);
        return result;
    }

    private static void AddPerson(FlowGraphBuilder graph, ResolvedPerson person, Dictionary<string, int> personOf)
    {
        var id = "person:" + person.Number.ToString(CultureInfo.InvariantCulture);
        graph.Node(id, "person", "person " + person.Number.ToString(CultureInfo.InvariantCulture), person.Country?.Country);
        foreach (var k in person.AccountKeys)
        {
            personOf[k] = person.Number;
            graph.Node("account:" + k, "account", k, null);
            graph.Edge(id, "account:" + k, "account");
        }
    }

    private static Dictionary<(string Txid, long Vout), PaymentTrace> TraceIndex(TraceReport? report)
    {
        var map = new Dictionary<(string, long), PaymentTrace>();
        foreach (var p in report?.Deposits.SelectMany(d => d.Payments) ?? [])
        {
            map.TryAdd((p.Txid, p.Vout), p);
        }

        return map;
    }

    private sealed class FlowGraphBuilder
    {
        private readonly Dictionary<string, FlowNode> _nodes = new(StringComparer.Ordinal);
        private readonly HashSet<(string, string, string)> _edgeSet = [];

        public List<FlowNode> Nodes { get; } = [];

        public List<FlowEdge> Edges { get; } = [];

        public void Node(string id, string kind, string label, string? detail)
        {
            if (_nodes.ContainsKey(id))
            {
                return;
            }

            var node = new FlowNode(id, kind, label, detail);
            _nodes[id] = node;
            Nodes.Add(node);
        }

        public void Edge(string source, string target, string label)
        {
            if (_edgeSet.Add((source, target, label)))
            {
                Edges.Add(new FlowEdge(source, target, label));
            }
        }
    }
}

/// <summary>One person's flow (<paramref name="Person"/>), or the whole case's when null; at most so many payments.</summary>
public sealed record PaymentFlowRequest(int? Person = null, int MaxPayments = 2000, string? Justification = null);

/// <summary>A node: <paramref name="Kind"/> is person, account, payment, deposit, wallet, withdrawal, exchange, service or stop.</summary>
public sealed record FlowNode(string Id, string Kind, string Label, string? Detail);

/// <summary>An edge in the direction the money went (person → account is ownership).</summary>
public sealed record FlowEdge(string Source, string Target, string Label);

/// <summary>The graph, how many payments it shows, how many were traced to a service, whether the limit cut it, whether a trace exists.</summary>
public sealed record PaymentFlowResult(long PersonsRunId, int? Person, IReadOnlyList<FlowNode> Nodes, IReadOnlyList<FlowEdge> Edges, int Payments, int Attributed,
    bool Truncated, bool Traced);
