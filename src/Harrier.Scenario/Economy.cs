using NBitcoin;

namespace Harrier.Scenario;

/// <summary>
/// The truth of one payment's money trail; <c>WithdrawalAddress</c> is the payer's address the withdrawal paid (what a
/// data request to the exchange names with the txid and vout).
/// </summary>
internal sealed record PaymentTruth(int PaymentId, string Exchange, string WithdrawalTxid, int WithdrawalVout, string Txid, int Vout, string WithdrawalAddress)
{
    /// <summary>How the payer funded it (adversarial payers only; null: straight from the withdrawal).</summary>
    public string? Route { get; init; }

    /// <summary>Whether a careful analyst could attribute it to <see cref="Exchange"/> on chain.</summary>
    public bool Attributable { get; init; } = true;

    /// <summary>Self-custody hops between the withdrawal and the payer's paying wallet.</summary>
    public int? Hops { get; init; }
}

/// <summary>
/// Turns the world's paying accounts into money on the scenario chain: per-user deposit addresses, exchange
/// withdrawals, payments, consolidation, noise and a CoinJoin decoy. Fills <see cref="World.Payments"/> and the
/// purchase rows of the ledger.
/// </summary>
internal static class Economy
{
    public static List<PaymentTruth> Realise(World world, ChainBuilder chain, Random r, long startUnix, long endUnix)
    {
        // Who pays: payers' own accounts, plus the account of a relative someone pays for.
        var paysFor = world.Persons.Where(p => p.PaysForPersonId is not null).ToDictionary(p => p.PaysForPersonId!.Value, p => p);
        Person? PayerOf(Account account)
        {
            var owner = world.Persons[account.PersonId - 1];
            return paysFor.GetValueOrDefault(owner.Id) ?? (owner.Roles.HasFlag(PersonRole.Payer) ? owner : null);
        }

        // Per-user deposit addresses (the platform gave every account its own), derived in parallel; the keys of
        // accounts that will be paid are kept for the platform's sweeps.
        var depositAddresses = new string[world.Accounts.Count];
        var depositKeys = new Key?[world.Accounts.Count];
        Parallel.For(0, world.Accounts.Count, chain.Parallel, i =>
        {
            var key = chain.KeyFor("deposit", world.Accounts[i].Id);
            depositAddresses[i] = ChainBuilder.AddressOf(key).ToString();
            depositKeys[i] = PayerOf(world.Accounts[i]) is null ? null : key;
        });
        var depositKeyOf = new Dictionary<int, Key>();
        for (var i = 0; i < world.Accounts.Count; i++)
        {
            world.Accounts[i] = world.Accounts[i] with { DepositAddress = depositAddresses[i] };
            chain.AddressOwners.Add((depositAddresses[i], "platform"));
            if (depositKeys[i] is { } key)
            {
                depositKeyOf[world.Accounts[i].Id] = key;
            }
        }

        var plans = new List<(Account Account, Person Payer, long Time, long Sats)>();
        foreach (var account in world.Accounts)
        {
            var payer = PayerOf(account);
            if (payer is null)
            {
                continue;
            }

            for (var n = r.Next(1, 4); n > 0; n--)
            {
                plans.Add((account, payer, startUnix + 86_400 + (long)(r.NextDouble() * (endUnix - startUnix - 86_400)), r.Next(50_000, 2_000_000)));
            }
        }

        plans.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Account.Id.CompareTo(b.Account.Id));

        // Exchanges' hot wallets, funded by coinbases; three mining pools for noise.
        var pools = Enumerable.Range(0, 3).Select(i => chain.KeyFor("pool", i)).ToArray();
        var hot = new Dictionary<string, Queue<(Coin, Key)>>();
        var needPerExchange = plans.Sum(p => p.Sats + 20_000) / ChainBuilder.Exchanges.Length * 2 + Money.Coins(50).Satoshi;
        var time = startUnix - 120 * 600;
        foreach (var exchange in ChainBuilder.Exchanges)
        {
            hot[exchange.Id] = new Queue<(Coin, Key)>();
            for (long funded = 0; funded < needPerExchange; funded += Money.Coins(50).Satoshi)
            {
                var key = chain.NewKey("exchange:" + exchange.Id);
                var cb = chain.Mine(key, time += 600);
                hot[exchange.Id].Enqueue((new Coin(cb, 0u), key));
            }
        }

        // Coinbase maturity: 100 blocks of mining-pool noise.
        for (var i = 0; i < 100; i++)
        {
            chain.Mine(pools[i % pools.Length], time += 600);
        }

        var fee = Money.Satoshis(1_000);
        var personExchange = new Dictionary<int, string>();
        var wallets = new Dictionary<int, (Coin Coin, Key Key, string Exchange, string WTxid, int WVout, string WAddress)>();
        var truths = new List<PaymentTruth>();
        var deposits = new List<(Coin, Key)>();
        var paymentId = 1;
        long ledgerId = world.Ledger.Count == 0 ? 1 : world.Ledger.Max(l => l.Id) + 1;
        var batch = new List<(Account Account, Person Payer, long Time, long Sats)>();

        void Flush()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var blockTime = Math.Max(time + 600, batch[0].Time);
            // 1. Withdrawals, batched per exchange, for payers whose wallet cannot cover the payment.
            // A payer withdraws when their wallet cannot cover all of their payments in this batch with fees.
            var needs = batch.GroupBy(p => p.Payer.Id).ToDictionary(g => g.Key, g => g.Sum(q => q.Sats + 3 * fee.Satoshi));
            foreach (var group in batch.Where(p => !(wallets.TryGetValue(p.Payer.Id, out var w) && w.Coin.Amount.Satoshi >= needs[p.Payer.Id]))
                         .GroupBy(p => ExchangeOf(p.Payer.Id)))
            {
                var outputs = new List<(BitcoinAddress, Money)>();
                var keys = new List<(int PersonId, Key Key)>();
                foreach (var p in group.DistinctBy(p => p.Payer.Id))
                {
                    var key = chain.NewKey("person:" + p.Payer.Id);
                    var amount = Money.Satoshis(needs[p.Payer.Id] + r.Next(10_000, 500_000));
                    outputs.Add((ChainBuilder.AddressOf(key), amount));
                    keys.Add((p.Payer.Id, key));
                }

                var need = outputs.Sum(o => o.Item2.Satoshi) + fee.Satoshi;
                var inputs = new List<(Coin, Key)>();
                var queue = hot[group.Key];
                while (inputs.Sum(i => i.Item1.Amount.Satoshi) < need)
                {
                    inputs.Add(queue.Dequeue());
                }

                var change = chain.NewKey("exchange:" + group.Key);
                var tx = chain.Spend(inputs, outputs, change, fee);
                var withdrawalTxid = tx.GetHash().ToString();
                for (var i = 0; i < keys.Count; i++)
                {
                    wallets[keys[i].PersonId] = (new Coin(tx, (uint)i), keys[i].Key, group.Key, withdrawalTxid, i, outputs[i].Item1.ToString());
                }

                queue.Enqueue((new Coin(tx, (uint)(tx.Outputs.Count - 1)), change));
            }

            chain.Mine(pools[batch.Count % pools.Length], blockTime);

            // 2. Payments to deposit addresses, change to a fresh address of the payer (a peel chain over time).
            // A payer with several payments in one batch pays them one block apart (the change must confirm first).
            var remaining = batch.ToList();
            while (remaining.Count > 0)
            {
                var round = remaining.DistinctBy(p => p.Payer.Id).ToList();
                foreach (var p in round)
                {
                    remaining.Remove(p);
                    var w = wallets[p.Payer.Id];
                    // About one payer in five reuses the address their coins sit on for change.
                    var change = p.Payer.Id % 5 == 0 ? w.Key : chain.NewKey("person:" + p.Payer.Id);
                    var tx = chain.Spend([(w.Coin, w.Key)], [(BitcoinAddress.Create(p.Account.DepositAddress, Network.RegTest), Money.Satoshis(p.Sats))], change, fee);
                    wallets[p.Payer.Id] = (new Coin(tx, 1u), change, w.Exchange, w.WTxid, w.WVout, w.WAddress);
                    var txid = tx.GetHash().ToString();
                    world.Payments.Add(new Payment(paymentId, p.Account.Id, p.Payer.Id, p.Account.DepositAddress, p.Sats, blockTime, w.Exchange, txid, 0));
                    truths.Add(new PaymentTruth(paymentId, w.Exchange, w.WTxid, w.WVout, txid, 0, w.WAddress));
                    world.Ledger.Add(new LedgerEntry(ledgerId++, p.Account.Id, "purchase", p.Sats / 1_000, blockTime, null, txid));
                    deposits.Add((new Coin(tx, 0u), depositKeyOf[p.Account.Id]));
                    paymentId++;
                }

                time = blockTime += 600;
                chain.Mine(pools[remaining.Count % pools.Length], blockTime);
            }

            // 3. The platform sweeps its deposit addresses now and then.
            if (deposits.Count >= 25)
            {
                var sweep = chain.NewKey("platform");
                chain.Spend(deposits, [(ChainBuilder.AddressOf(sweep), Money.Satoshis(deposits.Sum(d => d.Item1.Amount.Satoshi) - fee.Satoshi))], null, fee);
                deposits.Clear();
                time += 600;
                chain.Mine(pools[0], time);
            }

            batch.Clear();
        }

        // A payer uses the exchange of their region seven times in ten (people buy where they live and bank), otherwise
        // any of the five. One draw either way, so every later draw of the world is the one it was before.
        var countryOf = world.Persons.ToDictionary(p => p.Id, p => p.Country);
        string ExchangeOf(int personId)
        {
            if (!personExchange.TryGetValue(personId, out var id))
            {
                var draw = r.Next(100);
                id = draw < 70 ? HomeExchange(countryOf[personId]) : ChainBuilder.Exchanges[draw % ChainBuilder.Exchanges.Length].Id;
                personExchange[personId] = id;
            }

            return id;
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
        AddCoinJoinDecoy(chain, hot, fee, ref time);
        return truths;
    }

    /// <summary>
    /// Privacy-tool shapes that multi-input clustering must not merge, each funded by one exchange withdrawal to
    /// unrelated owners: Whirlpool (5 in, 5 equal pool outputs, no change), Wasabi (many in, many equal
    /// denominations, a coordinator fee, change), JoinMarket (n equal outputs plus n maker changes) and a PayJoin
    /// (the receiver adds an input, so payer and receiver look like one owner).
    /// </summary>
    private static void AddCoinJoinDecoy(ChainBuilder chain, Dictionary<string, Queue<(Coin, Key)>> hot, Money fee, ref long time)
    {
        var exchange = ChainBuilder.Exchanges[0].Id;
        var owners = Enumerable.Range(0, 34).Select(i => chain.NewKey("mixer-user:" + i)).ToList();
        var funding = new List<(Coin, Key)> { hot[exchange].Dequeue() };
        while (funding.Sum(f => f.Item1.Amount.Satoshi) < 34 * 12_000_000L)
        {
            funding.Add(hot[exchange].Dequeue());
        }

        var fund = chain.Spend(funding, [.. owners.Select((o, i) => (ChainBuilder.AddressOf(o), Money.Satoshis(5_100_000 + i * 7_919)))], chain.NewKey("exchange:" + exchange), fee);
        chain.Mine(chain.KeyFor("pool", 0), time += 600);
        (Coin, Key) Owned(int i) => (new Coin(fund, (uint)i), owners[i]);
        BitcoinAddress Out(string owner) => ChainBuilder.AddressOf(chain.NewKey(owner));

        // Whirlpool 0.05 BTC pool: 5 inputs, 5 outputs of exactly 0.05 BTC, the rest is fee; no change.
        var whirlpool = chain.Spend([.. Enumerable.Range(0, 5).Select(Owned)], [.. Enumerable.Range(0, 5).Select(i => (Out("mixer-out:w" + i), Money.Satoshis(5_000_000)))], null,
            Money.Satoshis(Enumerable.Range(0, 5).Sum(i => 5_100_000L + i * 7_919) - 25_000_000));
        chain.Decoys.Add((whirlpool.GetHash().ToString(), "coinjoin-whirlpool"));

        // Wasabi-like: 12 inputs, 10 equal outputs of 0.04 BTC, a coordinator fee output, change to one participant.
        var wasabiOuts = Enumerable.Range(0, 10).Select(i => (Out("mixer-out:s" + i), Money.Satoshis(4_000_000))).ToList();
        wasabiOuts.Add((Out("wasabi-coordinator"), Money.Satoshis(120_000)));
        var wasabi = chain.Spend([.. Enumerable.Range(5, 12).Select(Owned)], wasabiOuts, chain.NewKey("mixer-user:5"), fee);
        chain.Decoys.Add((wasabi.GetHash().ToString(), "coinjoin-wasabi"));

        // JoinMarket: a taker and 3 makers; 4 equal outputs of 0.045 BTC, and each maker's change.
        var jmOuts = Enumerable.Range(0, 4).Select(i => (Out("mixer-out:j" + i), Money.Satoshis(4_500_000))).ToList();
        jmOuts.AddRange(Enumerable.Range(1, 3).Select(i => (Out("mixer-user:" + (17 + i)), Money.Satoshis(5_100_000 + (17 + i) * 7_919 - 4_500_000 + 1_000))));
        var joinmarket = chain.Spend([.. Enumerable.Range(17, 4).Select(Owned)], jmOuts, chain.NewKey("mixer-user:17"), fee);
        chain.Decoys.Add((joinmarket.GetHash().ToString(), "coinjoin-joinmarket"));

        // PayJoin: owner 21 pays owner 22 0.02 BTC; owner 22 contributes an input and receives it back plus the payment.
        var payjoin = chain.Spend([Owned(21), Owned(22)],
            [(Out("mixer-user:22"), Money.Satoshis(5_100_000 + 22 * 7_919 + 2_000_000))], chain.NewKey("mixer-user:21"), fee);
        chain.Decoys.Add((payjoin.GetHash().ToString(), "payjoin"));
        chain.Mine(chain.KeyFor("pool", 1), time += 600);
    }

    /// <summary>The scenario exchange a payer in <paramref name="country"/> uses by default: the nearest by region.</summary>
    internal static string HomeExchange(string country) => country switch
    {
        "SE" or "NO" or "DK" or "FI" or "EE" or "LV" or "LT" => "nordcoin",
        "DE" or "AT" or "NL" or "BE" or "LU" or "PL" or "CZ" or "SK" or "HU" or "SI" or "HR" => "rheindigital",
        "US" or "CA" or "MX" or "BR" or "AR" or "CO" => "maplex",
        "AU" or "NZ" => "lionx",
        _ => "alpinex",
    };
}
