using Harrier.Chain.Tracing;

namespace Harrier.Testing.Chain;

/// <summary>
/// A fixed, hand-built trace report (no chain, no clock): one exchange lead with a comma, a quote and a line break in
/// its tag text, for the snapshot tests of what is written from a trace (data requests, evaluation).
/// </summary>
public static class SampleTrace
{
    public const string PaymentTxid = "aa00000000000000000000000000000000000000000000000000000000000001";
    public const string WithdrawalTxid = "cc00000000000000000000000000000000000000000000000000000000000003";

    public static TraceReport Report()
    {
        var time = new DateTimeOffset(2025, 3, 1, 12, 30, 0, TimeSpan.Zero);
        var lead = new Lead
        {
            Actor = "nordcoin",
            ActorLabel = "NordCoin Exchange",
            LegalName = "NordCoin AB",
            Jurisdictions = ["SE"],
            IsExchange = true,
            Txid = WithdrawalTxid,
            Vout = 0,
            Address = "bcrt1qexamplewithdrawal0",
            AmountSats = 50_000_000,
            TimeUtc = time,
            Hops = 1,
            FifoSats = 1_000_000,
            HaircutSats = 990_000,
            TagLabel = "NordCoin, \"hot\" wallet\nsecond line",
            TagSource = "https://nordcoin.invalid/proof-of-reserves",
            Confidence = "service_data",
            TagPack = "NordCoin Exchange hot wallets",
            ViaCluster = true,
            Basis = "input cluster tag",
            Deposits = ["bcrt1qexampledeposit0"],
        };
        var payment = new PaymentTrace { Txid = PaymentTxid, Vout = 0, AmountSats = 1_000_000, TimeUtc = time.AddHours(1), PayerCluster = 3, Leads = [lead] };
        return new TraceReport
        {
            Options = new TraceOptions(),
            Tip = "dd00000000000000000000000000000000000000000000000000000000000004",
            Deposits = [new DepositTrace("bcrt1qexampledeposit0", "user-1001", true, [payment])],
            Requests = [new ExchangeRequest("nordcoin", "NordCoin Exchange", "NordCoin AB", ["SE"], [lead])],
        };
    }
}
