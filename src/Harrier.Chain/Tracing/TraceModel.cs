namespace Harrier.Chain.Tracing;

/// <summary>How value is followed backwards through a transaction with several inputs (crypto-tracing.md §2.5).</summary>
public enum TraceStrategy
{
    /// <summary>First in, first out: inputs and outputs laid end to end in order; the overlaps are the flows.</summary>
    Fifo,

    /// <summary>Haircut: each input contributes in proportion to its value.</summary>
    Haircut,
}

/// <summary>Trace limits.</summary>
public sealed record TraceOptions
{
    /// <summary>
    /// Hops to walk back from a payment before giving up (the paying tx is hop 1). 12 covers a payer's own peel chain of
    /// up to 8 self-custody hops plus a few earlier payments from the same wallet.
    /// </summary>
    public int MaxHops { get; init; } = 12;

    /// <summary>Shares below this many satoshis are not followed (stop reason: dust).</summary>
    public long DustSats { get; init; } = 1_000;

    /// <summary>Most transactions visited per payment and strategy (stop reason: budget).</summary>
    public int MaxVisits { get; init; } = 100_000;

    /// <summary>
    /// When no input of a transaction is attributed, attribute its sender by its change: the largest output, when a
    /// cluster-defining tag names a service for it (a hot wallet paying out keeps the bulk as change). A heuristic: the
    /// lead says so in <see cref="Lead.Basis"/>. On by default; the reference asks for heuristics only on hops back from
    /// the certain payment, labelled, which is where this runs.
    /// </summary>
    public bool ChangeAttribution { get; init; } = true;

    /// <summary>
    /// Tag or actor categories of services whose customers the chain does not show (no KYC, or mixing): a share reaching
    /// one ends <em>obscured</em> there instead of being attributed to it or walked through it.
    /// </summary>
    public IReadOnlyList<string> ObscuringCategories { get; init; } = ["swap_service", "mixing_service", "mixer", "coinjoin"];

    /// <summary>
    /// An untagged multi-input cluster of at least this many addresses is taken for a service no tag names (its
    /// consolidations join many customers' deposits): a share whose sender is in one ends obscured there, because walking
    /// through it would name whoever paid that service, not the payer. The payer's own cluster (the paying inputs'; a
    /// heavy payer's known-payee change can join ten or more addresses) is exempt: it is where the trail starts.
    /// </summary>
    public int ServiceClusterSize { get; init; } = 10;
}

/// <summary>One hop of an attribution's path: the transaction, and the rule by which the trace went through it or named its sender.</summary>
/// <param name="Hop">1 = the payment to the deposit address.</param>
/// <param name="Txid">The transaction.</param>
/// <param name="Heuristic">How value was followed back through it, or (last hop) how its sender was attributed.</param>
/// <param name="Factor">What this hop contributes to <see cref="Lead.PathConfidence"/> (1 = certain).</param>
public sealed record TraceHop(int Hop, string Txid, string Heuristic, double Factor);

/// <summary>
/// A payment the trace did not attribute because its value went through something that hides who paid: a CoinJoin, a
/// swap or mixing service, or an untagged service cluster. What was seen is kept (the obscuring stop, and any leads
/// found for smaller shares) for the annex, never for a data request.
/// </summary>
public sealed record ObscuredPayment
{
    public required string Deposit { get; init; }

    public string? Label { get; init; }

    public required string Txid { get; init; }

    public int Vout { get; init; }

    public long AmountSats { get; init; }

    public DateTimeOffset TimeUtc { get; init; }

    /// <summary>Why the trail ends (the obscuring stop carrying most of the value).</summary>
    public required string Reason { get; init; }

    /// <summary>The transaction where it ended.</summary>
    public string? EndedAtTxid { get; init; }

    /// <summary>Hops from the payment to where it ended.</summary>
    public int Hops { get; init; }

    /// <summary>Satoshis of the payment (FIFO) that reached obscuring stops.</summary>
    public long ObscuredFifoSats { get; init; }

    /// <summary>Exchanges seen for smaller shares of the payment (not requested).</summary>
    public IReadOnlyList<string> SeenActors { get; init; } = [];
}

/// <summary>A deposit address to trace, with the case's label for it (e.g. a user id from the seized database).</summary>
public sealed record DepositAddress(string Address, string? Label);

/// <summary>
/// One lead: an attributed service (the sender of <see cref="Txid"/>) paid <see cref="AmountSats"/> to <see cref="Address"/>
/// in output <see cref="Vout"/> at <see cref="TimeUtc"/>, and value from that output reached the deposit address
/// <see cref="Hops"/> transactions later. The service's own records name the customer behind the output.
/// </summary>
public sealed record Lead
{
    public required string Actor { get; init; }

    public string? ActorLabel { get; init; }

    public string? LegalName { get; init; }

    public IReadOnlyList<string> Jurisdictions { get; init; } = [];

    public bool IsExchange { get; init; }

    public required string Txid { get; init; }

    public int Vout { get; init; }

    public required string Address { get; init; }

    public long AmountSats { get; init; }

    public DateTimeOffset TimeUtc { get; init; }

    /// <summary>Fewest hops from this output to a deposit payment (1 = the service paid the deposit address itself).</summary>
    public int Hops { get; init; }

    /// <summary>Satoshis of the traced payments that came from this output under FIFO.</summary>
    public long FifoSats { get; init; }

    /// <summary>Same, under haircut.</summary>
    public long HaircutSats { get; init; }

    /// <summary>The tag that attributes the sender: label, source, confidence, pack, and whether it came through the cluster.</summary>
    public required string TagLabel { get; init; }

    public string? TagSource { get; init; }

    public string? Confidence { get; init; }

    public required string TagPack { get; init; }

    public bool ViaCluster { get; init; }

    /// <summary>How the sender was attributed: <c>input tag</c>, <c>input cluster tag</c>, or <c>heuristic: change output tagged</c>.</summary>
    public string Basis { get; init; } = "input tag";

    /// <summary>Deposit addresses this lead's value reached.</summary>
    public IReadOnlyList<string> Deposits { get; init; } = [];

    /// <summary>The path from the payment (hop 1) to the attributed transaction, with the heuristic used at each hop (first path found).</summary>
    public IReadOnlyList<TraceHop> Path { get; init; } = [];

    /// <summary>
    /// The product of the path's hop factors: 1 for certain steps (the known payee, a tagged input), below 1 for each
    /// step that assumes the same owner carries on, for a split over several owners' inputs, and for a heuristic
    /// attribution. An ordinal score for review, not a calibrated probability.
    /// </summary>
    public double PathConfidence { get; init; } = 1;
}

/// <summary>Where a share of a payment could not be followed further, and why.</summary>
public sealed record TraceStop(string Reason, string? Txid, int Hops, long FifoSats, long HaircutSats)
{
    /// <summary>True when the stop hides who paid (CoinJoin, swap or mixing service, untagged service cluster): the payment is left unattributed on purpose.</summary>
    public bool Obscured { get; init; }
}

/// <summary>One payment to a deposit address and where its value came from.</summary>
public sealed record PaymentTrace
{
    public required string Txid { get; init; }

    public int Vout { get; init; }

    public long AmountSats { get; init; }

    public DateTimeOffset TimeUtc { get; init; }

    /// <summary>The payer's cluster id (address id of its smallest member), or -1 when no input is known.</summary>
    public int PayerCluster { get; init; }

    /// <summary>The payer's change address by the known-payee rule (certain), when the payment has exactly two outputs.</summary>
    public string? PayerChange { get; init; }

    public IReadOnlyList<Lead> Leads { get; init; } = [];

    public IReadOnlyList<TraceStop> Stops { get; init; } = [];

    /// <summary>
    /// <c>attributed</c> (an exchange lead carries at least as much of the value, FIFO, as the obscured stops: its exchange
    /// leads go into the requests), <c>obscured</c> (more of it went through a CoinJoin, a swap or mixing service or an
    /// untagged service cluster), or <c>unattributed</c> (no exchange lead, nothing obscuring: a coinbase, the hop limit, …).
    /// Null in a report written before outcomes.
    /// </summary>
    public string? Outcome { get; init; }

    /// <summary>The exchange lead the payment is attributed to (largest FIFO share, then haircut; one of <see cref="Leads"/>), when <see cref="Outcome"/> is attributed.</summary>
    public PaymentAttribution? Attribution { get; init; }
}

/// <summary>Which lead a payment is attributed to: the exchange, the withdrawal output, and that lead's path confidence.</summary>
public sealed record PaymentAttribution(string Actor, string Txid, int Vout, double PathConfidence);

/// <summary>The trace of one deposit address.</summary>
public sealed record DepositTrace(string Address, string? Label, bool InChain, IReadOnlyList<PaymentTrace> Payments);

/// <summary>The leads for one exchange: the rows of its data request.</summary>
public sealed record ExchangeRequest(
    string Actor, string? Label, string? LegalName, IReadOnlyList<string> Jurisdictions, IReadOnlyList<Lead> Leads);

/// <summary>A whole trace run: per deposit, and the data requests grouped by exchange and jurisdiction.</summary>
public sealed record TraceReport
{
    public required TraceOptions Options { get; init; }

    public required string Tip { get; init; }

    public IReadOnlyList<DepositTrace> Deposits { get; init; } = [];

    /// <summary>Exchange requests, ordered by jurisdiction then actor.</summary>
    public IReadOnlyList<ExchangeRequest> Requests { get; init; } = [];

    /// <summary>Leads to attributed services that are not exchanges (mixers, pools, …).</summary>
    public IReadOnlyList<Lead> OtherServices { get; init; } = [];

    /// <summary>Clusters with more than one service named (likely collapse): leads through them need care.</summary>
    public IReadOnlyList<Attribution.CollapseFlag> Collapses { get; init; } = [];

    /// <summary>The annex: payments left unattributed because their trail was obscured, with what was seen.</summary>
    public IReadOnlyList<ObscuredPayment> Obscured { get; init; } = [];
}
