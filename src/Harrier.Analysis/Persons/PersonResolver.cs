using System.Globalization;
using System.Net;

namespace Harrier.Analysis.Persons;

/// <summary>
/// Accounts → persons (docs/persons.md): features per account, shared infrastructure (listed and detected),
/// blocking (only accounts that share a key are compared, so the cost grows with the accounts, not their square),
/// Fellegi–Sunter comparisons (<see cref="PairScorer"/>), guards, and clustering that refuses merges through
/// conflicting evidence. Then per person: country, identities from returns, prior-record hits.
/// </summary>
public static class PersonResolver
{
    /// <summary>Blocks larger than this are not expanded into pairs: a value so many accounts share identifies nobody.</summary>
    internal const int MaxBlock = 64;

    /// <summary>A person is not grown past this many accounts; a merge that would do so is refused and reported.</summary>
    internal const int MaxAccountsPerPerson = 50;

    /// <summary>Resolves <paramref name="input"/> into persons. Deterministic: the same input gives the same persons, numbers and links.</summary>
    public static ResolutionResult Resolve(ResolutionInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = input.Options;
        var order = new AccountKeyOrder(input.Accounts.Select(a => a.Key));
        var accounts = order.Sort(input.Accounts.DistinctBy(a => a.Key, StringComparer.Ordinal), a => a.Key);
        var indexOf = new Dictionary<string, int>(accounts.Count, StringComparer.Ordinal);
        var emailRules = new EmailRules(input.EmailProviders);
        var features = new List<AccountFeatures>(accounts.Count);
        foreach (var a in accounts)
        {
            indexOf[a.Key] = features.Count;
            features.Add(new AccountFeatures
            {
                Index = features.Count,
                Account = a,
                EmailNormal = emailRules.Normalise(a.Email),
                EmailDotless = emailRules.DotlessKey(a.Email),
                EmailStem = EmailRules.LocalStem(a.Email),
                UserLower = string.IsNullOrWhiteSpace(a.Username) ? null : a.Username.Trim().ToLowerInvariant(),
                UserStem = Handles.Stem(a.Username),
            });
        }

        var book = new AddressBook();
        foreach (var login in input.Logins)
        {
            if (!indexOf.TryGetValue(login.AccountKey, out var i) || string.IsNullOrWhiteSpace(login.Ip))
            {
                continue;
            }

            features[i].Logins.Add(new LoginPoint(login.Time.ToUnixTimeSeconds(), book.Ip(login.Ip.Trim()), book.Agent(login.UserAgent)));
        }

        foreach (var f in features)
        {
            f.Logins.Sort((x, y) => x.Time.CompareTo(y.Time));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var (listed, detected) = SharedInfrastructure.Mark(book, features, input.SharedAddresses, options);
        AttachReturns(input, features, indexOf, book);
        AttachWallets(input, features, indexOf);
        cancellationToken.ThrowIfCancellationRequested();

        var scorer = new PairScorer(options, book, features);
        var candidates = Blocking.CandidatePairs(features, book, options);
        var accepted = new List<PersonLink>();
        var refused = new List<RefusedLink>();
        var n = 0;
        foreach (var pair in candidates)
        {
            var (x, y) = ((int)(pair >> 32), (int)(pair & 0xFFFFFFFF));
            if ((++n & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var a = features[x];
            var b = features[y];
            var scored = scorer.Compare(a, b, explain: false);
            var weight = PairScorer.Prior;
            bool identifying = false, payer = false, sharedOnly = false;
            foreach (var s in scored)
            {
                weight += s.Evidence.Weight;
                identifying |= s.Class == EvidenceClass.Identifying;
                payer |= s.Class == EvidenceClass.Payer && s.Evidence.Weight >= 3;
                sharedOnly |= s.Evidence.Level == "shared_infrastructure_only";
            }

            string? reason = null;
            var link = false;
            if (weight >= options.LinkThreshold)
            {
                // Supporting evidence counts per kind of fact: a handle and an e-mail local part that repeats it are one habit, not two facts.
                var supports = scored.Where(s => s.Class == EvidenceClass.Supporting && s.Evidence.Weight >= 3).Select(s => FactKind(s.Evidence)).Distinct().Count();
                link = identifying || supports >= 2 || (payer && supports >= 1);
                reason = link ? null
                    : payer ? "only a payer in common: the customer who paid is not always the account's user, and nothing else links them"
                    : "no identifying evidence and only one kind of supporting evidence (a handle, a client, an address seen days apart or from phones)";
            }
            else if (payer || identifying)
            {
                // Strong evidence outweighed: the analyst should still see the pair.
                reason = payer ? "only a payer in common: the customer who paid is not always the account's user, and the rest speaks against one person"
                               : "identifying evidence outweighed by evidence against it";
            }
            else if (sharedOnly)
            {
                reason = "the only address in common is shared infrastructure";
            }

            if (!link && reason is null)
            {
                continue;
            }

            // Kept: compared again with the words an analyst reads.
            var evidence = scorer.Compare(a, b).Select(s => s.Evidence).ToList();
            if (link)
            {
                accepted.Add(new PersonLink(a.Account.Key, b.Account.Key, weight, evidence));
            }
            else
            {
                refused.Add(new RefusedLink(a.Account.Key, b.Account.Key, weight, reason!, evidence));
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var clusters = Clustering.Cluster(features.Count, accepted, indexOf, (x, y) => PayersConflict(features[x], features[y]), refused);
        var persons = new List<ResolvedPerson>();
        var linksOf = accepted.GroupBy(l => clusters.RootOf(indexOf[l.AccountA])).ToDictionary(g => g.Key, g => g.ToList());
        var prior = new PriorRecordMatcher(input.PriorRecords, emailRules);
        foreach (var members in clusters.Groups())
        {
            var root = clusters.RootOf(members[0]);
            var links = (linksOf.GetValueOrDefault(root) ?? []).Where(l => clusters.RootOf(indexOf[l.AccountB]) == root)
                .OrderByDescending(l => l.Weight).ThenBy(l => l.AccountA, order).ThenBy(l => l.AccountB, order).ToList();
            if (members.Count == 1 && !linksOf.ContainsKey(root) && features[members[0]] is { Kyc.Count: 0, Subscribers.Count: 0 } lone)
            {
                // Most persons: one account, no link, no return (no LINQ per person at millions of them).
                persons.Add(new ResolvedPerson(persons.Count + 1, [lone.Account.Key], [], CountryEvidenceCollector.Decide([lone], book, input.Geo), [],
                    [.. prior.Hits(lone.Account, emailRules)], false));
                continue;
            }

            var memberFeatures = members.Select(m => features[m]).ToList();
            var identities = Identities(memberFeatures);
            persons.Add(new ResolvedPerson(persons.Count + 1, [.. memberFeatures.Select(f => f.Account.Key)], links,
                CountryEvidenceCollector.Decide(memberFeatures, book, input.Geo), identities,
                [.. memberFeatures.SelectMany(f => prior.Hits(f.Account, emailRules))], identities.Count > 0));
        }

        var shared = book.Shared.Where(s => s is not null).Select(s => s!).OrderBy(s => s.Ip, StringComparer.Ordinal).ToList();
        refused = [.. refused.OrderBy(r => r.AccountA, order).ThenBy(r => r.AccountB, order)];
        return new ResolutionResult(persons, refused, shared,
            new ResolutionStats(features.Count, persons.Count, n, persons.Sum(p => p.Links.Count), refused.Count, listed, detected));
    }

    private static string FactKind(LinkEvidence e) => e.Comparison == "username" || e.Level == "same_local_part" ? "handle" : e.Comparison;

    /// <summary>Both accounts were paid for, and by different people who share no customer, identity or address.</summary>
    internal static bool PayersConflict(AccountFeatures a, AccountFeatures b) =>
        a.Kyc.Count > 0 && b.Kyc.Count > 0
        && !a.Kyc.Any(x => b.Kyc.Any(y => x.Customer == y.Customer || (x.PersonKey is not null && x.PersonKey == y.PersonKey)
            || (x.HouseholdKey is not null && x.HouseholdKey == y.HouseholdKey)));

    private static List<IdentityFinding> Identities(List<AccountFeatures> members)
    {
        var list = new List<IdentityFinding>();
        foreach (var f in members)
        {
            foreach (var k in f.Kyc.DistinctBy(k => k.Customer))
            {
                list.Add(new IdentityFinding("kyc", f.Account.Key, k.Source.Holder, k.Source.Reference,
                    $"customer {k.Source.CustomerId} of {k.Source.Exchange}, whose withdrawal paid this account: the payer, usually but not always its user"));
            }

            foreach (var s in f.Subscribers.DistinctBy(s => s.Subscriber))
            {
                list.Add(new IdentityFinding("isp", f.Account.Key, s.Source.Subscriber, s.Source.Reference,
                    $"subscriber of {s.Source.Ip} at {s.Source.Isp} when this account logged in from it: the household, which may hold more than this person"));
            }
        }

        return list;
    }

    /// <summary>
    /// Payer wallets go to their accounts, except a wallet that paid more than <see cref="MaxBlock"/> accounts: that is
    /// a service (an exchange paying out, a payment processor), not a person's wallet, and links nobody.
    /// </summary>
    private static void AttachWallets(ResolutionInput input, List<AccountFeatures> features, Dictionary<string, int> indexOf)
    {
        foreach (var g in input.PayerWallets.Where(w => indexOf.ContainsKey(w.AccountKey)).GroupBy(w => w.Wallet, StringComparer.Ordinal))
        {
            var rows = g.DistinctBy(w => w.AccountKey, StringComparer.Ordinal).ToList();
            if (rows.Count > MaxBlock)
            {
                continue;
            }

            foreach (var w in rows)
            {
                features[indexOf[w.AccountKey]].Wallets.Add((w.Wallet, w.Reference));
            }
        }

        foreach (var f in features.Where(f => f.Wallets.Count > 1))
        {
            f.Wallets.Sort((x, y) => string.CompareOrdinal(x.Wallet, y.Wallet));
        }
    }

    /// <summary>KYC rows go to the account they name; subscriber rows to every account that logged in from the address during the lease.</summary>
    private static void AttachReturns(ResolutionInput input, List<AccountFeatures> features, Dictionary<string, int> indexOf, AddressBook book)
    {
        foreach (var k in input.Kyc)
        {
            if (indexOf.TryGetValue(k.AccountKey, out var i))
            {
                var customer = Handles.Fold(k.Exchange) + "|" + k.CustomerId.Trim();
                features[i].Kyc.Add(new KycFact(k, customer, Handles.PersonKey(k.Holder), Handles.HouseholdKey(k.Holder)));
            }
        }

        var byIp = new Dictionary<int, List<SubscriberInput>>();
        foreach (var s in input.Subscribers)
        {
            if (!IPAddress.TryParse(s.Ip.Trim(), out _) || book.FindIp(s.Ip.Trim()) is not { } ip)
            {
                continue;
            }

            if (!byIp.TryGetValue(ip, out var list))
            {
                byIp[ip] = list = [];
            }

            list.Add(s);
        }

        if (byIp.Count == 0)
        {
            return;
        }

        foreach (var f in features)
        {
            foreach (var login in f.Logins)
            {
                if (!byIp.TryGetValue(login.Ip, out var rows))
                {
                    continue;
                }

                foreach (var s in rows)
                {
                    if (login.Time >= s.LeaseFrom.ToUnixTimeSeconds() && login.Time <= s.LeaseTo.ToUnixTimeSeconds())
                    {
                        var key = Handles.Fold(s.Isp) + "|" + (s.CustomerRef is { Length: > 0 } r ? r.Trim() : s.Ip + "@" + s.LeaseFrom.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
                        if (!f.Subscribers.Any(x => x.Subscriber == key))
                        {
                            f.Subscribers.Add(new SubscriberFact(s, key, Handles.PersonKey(s.Subscriber), Handles.HouseholdKey(s.Subscriber)));
                        }
                    }
                }
            }
        }
    }
}
