using NBitcoin;

namespace Harrier.Scenario;

/// <summary>How the generated payers fund their platform payments.</summary>
public enum PayerBehaviour
{
    /// <summary>Straight from an exchange withdrawal, change peeled over later payments (the default; byte-identical to before).</summary>
    Direct,

    /// <summary>
    /// Payers that hide: self-custody hops with peels, Whirlpool and Wasabi CoinJoins, instant swap services, exchange
    /// batch withdrawals, decoy exchanges with untagged hot wallets, off-chain payments; the platform reuses deposit
    /// addresses across users and sweeps often.
    /// </summary>
    Adversarial,
}

/// <summary>How one adversarial payer funds their wallet (drawn once per payer).</summary>
internal enum PayerRoute
{
    Direct,
    SelfCustody,
    Whirlpool,
    Wasabi,
    Swap,
    Batch,
    DecoyExchange,
    OffChain,
}

/// <summary>
/// A service of the adversarial world that is not one of the five tagged exchanges: <c>Kind</c> is <c>decoy-exchange</c> (a
/// KYC exchange whose hot wallets no tag names) or <c>swap</c> (an instant swap service without KYC, tagged).
/// </summary>
internal sealed record ScenarioService(string Id, string Name, string Country, string Kind, bool Tagged);

/// <summary>
/// The adversarial economy (<see cref="PayerBehaviour.Adversarial"/>): the same deposit addresses, payment plans and
/// exchanges as <see cref="Economy"/>, but each payer funds their wallet by one route (<see cref="PayerRoute"/>), and each
/// payment's truth says whether a careful analyst could attribute it on chain. Draws come from its own stream, so the
/// default economy is untouched.
/// </summary>
internal static class AdversarialEconomy
{
    public static readonly ScenarioService[] Services =
    [
        new("greyharbour", "Grey Harbour Exchange (fictional, untagged)", "PA", "decoy-exchange", false),
        new("fogbank", "Fogbank Trading (fictional, untagged)", "VC", "decoy-exchange", false),
        new("swapfast", "SwapFast Instant (fictional swap, no KYC)", "SC", "swap", true),
        new("quickswitch", "QuickSwitch (fictional swap, no KYC)", "BZ", "swap", true),
    ];

    private const long Whirlpool005 = 5_000_000;
    private const long Whirlpool05 = 50_000_000;
    private const long WasabiDenomination = 10_000_000;
    private static readonly Money Fee = Money.Satoshis(1_000);

    private sealed record Funding(string Exchange, string WTxid, int WVout, string WAddress, PayerRoute Route, bool Attributable, int Hops);

    /// <summary>One coin waiting to be moved on by a route stage.</summary>
    private sealed class Pending(int payer, PayerRoute route, Coin coin, Key key, Funding funding, int hopsLeft)
    {
        public int Payer { get; } = payer;

        public PayerRoute Route { get; } = route;

        public Coin Coin { get; set; } = coin;

        public Key Key { get; set; } = key;

        public Funding Funding { get; } = funding;

        public int HopsLeft { get; set; } = hopsLeft;
    }

    public static List<PaymentTruth> Realise(World world, ChainBuilder chain, Random r, long startUnix, long endUnix)
    {
        var ar = new Random(world.Seed ^ 0x4a6e);
        var reserve = new Dictionary<string, Queue<(Coin, Key)>>();
        var paysFor = world.Persons.Where(p => p.PaysForPersonId is not null).ToDictionary(p => p.PaysForPersonId!.Value, p => p);
        Person? PayerOf(Account account)
        {
            var holder = world.Persons[account.PersonId - 1];
            return paysFor.GetValueOrDefault(holder.Id) ?? (holder.Roles.HasFlag(PersonRole.Payer) ? holder : null);
        }

        // Deposit addresses; the platform reuses about one address in ten for a later account (address reuse across users).
        var depositKeys = new Key[world.Accounts.Count];
        Parallel.For(0, world.Accounts.Count, chain.Parallel, i => depositKeys[i] = chain.KeyFor("deposit", world.Accounts[i].Id));
        var depositKeyOf = new Dictionary<int, Key>();
        for (var i = 0; i < world.Accounts.Count; i++)
        {
            var reused = i > 0 && ar.NextDouble() < 0.1;
            var key = reused ? depositKeys[ar.Next(i)] : depositKeys[i];
            depositKeys[i] = key;
            var address = ChainBuilder.AddressOf(key).ToString();
            world.Accounts[i] = world.Accounts[i] with { DepositAddress = address };
            if (!reused)
            {
                chain.AddressOwners.Add((address, "platform"));
            }

            depositKeyOf[world.Accounts[i].Id] = key;
        }

        var plans = new List<(Account Account, Person Payer, long Time, long Sats)>();
        foreach (var account in world.Accounts)
        {
            if (PayerOf(account) is not { } payer)
            {
                continue;
            }

            for (var n = r.Next(1, 4); n > 0; n--)
            {
                plans.Add((account, payer, startUnix + 86_400 + (long)(r.NextDouble() * (endUnix - startUnix - 86_400)), r.Next(50_000, 2_000_000)));
            }
        }

        plans.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Account.Id.CompareTo(b.Account.Id));

        // Hot wallets: the five tagged exchanges, the decoy exchanges and the swap services, funded by coinbases. As in the
        // direct economy a hot wallet starts small, so its coins run low and are spent together (joining its cluster);
        // a reserve of further coinbases is spent with them only when the hot coins cannot cover a payout.
        var pools = Enumerable.Range(0, 3).Select(i => chain.KeyFor("pool", i)).ToArray();
        var hot = new Dictionary<string, Queue<(Coin, Key)>>();
        var owner = new Dictionary<string, string>();
        Transaction Withdraw(string id, List<(BitcoinAddress, Money)> outputs) => Payout(chain, hot[id], reserve[id], owner[id], outputs);
        var time = startUnix - 120 * 600;
        var ownNeed = plans.Sum(p => p.Sats + 20_000) / ChainBuilder.Exchanges.Length * 2 + Money.Coins(50).Satoshi;
        foreach (var (id, prefix, need) in ChainBuilder.Exchanges.Select(e => (e.Id, "exchange:", ownNeed))
                     .Concat(Services.Select(s => (s.Id, s.Kind == "swap" ? "swap:" : "exchange:", ownNeed))))
        {
            owner[id] = prefix + id;
            hot[id] = new Queue<(Coin, Key)>();
            for (long funded = 0; funded < need; funded += Money.Coins(50).Satoshi)
            {
                var key = chain.NewKey(owner[id]);
                hot[id].Enqueue((new Coin(chain.Mine(key, time += 600), 0u), key));
            }

            reserve[id] = new Queue<(Coin, Key)>();
            for (var i = 0; i < 10; i++)
            {
                var key = chain.NewKey(owner[id]);
                reserve[id].Enqueue((new Coin(chain.Mine(key, time += 600), 0u), key));
            }
        }

        for (var i = 0; i < 100; i++)
        {
            chain.Mine(pools[i % pools.Length], time += 600);
        }

        // A decoy exchange's hot wallet also holds customer deposits that came from the tagged exchanges, consolidated
        // (so a trace that walks through the decoy would land on a tagged exchange).
        foreach (var decoy in Services.Where(s => s.Kind == "decoy-exchange"))
        {
            var deposits = new List<(BitcoinAddress, Money)>();
            var decoyKeys = new List<Key>();
            for (var i = 0; i < 12; i++)
            {
                var k = chain.NewKey(owner[decoy.Id]);
                decoyKeys.Add(k);
                deposits.Add((ChainBuilder.AddressOf(k), Money.Satoshis(ar.Next(20_000_000, 200_000_000))));
            }

            var funded = new List<(Coin, Key)>();
            foreach (var group in deposits.Select((d, i) => (d, i)).GroupBy(x => ChainBuilder.Exchanges[x.i % ChainBuilder.Exchanges.Length].Id))
            {
                var outs = group.Select(x => x.d).ToList();
                var tx = Withdraw(group.Key, outs);
                funded.AddRange(group.Select((x, j) => (new Coin(tx, (uint)j), decoyKeys[x.i])));
            }

            chain.Mine(pools[0], time += 600);
            var consolidated = chain.NewKey(owner[decoy.Id]);
            var c = chain.Spend(funded, [(ChainBuilder.AddressOf(consolidated), Money.Satoshis(funded.Sum(f => f.Item1.Amount.Satoshi) - Fee.Satoshi))], null, Fee);
            // The consolidated coin is paid out first; the decoy's coinbases stay behind it as a reserve.
            var rest = hot[decoy.Id].ToList();
            hot[decoy.Id] = new Queue<(Coin, Key)>([(new Coin(c, 0u), consolidated), .. rest]);
            chain.Mine(pools[1], time += 600);
        }

        var routeOf = new Dictionary<int, (PayerRoute Route, int Hops, string Exchange)>();
        (PayerRoute Route, int Hops, string Exchange) RouteOf(Person p)
        {
            if (!routeOf.TryGetValue(p.Id, out var v))
            {
                var d = ar.Next(100);
                var route = d switch
                {
                    < 20 => PayerRoute.Direct,
                    < 45 => PayerRoute.SelfCustody,
                    < 55 => PayerRoute.Whirlpool,
                    < 65 => PayerRoute.Wasabi,
                    < 75 => PayerRoute.Swap,
                    < 83 => PayerRoute.Batch,
                    < 91 => PayerRoute.DecoyExchange,
                    _ => PayerRoute.OffChain,
                };
                var exchange = route == PayerRoute.DecoyExchange
                    ? Services[ar.Next(2)].Id
                    : ar.Next(100) < 70 ? Economy.HomeExchange(p.Country) : ChainBuilder.Exchanges[ar.Next(ChainBuilder.Exchanges.Length)].Id;
                v = (route, route == PayerRoute.SelfCustody ? ar.Next(1, 9) : 0, exchange);
                routeOf[p.Id] = v;
            }

            return v;
        }

        var wallets = new Dictionary<int, (Coin Coin, Key Key, Funding Funding)>();
        var truths = new List<PaymentTruth>();
        var platformDeposits = new List<(Coin, Key)>();
        var paymentId = 1;
        var unrelated = 0;
        long ledgerId = world.Ledger.Count == 0 ? 1 : world.Ledger.Max(l => l.Id) + 1;
        var batch = new List<(Account Account, Person Payer, long Time, long Sats)>();
        var swapDeposits = Services.Where(s => s.Kind == "swap").ToDictionary(s => s.Id, _ => new List<(Coin, Key)>());

        void Flush()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var blockTime = Math.Max(time + 600, batch[0].Time);
            var needs = batch.GroupBy(p => p.Payer.Id).ToDictionary(g => g.Key, g => g.Sum(q => q.Sats + 3 * Fee.Satoshi));
            var funding = batch.Select(p => p.Payer).DistinctBy(p => p.Id)
                .Where(p => RouteOf(p).Route != PayerRoute.OffChain && !(wallets.TryGetValue(p.Id, out var w) && w.Coin.Amount.Satoshi >= needs[p.Id]))
                .ToList();

            // Stage 1: withdrawals, batched per exchange (tagged and decoy), to each funding payer and to the unrelated
            // users who will sit in the same CoinJoin rounds; a batch-route payer's exchange pays many customers at once.
            var orders = new List<(string Exchange, string Owner, Key Key, long Sats, int Payer)>();
            foreach (var p in funding)
            {
                var (route, hops, exchange) = RouteOf(p);
                var need = needs[p.Id];
                var sats = route switch
                {
                    PayerRoute.Whirlpool => (need <= Whirlpool005 - 50_000 ? Whirlpool005 : Whirlpool05) * 21 / 20 + 60_000 + ar.Next(10_000, 500_000),
                    PayerRoute.Wasabi => WasabiDenomination + 200_000 + ar.Next(10_000, 3_000_000),
                    PayerRoute.Swap => need * 102 / 100 + 20_000 + ar.Next(10_000, 500_000),
                    PayerRoute.SelfCustody => need + hops * 210_000 + ar.Next(10_000, 500_000),
                    _ => need + ar.Next(10_000, 500_000),
                };
                orders.Add((exchange, "person:" + p.Id, chain.NewKey("person:" + p.Id), sats, p.Id));
            }

            var whirlpoolPayers = funding.Where(p => RouteOf(p).Route == PayerRoute.Whirlpool).ToList();
            var wasabiPayers = funding.Where(p => RouteOf(p).Route == PayerRoute.Wasabi).ToList();
            var mixers = new List<(int Index, PayerRoute Route, long Denomination)>();
            foreach (var p in whirlpoolPayers)
            {
                var denomination = orders.First(o => o.Payer == p.Id).Sats > Whirlpool05 ? Whirlpool05 : Whirlpool005;
                for (var i = 0; i < 4; i++)
                {
                    mixers.Add((unrelated++, PayerRoute.Whirlpool, denomination));
                }
            }

            if (wasabiPayers.Count > 0)
            {
                for (var i = Math.Max(0, 10 - wasabiPayers.Count) + ar.Next(3, 12); i > 0; i--)
                {
                    mixers.Add((unrelated++, PayerRoute.Wasabi, WasabiDenomination));
                }
            }

            foreach (var (index, route, denomination) in mixers)
            {
                var exchange = ChainBuilder.Exchanges[ar.Next(ChainBuilder.Exchanges.Length)].Id;
                var sats = route == PayerRoute.Whirlpool ? denomination * 21 / 20 + 60_000 + ar.Next(10_000, 500_000) : WasabiDenomination + 200_000 + ar.Next(10_000, 3_000_000);
                orders.Add((exchange, "mixer-user:" + index, chain.NewKey("mixer-user:" + index), sats, -1 - index));
            }

            var batchExchanges = funding.Where(p => RouteOf(p).Route == PayerRoute.Batch).Select(p => RouteOf(p).Exchange).ToHashSet(StringComparer.Ordinal);
            foreach (var exchange in batchExchanges)
            {
                for (var i = ar.Next(20, 50); i > 0; i--)
                {
                    var customer = "customer:" + unrelated++;
                    // A few customers withdraw round amounts (0.01 or 0.05 BTC): a batch has some repeated values.
                    var sats = ar.Next(5) == 0 ? (ar.Next(2) == 0 ? 1_000_000 : 5_000_000) : ar.Next(50_000, 2_000_000);
                    orders.Add((exchange, customer, chain.NewKey(customer), sats, int.MinValue));
                }
            }

            var coins = new Dictionary<int, (Coin Coin, Key Key, Funding Funding)>();
            foreach (var group in orders.GroupBy(o => o.Exchange))
            {
                var outs = group.ToList();
                var tx = Withdraw(group.Key, [.. outs.Select(o => (ChainBuilder.AddressOf(o.Key), Money.Satoshis(o.Sats)))]);
                var txid = tx.GetHash().ToString();
                for (var i = 0; i < outs.Count; i++)
                {
                    if (outs[i].Payer == int.MinValue)
                    {
                        continue;
                    }

                    var route = outs[i].Payer > 0 ? RouteOf(world.Persons[outs[i].Payer - 1]) : default;
                    var attributable = outs[i].Payer > 0 && route.Route is PayerRoute.Direct or PayerRoute.SelfCustody or PayerRoute.Batch;
                    coins[outs[i].Payer] = (new Coin(tx, (uint)i), outs[i].Key,
                        new Funding(group.Key, txid, i, ChainBuilder.AddressOf(outs[i].Key).ToString(), route.Route, attributable, route.Hops));
                }
            }

            chain.Mine(pools[0], blockTime);

            // Stage 2: premix (Whirlpool tx0: the pool denomination plus the mix fee, a coordinator fee, toxic change),
            // swap deposits, the first self-custody hop.
            var pending = new List<Pending>();
            foreach (var p in funding)
            {
                var (coin, key, f) = coins[p.Id];
                pending.Add(new Pending(p.Id, f.Route, coin, key, f, f.Hops));
            }

            foreach (var (index, route, _) in mixers)
            {
                var (coin, key, f) = coins[-1 - index];
                pending.Add(new Pending(-1 - index, route, coin, key, f, 0));
            }

            foreach (var w in pending.Where(w => w.Route == PayerRoute.Whirlpool))
            {
                var denomination = w.Coin.Amount.Satoshi > Whirlpool05 ? Whirlpool05 : Whirlpool005;
                var who = w.Payer > 0 ? "person:" + w.Payer : "mixer-user:" + (-1 - w.Payer);
                var premix = chain.NewKey(who);
                var tx = chain.Spend([(w.Coin, w.Key)],
                    [(ChainBuilder.AddressOf(premix), Money.Satoshis(denomination + 5_000)), (ChainBuilder.AddressOf(chain.NewKey("whirlpool-coordinator")), Money.Satoshis(denomination / 20))],
                    chain.NewKey(who), Fee);
                (w.Coin, w.Key) = (new Coin(tx, 0u), premix);
            }

            foreach (var w in pending.Where(w => w.Route == PayerRoute.Swap))
            {
                var swap = Services[2 + (w.Payer % 2)];
                var deposit = chain.NewKey("swap:" + swap.Id);
                var tx = chain.Spend([(w.Coin, w.Key)], [(ChainBuilder.AddressOf(deposit), w.Coin.Amount - Fee)], null, Fee);
                swapDeposits[swap.Id].Add((new Coin(tx, 0u), deposit));
                w.Coin = new Coin(tx, 0u);
                w.Key = deposit;
            }

            Hop(pending);
            chain.Mine(pools[1], blockTime += 600);

            // Stage 3: CoinJoin rounds and swap payouts.
            foreach (var round in pending.Where(w => w.Route == PayerRoute.Whirlpool).GroupBy(w => w.Coin.Amount.Satoshi - 5_000))
            {
                var members = round.ToList();
                for (var start = 0; start + 5 <= members.Count; start += 5)
                {
                    var five = members.Skip(start).Take(5).ToList();
                    var outs = five.Select(w => (w, Key: chain.NewKey(w.Payer > 0 ? "person:" + w.Payer : "mixer-user:" + (-1 - w.Payer)))).ToList();
                    var tx = chain.Spend([.. five.Select(w => (w.Coin, w.Key))], [.. outs.Select(o => (ChainBuilder.AddressOf(o.Key), Money.Satoshis(round.Key)))], null, Money.Zero);
                    chain.Decoys.Add((tx.GetHash().ToString(), "coinjoin-whirlpool"));
                    for (var i = 0; i < outs.Count; i++)
                    {
                        outs[i].w.Coin = new Coin(tx, (uint)i);
                        outs[i].w.Key = outs[i].Key;
                    }
                }
            }

            var wasabi = pending.Where(w => w.Route == PayerRoute.Wasabi).ToList();
            if (wasabi.Count > 0)
            {
                var outs = new List<(BitcoinAddress, Money)>();
                var equalKeys = new List<Key>();
                foreach (var w in wasabi)
                {
                    var k = chain.NewKey(w.Payer > 0 ? "person:" + w.Payer : "mixer-user:" + (-1 - w.Payer));
                    equalKeys.Add(k);
                    outs.Add((ChainBuilder.AddressOf(k), Money.Satoshis(WasabiDenomination)));
                }

                foreach (var w in wasabi)
                {
                    var who = w.Payer > 0 ? "person:" + w.Payer : "mixer-user:" + (-1 - w.Payer);
                    outs.Add((ChainBuilder.AddressOf(chain.NewKey(who)), Money.Satoshis(w.Coin.Amount.Satoshi - WasabiDenomination - 40_000)));
                }

                outs.Add((ChainBuilder.AddressOf(chain.NewKey("wasabi-coordinator")), Money.Satoshis(wasabi.Count * 30_000L)));
                var tx = chain.Spend([.. wasabi.Select(w => (w.Coin, w.Key))], outs, null, Money.Satoshis(wasabi.Count * 10_000L));
                chain.Decoys.Add((tx.GetHash().ToString(), "coinjoin-wasabi"));
                for (var i = 0; i < wasabi.Count; i++)
                {
                    wasabi[i].Coin = new Coin(tx, (uint)i);
                    wasabi[i].Key = equalKeys[i];
                }
            }

            foreach (var w in pending.Where(w => w.Route == PayerRoute.Swap))
            {
                var swap = Services[2 + (w.Payer % 2)];
                var to = chain.NewKey("person:" + w.Payer);
                var paid = w.Coin.Amount.Satoshi * 99 / 100 - 2_000;
                var tx = Withdraw(swap.Id, [(ChainBuilder.AddressOf(to), Money.Satoshis(paid))]);
                w.Coin = new Coin(tx, 0u);
                w.Key = to;
            }

            Hop(pending);
            chain.Mine(pools[2], blockTime += 600);

            // The remaining self-custody hops, a block each.
            while (pending.Any(w => w.HopsLeft > 0))
            {
                Hop(pending);
                chain.Mine(pools[0], blockTime += 600);
            }

            foreach (var w in pending.Where(w => w.Payer > 0))
            {
                wallets[w.Payer] = (w.Coin, w.Key, w.Funding);
            }

            // Swap services consolidate their deposit addresses into the hot wallet now and then.
            foreach (var (id, list) in swapDeposits)
            {
                if (list.Count >= 5)
                {
                    var into = chain.NewKey(owner[id]);
                    var inputs = list.Append(hot[id].Dequeue()).ToList();
                    var tx = chain.Spend(inputs, [(ChainBuilder.AddressOf(into), Money.Satoshis(inputs.Sum(i => i.Item1.Amount.Satoshi) - Fee.Satoshi))], null, Fee);
                    hot[id].Enqueue((new Coin(tx, 0u), into));
                    list.Clear();
                }
            }

            // Stage 4: payments, as in the direct economy (change to a fresh address, or the same address one payer in five).
            var remaining = batch.ToList();
            while (remaining.Count > 0)
            {
                var round = remaining.DistinctBy(p => p.Payer.Id).ToList();
                foreach (var p in round)
                {
                    remaining.Remove(p);
                    if (RouteOf(p.Payer).Route == PayerRoute.OffChain)
                    {
                        // The platform's ledger credits the account; no transaction reaches the chain.
                        world.Ledger.Add(new LedgerEntry(ledgerId++, p.Account.Id, "purchase", p.Sats / 1_000, blockTime, null, null));
                        truths.Add(new PaymentTruth(paymentId++, "", "", -1, "", -1, "") { Route = "off-chain", Attributable = false });
                        continue;
                    }

                    var w = wallets[p.Payer.Id];
                    var change = p.Payer.Id % 5 == 0 ? w.Key : chain.NewKey("person:" + p.Payer.Id);
                    var tx = chain.Spend([(w.Coin, w.Key)], [(BitcoinAddress.Create(p.Account.DepositAddress, Network.RegTest), Money.Satoshis(p.Sats))], change, Fee);
                    wallets[p.Payer.Id] = (new Coin(tx, 1u), change, w.Funding);
                    var txid = tx.GetHash().ToString();
                    var f = w.Funding;
                    world.Payments.Add(new Payment(paymentId, p.Account.Id, p.Payer.Id, p.Account.DepositAddress, p.Sats, blockTime, f.Exchange, txid, 0));
                    truths.Add(new PaymentTruth(paymentId, f.Exchange, f.WTxid, f.WVout, txid, 0, f.WAddress)
                    {
                        Route = RouteName(f.Route),
                        Attributable = f.Attributable,
                        Hops = f.Route == PayerRoute.SelfCustody ? f.Hops : null,
                    });
                    world.Ledger.Add(new LedgerEntry(ledgerId++, p.Account.Id, "purchase", p.Sats / 1_000, blockTime, null, txid));
                    platformDeposits.Add((new Coin(tx, 0u), depositKeyOf[p.Account.Id]));
                    paymentId++;
                }

                time = blockTime += 600;
                chain.Mine(pools[remaining.Count % pools.Length], blockTime);
            }

            // The platform sweeps its deposit addresses often (consolidation: every swept address joins one cluster).
            if (platformDeposits.Count >= 10)
            {
                var sweep = chain.NewKey("platform");
                chain.Spend(platformDeposits, [(ChainBuilder.AddressOf(sweep), Money.Satoshis(platformDeposits.Sum(d => d.Item1.Amount.Satoshi) - Fee.Satoshi))], null, Fee);
                platformDeposits.Clear();
                time += 600;
                chain.Mine(pools[0], time);
            }

            batch.Clear();
        }

        // Self-custody: one hop for every coin with hops left: a peel (a small payment to a shop, change to a fresh
        // address of the payer) or a move of the whole coin to a fresh address.
        void Hop(List<Pending> pending)
        {
            foreach (var w in pending.Where(w => w.HopsLeft > 0))
            {
                var next = chain.NewKey("person:" + w.Payer);
                Transaction tx;
                if (ar.Next(2) == 0)
                {
                    var shop = chain.NewKey("shop:" + ar.Next(50));
                    tx = chain.Spend([(w.Coin, w.Key)], [(ChainBuilder.AddressOf(shop), Money.Satoshis(ar.Next(10_000, 200_000)))], next, Fee);
                    w.Coin = new Coin(tx, 1u);
                }
                else
                {
                    tx = chain.Spend([(w.Coin, w.Key)], [(ChainBuilder.AddressOf(next), w.Coin.Amount - Fee)], null, Fee);
                    w.Coin = new Coin(tx, 0u);
                }

                w.Key = next;
                w.HopsLeft--;
            }
        }

        foreach (var plan in plans)
        {
            batch.Add(plan);
            if (batch.Count >= 30)
            {
                Flush();
            }
        }

        Flush();
        return truths;
    }

    internal static string RouteName(PayerRoute route) => route switch
    {
        PayerRoute.Direct => "direct",
        PayerRoute.SelfCustody => "self-custody",
        PayerRoute.Whirlpool => "coinjoin-whirlpool",
        PayerRoute.Wasabi => "coinjoin-wasabi",
        PayerRoute.Swap => "swap",
        PayerRoute.Batch => "exchange-batch",
        PayerRoute.DecoyExchange => "decoy-exchange",
        _ => "off-chain",
    };

    /// <summary>
    /// A hot-wallet payout to <paramref name="outputs"/> with change back to the wallet (a fresh address of <paramref name="owner"/>):
    /// hot coins first, then the reserve.
    /// </summary>
    private static Transaction Payout(ChainBuilder chain, Queue<(Coin, Key)> queue, Queue<(Coin, Key)> reserve, string owner, List<(BitcoinAddress, Money)> outputs)
    {
        var need = outputs.Sum(o => o.Item2.Satoshi) + Fee.Satoshi;
        var inputs = new List<(Coin, Key)>();
        while (inputs.Sum(i => i.Item1.Amount.Satoshi) < need)
        {
            inputs.Add(queue.Count > 0 ? queue.Dequeue() : reserve.Dequeue());
        }

        var change = chain.NewKey(owner);
        var tx = chain.Spend(inputs, outputs, change, Fee);
        queue.Enqueue((new Coin(tx, (uint)(tx.Outputs.Count - 1)), change));
        return tx;
    }
}
