using NBitcoin;

namespace Harrier.Testing.Chain;

/// <summary>
/// A small regtest case with known answers, for tests and the demo: exchange H's cold wallets consolidate into its hot
/// wallet, which pays a batched withdrawal (co-spending a reused cold address, which joins hot and cold in one cluster) (Alice, Bob, Carol, and Erin straight to her platform deposit address);
/// exchange Y pays Alice too. Alice pays her deposit address twice (the second time mixing H and Y coins), Bob pays his
/// after a CoinJoin, Carol peels a chain and pays hers from the middle of it, and Frank pays from a later H withdrawal
/// that spends H's untagged change. Names are wallet labels; keys derive
/// from them. All amounts in satoshis; every transaction pays a 10,000 sat fee (mix-b pays 20,000).
/// </summary>
public sealed class TracingScenario
{
    public const long Fee = 10_000;
    public const long Coin50 = 5_000_000_000;
    public const long AliceWithdrawal = 50_000_000;
    public const long BobWithdrawal = 30_000_000;
    public const long CarolWithdrawal = 120_000_000;
    public const long ErinDeposit = 5_000_000;
    public const long AliceFromY = 20_000_000;
    public const long AliceFirstPayment = 1_000_000;
    public const long AliceSecondPayment = 30_000_000;
    public const long MixDenomination = 10_000_000;
    public const long BobPayment = 5_000_000;
    public const long CarolPeel1 = 5_000_000;
    public const long CarolPayment = 2_000_000;
    public const long CarolPeel3 = 3_000_000;
    public const long FrankWithdrawal = 40_000_000;
    public const long FrankPayment = 4_000_000;

    /// <summary>The deposit addresses' wallet names, with the platform user each belongs to.</summary>
    public static readonly IReadOnlyList<(string Wallet, string User)> DepositWallets =
        [("dep-alice", "user-1001"), ("dep-bob", "user-1002"), ("dep-carol", "user-1003"), ("dep-erin", "user-1004"), ("dep-frank", "user-1005")];

    private TracingScenario(RegtestChainBuilder chain, Dictionary<string, Transaction> txs)
    {
        Chain = chain;
        Txs = txs;
    }

    public RegtestChainBuilder Chain { get; }

    /// <summary>Transactions by role: consolidate, withdraw-h, withdraw-y, alice-pay-1, alice-pay-2, coinjoin, bob-pay, peel-1..3, withdraw-h-2, frank-pay.</summary>
    public IReadOnlyDictionary<string, Transaction> Txs { get; }

    public string Address(string wallet) => Chain.AddressOf(wallet).ToString();

    /// <summary>Builds the chain (deterministic: the same bytes every time).</summary>
    public static TracingScenario Build()
    {
        var c = new RegtestChainBuilder(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var txs = new Dictionary<string, Transaction>(StringComparer.Ordinal);
        var cold1 = c.MineTo("hx-cold-1");
        var cold2 = c.MineTo("hx-cold-2");
        var yHot = c.MineTo("yx-hot");
        var mixA = c.MineTo("mix-a");
        var mixB = c.MineTo("mix-b");
        var cold1b = c.MineTo("hx-cold-1");

        var hot = 2 * Coin50 - Fee;
        txs["consolidate"] = c.Spend([(cold1, "hx-cold-1"), (cold2, "hx-cold-2")], [("hx-hot", hot)]);
        c.MineBlock();

        var hotChange = hot + Coin50 - AliceWithdrawal - BobWithdrawal - CarolWithdrawal - ErinDeposit - Fee;
        var w = txs["withdraw-h"] = c.Spend([(Coin(txs["consolidate"], 0), "hx-hot"), (cold1b, "hx-cold-1")],
            [("alice-1", AliceWithdrawal), ("bob-1", BobWithdrawal), ("carol-1", CarolWithdrawal), ("dep-erin", ErinDeposit), ("hx-hot-2", hotChange)]);
        var y = txs["withdraw-y"] = c.Spend([(yHot, "yx-hot")], [("alice-y", AliceFromY), ("yx-hot-2", Coin50 - AliceFromY - Fee)]);
        c.MineBlock();

        var alice2 = AliceWithdrawal - AliceFirstPayment - Fee;
        var pay1 = txs["alice-pay-1"] = c.Spend([(Coin(w, 0), "alice-1")], [("dep-alice", AliceFirstPayment), ("alice-2", alice2)]);
        var cj = txs["coinjoin"] = c.Spend(
            [(Coin(w, 1), "bob-1"), (mixA, "mix-a"), (mixB, "mix-b")],
            [("bob-mixed", MixDenomination), ("mix-a-out", MixDenomination), ("mix-b-out", MixDenomination),
             ("bob-change", BobWithdrawal - MixDenomination - Fee), ("mix-a-change", Coin50 - MixDenomination - Fee),
             ("mix-b-change", Coin50 - MixDenomination - (2 * Fee))]);
        var carol2 = CarolWithdrawal - CarolPeel1 - Fee;
        var p1 = txs["peel-1"] = c.Spend([(Coin(w, 2), "carol-1")], [("shop-1", CarolPeel1), ("carol-2", carol2)]);
        c.MineBlock();

        txs["alice-pay-2"] = c.Spend([(Coin(pay1, 1), "alice-2"), (Coin(y, 0), "alice-y")],
            [("dep-alice", AliceSecondPayment), ("alice-3", alice2 + AliceFromY - AliceSecondPayment - Fee)]);
        txs["bob-pay"] = c.Spend([(Coin(cj, 0), "bob-mixed")], [("dep-bob", BobPayment), ("bob-2", MixDenomination - BobPayment - Fee)]);
        var carol3 = carol2 - CarolPayment - Fee;
        var p2 = txs["peel-2"] = c.Spend([(Coin(p1, 1), "carol-2")], [("dep-carol", CarolPayment), ("carol-3", carol3)]);
        c.MineBlock();

        txs["peel-3"] = c.Spend([(Coin(p2, 1), "carol-3")], [("shop-2", CarolPeel3), ("carol-4", carol3 - CarolPeel3 - Fee)]);

        // H pays Frank from its hot wallet's change (an address no tag and no co-spend ties to H).
        var w2 = txs["withdraw-h-2"] = c.Spend([(Coin(w, 4), "hx-hot-2")], [("frank-1", FrankWithdrawal), ("hx-hot-3", hotChange - FrankWithdrawal - Fee)]);
        c.MineBlock();

        txs["frank-pay"] = c.Spend([(Coin(w2, 0), "frank-1")], [("dep-frank", FrankPayment), ("frank-2", FrankWithdrawal - FrankPayment - Fee)]);
        c.MineBlock();
        return new TracingScenario(c, txs);
    }

    private static Coin Coin(Transaction tx, int vout) => new(tx, (uint)vout);

    /// <summary>The deposits file text: address and platform user, one a line.</summary>
    public string DepositsFile() =>
        "# address,user\n" + string.Concat(DepositWallets.Select(d => $"{Address(d.Wallet)},{d.User}\n"));

    /// <summary>A public TagPack for the two exchanges (cluster-defining tags on one address each).</summary>
    public string ExchangeTagPack() => $"""
        title: Synthetic exchange wallets
        creator: Harrier tests
        currency: BTC
        confidence: service_data
        is_cluster_definer: true
        category: exchange
        lastmod: 2024-01-01
        tags:
        - address: {Address("hx-cold-1")}
          label: H Exchange cold wallet
          actor: hexchange
          source: https://example.org/h-exchange/proof-of-reserves
        - address: {Address("yx-hot")}
          label: Y Exchange hot wallet
          actor: yexchange
          source: https://example.org/y-exchange/wallets
        """;

    /// <summary>An ActorPack naming the exchanges' jurisdictions and legal names.</summary>
    public static string ActorPack() => """
        title: Synthetic actors
        creator: Harrier tests
        actors:
        - id: hexchange
          label: H Exchange
          jurisdictions:
          - MT
          categories:
          - exchange
          uri: example.org/h-exchange
          context:
            legal_name: H Exchange Ltd
        - id: yexchange
          label: Y Exchange
          jurisdictions:
          - SC
          categories:
          - exchange
          uri: example.org/y-exchange
        """;
}
