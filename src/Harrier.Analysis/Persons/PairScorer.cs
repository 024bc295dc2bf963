using System.Globalization;

namespace Harrier.Analysis.Persons;

/// <summary>What a comparison level can do for a link on its own (docs/persons.md, "Guards").</summary>
internal enum EvidenceClass
{
    /// <summary>Says nothing either way, or speaks against.</summary>
    None,

    /// <summary>Raises the weight but never links on its own (handles, devices, an address seen days apart).</summary>
    Supporting,

    /// <summary>Names who paid, not who used the account: links only with supporting evidence beside it.</summary>
    Payer,

    /// <summary>Links on its own when the weight allows (one mailbox, one household at one moment, one subscriber).</summary>
    Identifying,
}

/// <summary>One comparison's outcome for a pair: the evidence shown to the analyst and its class.</summary>
internal readonly record struct Scored(LinkEvidence Evidence, EvidenceClass Class, bool Conflict);

/// <summary>
/// Fellegi–Sunter comparisons of two accounts. Each level's weight is log2(m/u): m the chance of the level when the
/// two accounts are one person, u when they are two people. m and u are stated here, with the reason, rather than fitted to
/// one generated world; exact-value levels are adjusted for how common the value is (term frequency: a value held
/// by k accounts weighs log2(k - 1) bits less, so a handle stem many share counts little).
/// </summary>
internal sealed class PairScorer
{
    /// <summary>Prior: odds of about 1 to 1,000 that two accounts that blocking put side by side are one person.</summary>
    public const double Prior = -10.0;

    private static double W(double m, double u) => Math.Log2(m / u);

    // E-mail. A mailbox is personal: u = 1e-4 (shared family mailboxes, typing errors). Of persons with several
    // accounts, about half reuse a mailbox (m = 0.6 when equal under the provider's rules).
    private static readonly double EmailEqual = W(0.6, 1e-4);
    // Equal only when every dot is ignored, at a provider not known to ignore dots: j.smith and jsmith may be two people.
    private static readonly double EmailDotless = W(0.1, 1e-3);
    // The same local part at two providers: a handle habit, not a mailbox.
    private static readonly double EmailStem = W(0.1, 1e-3);
    private static readonly double EmailDifferent = W(0.4, 1.0);

    // Handles. Stems of unrelated handles collide (darkfox, darkfox1): u = 1e-3 before the term-frequency adjustment.
    private static readonly double UserStem = W(0.5, 1e-3);
    private static readonly double UserEdit1 = W(0.1, 1e-3);
    private static readonly double UserDifferent = W(0.4, 1.0);

    // One household address at one moment. Outside carrier NAT (detected or listed as shared), an address is held by
    // one household at a time: two accounts from it within an hour on the same client are one device in one home.
    private static readonly double HomeHourSameClient = W(0.9, 1e-4);
    private static readonly double HomeDaySameClient = W(0.8, 1e-3);
    // Same address within a day on different clients: two devices of one home, or strangers behind undetected NAT.
    private static readonly double HomeDay = W(0.6, 1e-2);
    // Same address days apart: a dynamic address may have passed to another household meanwhile.
    private static readonly double HomeWeeks = W(0.5, 0.05);

    // KYC. The customer behind a withdrawal paid for the account; usually its user, sometimes a relative.
    private static readonly double KycSame = W(0.5, 1e-4);
    // Two different identities paying for two accounts: evidence against (m: a person paying under two identities is rare).
    private static readonly double KycDifferent = W(0.05, 0.9);

    // Payer wallet (a chain cluster that paid both accounts): like KYC, who paid; a wallet held by k accounts weighs log2(k - 1) less.
    private static readonly double WalletSame = W(0.5, 1e-4);

    // ISP subscriber: the household that held the address at the login. A household can hold several people.
    private static readonly double SubscriberSame = W(0.7, 1e-4);
    private static readonly double SubscriberDifferent = W(0.2, 0.9);

    private readonly ResolutionOptions _options;
    private readonly AddressBook _book;
    private readonly Dictionary<string, int> _emailCounts;
    private readonly Dictionary<string, int> _stemCounts;
    private readonly int[] _agentCounts;
    private readonly int[] _accountsOn;
    private readonly Dictionary<string, int> _walletCounts;
    private readonly bool[] _mobile;
    private readonly int _accounts;
    private readonly int[][] _clients;
    private bool _explain = true;

    public PairScorer(ResolutionOptions options, AddressBook book, IReadOnlyList<AccountFeatures> accounts)
    {
        _options = options;
        _book = book;
        _accounts = accounts.Count;
        _emailCounts = accounts.Where(a => a.EmailNormal is not null).GroupBy(a => a.EmailNormal!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _stemCounts = accounts.Where(a => a.UserStem is not null).GroupBy(a => a.UserStem!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _walletCounts = accounts.SelectMany(a => a.Wallets.Select(w => w.Wallet)).GroupBy(w => w, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _accountsOn = new int[book.Ips.Count];
        foreach (var a in accounts)
        {
            foreach (var ip in a.Logins.Select(l => l.Ip).Distinct())
            {
                _accountsOn[ip]++;
            }
        }

        // Index 0 is "no client"; a client string is a phone's when it says so (Android, iPhone, Mobile).
        _mobile = [false, .. book.Agents.Select(IsMobile)];
        _clients = [.. accounts.Select(a => a.Logins.Where(l => book.Shared[l.Ip] is null && l.Agent >= 0).Select(l => l.Agent).Distinct().Order().ToArray())];
        _agentCounts = new int[book.Agents.Count];
        foreach (var a in accounts)
        {
            foreach (var agent in a.Logins.Where(l => book.Shared[l.Ip] is null).Select(l => l.Agent).Where(x => x >= 0).Distinct())
            {
                _agentCounts[agent]++;
            }
        }
    }

    internal static bool IsMobile(string agent) =>
        agent.Contains("Mobile", StringComparison.OrdinalIgnoreCase) || agent.Contains("Android", StringComparison.OrdinalIgnoreCase)
        || agent.Contains("iPhone", StringComparison.OrdinalIgnoreCase);

    private static double Others(int accounts) => accounts - 2 >= 2 ? Math.Log2(accounts - 2) : 0;

    private static double Tf(int holders) => holders > 2 ? Math.Log2(holders - 1) : 0;

    private static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every comparison of the pair. With <paramref name="explain"/> false the details are left empty: most candidate
    /// pairs are dropped, so their words are only written for pairs that are kept (linked or refused).
    /// </summary>
    public List<Scored> Compare(AccountFeatures a, AccountFeatures b, bool explain = true)
    {
        _explain = explain;
        var list = new List<Scored>(6);
        if (EmailLevel(a, b) is { } email)
        {
            list.Add(email);
        }

        if (UserLevel(a, b) is { } user)
        {
            list.Add(user);
        }

        if (HomeLevel(a, b) is { } home)
        {
            list.Add(home);
        }

        if (DeviceLevel(a, b) is { } device)
        {
            list.Add(device);
        }

        if (KycLevel(a, b) is { } kyc)
        {
            list.Add(kyc);
        }

        if (WalletLevel(a, b) is { } wallet)
        {
            list.Add(wallet);
        }

        if (SubscriberLevel(a, b) is { } subscriber)
        {
            list.Add(subscriber);
        }

        return list;
    }

    private Scored? EmailLevel(AccountFeatures a, AccountFeatures b)
    {
        if (a.EmailNormal is null || b.EmailNormal is null)
        {
            return null;
        }

        if (a.EmailNormal == b.EmailNormal)
        {
            var w = EmailEqual - Tf(_emailCounts[a.EmailNormal]);
            return new(new("email", "mailbox_equal", w, _explain ? $"{a.Account.Email} and {b.Account.Email} reach one mailbox ({a.EmailNormal})" : ""), EvidenceClass.Identifying, false);
        }

        if (a.EmailDotless == b.EmailDotless)
        {
            return new(new("email", "equal_without_dots", EmailDotless,
                _explain ? $"{a.Account.Email} and {b.Account.Email} differ only in dots (one mailbox only if the provider ignores dots)" : ""), EvidenceClass.Supporting, false);
        }

        if (a.EmailStem is not null && a.EmailStem.Length >= 4 && a.EmailStem == b.EmailStem)
        {
            return new(new("email", "same_local_part", EmailStem, _explain ? $"{a.Account.Email} and {b.Account.Email}: the same name at different providers" : ""),
                EvidenceClass.Supporting, false);
        }

        return new(new("email", "different", EmailDifferent, _explain ? $"{a.Account.Email} and {b.Account.Email}" : ""), EvidenceClass.None, false);
    }

    private Scored? UserLevel(AccountFeatures a, AccountFeatures b)
    {
        if (a.UserLower is null || b.UserLower is null)
        {
            return null;
        }

        if (a.UserStem is not null && a.UserStem == b.UserStem)
        {
            var holders = _stemCounts[a.UserStem];
            var w = UserStem - Tf(holders);
            return new(new("username", "same_stem", w,
                _explain ? string.Create(CultureInfo.InvariantCulture, $"{a.Account.Username} and {b.Account.Username} share the stem '{a.UserStem}' ({holders} accounts have it)") : ""),
                EvidenceClass.Supporting, false);
        }

        if (Math.Min(a.UserLower.Length, b.UserLower.Length) >= 5 && Handles.EditDistance(a.UserLower, b.UserLower, 1) <= 1)
        {
            return new(new("username", "one_edit_apart", UserEdit1, _explain ? $"{a.Account.Username} and {b.Account.Username} are one character apart" : ""),
                EvidenceClass.Supporting, false);
        }

        return new(new("username", "different", UserDifferent, _explain ? $"{a.Account.Username} and {b.Account.Username}" : ""), EvidenceClass.None, false);
    }

    /// <summary>The closest pair of logins of the two accounts from one address, preferring addresses not known to be shared.</summary>
    private Scored? HomeLevel(AccountFeatures a, AccountFeatures b)
    {
        var (small, large) = a.Logins.Count <= b.Logins.Count ? (a, b) : (b, a);
        if (small.Logins.Count == 0)
        {
            return null;
        }

        long bestGap = long.MaxValue;
        var bestSameClient = false;
        var bestIp = -1;
        long mobileGap = long.MaxValue;
        var mobileIp = -1;
        long sharedGap = long.MaxValue;
        var sharedIp = -1;
        foreach (var l in small.Logins)
        {
            foreach (var o in large.Logins)
            {
                if (o.Ip != l.Ip)
                {
                    continue;
                }

                var gap = Math.Abs(o.Time - l.Time);
                var sameClient = o.Agent >= 0 && o.Agent == l.Agent;
                if (_book.Shared[l.Ip] is not null)
                {
                    if (gap < sharedGap)
                    {
                        (sharedGap, sharedIp) = (gap, l.Ip);
                    }

                    continue;
                }

                if (_mobile[l.Agent + 1] && _mobile[o.Agent + 1])
                {
                    // Two phones on one address: mobile networks put many subscribers behind one address
                    // (carrier-grade NAT, RFC 6598), so this is not a household.
                    if (gap < mobileGap)
                    {
                        (mobileGap, mobileIp) = (gap, l.Ip);
                    }

                    continue;
                }

                if (gap < bestGap || (gap == bestGap && sameClient && !bestSameClient))
                {
                    (bestGap, bestSameClient, bestIp) = (gap, sameClient, l.Ip);
                }
            }
        }

        if (bestIp < 0 && mobileIp >= 0)
        {
            // Phones on one address within a day: supporting at most (carrier NAT); further apart, nothing.
            var tfMobile = Others(_accountsOn[mobileIp]);
            return mobileGap <= _options.CoOccurrenceWindow.TotalSeconds
                ? new(new("household_ip", "same_address_mobile_clients", Math.Max(0, HomeDay - tfMobile),
                    _explain ? $"both logged in from {_book.Ips[mobileIp]} {Gap(mobileGap)} apart, each on a phone: likely a mobile network's shared address" : ""), EvidenceClass.Supporting, false)
                : new(new("household_ip", "same_address_mobile_long_apart", 0,
                    _explain ? $"both logged in from {_book.Ips[mobileIp]}, {Gap(mobileGap)} apart, each on a phone: says nothing" : ""), EvidenceClass.None, false);
        }

        if (bestIp < 0)
        {
            if (sharedIp < 0)
            {
                return null;
            }

            var s = _book.Shared[sharedIp]!;
            return new(new("household_ip", "shared_infrastructure_only", 0,
                _explain ? $"both used {s.Ip}, a {s.Kind} address shared by strangers ({s.Source}); it links nobody" : ""), EvidenceClass.None, false);
        }

        var ip = _book.Ips[bestIp];
        var when = _explain ? Gap(bestGap) : "";
        // Term frequency of the address: one that many other accounts used over the period weighs less
        // (log2 of the number of accounts besides these two, from two on).
        var tf = Others(_accountsOn[bestIp]);
        var seenBy = !_explain ? "" : string.Create(CultureInfo.InvariantCulture, $"; {_accountsOn[bestIp]} accounts used the address over the period");
        var window = _options.CoOccurrenceWindow.TotalSeconds;
        if (bestGap <= 3600 && bestSameClient)
        {
            return new(new("household_ip", "same_address_within_1h_same_client", HomeHourSameClient - tf, _explain ? $"both logged in from {ip} {when} apart on the same client{seenBy}" : ""),
                EvidenceClass.Identifying, false);
        }

        if (bestGap <= window && bestSameClient)
        {
            return new(new("household_ip", "same_address_within_24h_same_client", HomeDaySameClient - tf, _explain ? $"both logged in from {ip} {when} apart on the same client{seenBy}" : ""),
                EvidenceClass.Identifying, false);
        }

        if (bestGap <= window)
        {
            return new(new("household_ip", "same_address_within_24h", Math.Max(0, HomeDay - tf), _explain ? $"both logged in from {ip} {when} apart, on different clients{seenBy}" : ""),
                EvidenceClass.Supporting, false);
        }

        if (bestGap <= 14 * 86_400)
        {
            return new(new("household_ip", "same_address_within_14d", Math.Max(0, HomeWeeks - tf), _explain ? $"both logged in from {ip}, {when} apart{seenBy}" : ""), EvidenceClass.Supporting, false);
        }

        return new(new("household_ip", "same_address_long_apart", 0, _explain ? $"both logged in from {ip}, but {when} apart (the address may have been reassigned)" : ""),
            EvidenceClass.None, false);
    }

    private static string Gap(long seconds) => seconds switch
    {
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60} min"),
        < 2 * 86_400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600.0:0.#} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86_400.0:0.#} days"),
    };

    private Scored? DeviceLevel(AccountFeatures a, AccountFeatures b)
    {
        // Clients seen through shared infrastructure say little (Tor Browser gives every user one client string).
        var aa = _clients[a.Index];
        var bb = _clients[b.Index];
        if (aa.Length == 0 || bb.Length == 0)
        {
            return null;
        }

        var rarest = -1;
        foreach (var x in aa)
        {
            if (Array.BinarySearch(bb, x) >= 0 && (rarest < 0 || _agentCounts[x] < _agentCounts[rarest]))
            {
                rarest = x;
            }
        }

        if (rarest < 0)
        {
            return new(new("device", "different_clients", W(0.3, 0.9), "no client (user agent) in common"), EvidenceClass.None, false);
        }

        // The rarest client they share: a common browser string says little.
        var share = (double)_agentCounts[rarest] / Math.Max(1, _accounts);
        var w = Math.Clamp(W(0.8, share), 0, 8);
        return new(new("device", "same_client", w,
            _explain ? string.Create(CultureInfo.InvariantCulture, $"the same client ({_agentCounts[rarest]} of {_accounts} accounts use it): {_book.Agents[rarest]}") : ""),
            EvidenceClass.Supporting, false);
    }

    private Scored? WalletLevel(AccountFeatures a, AccountFeatures b)
    {
        foreach (var (wallet, reference) in a.Wallets)
        {
            var other = b.Wallets.FindIndex(w => w.Wallet == wallet);
            if (other >= 0)
            {
                var holders = _walletCounts[wallet];
                return new(new("payer_wallet", "same_wallet", WalletSame - Tf(holders),
                    _explain ? string.Create(CultureInfo.InvariantCulture, $"both paid from one wallet ({wallet}, which paid {holders} accounts): {reference}; {b.Wallets[other].Reference}") : ""),
                    EvidenceClass.Payer, false);
            }
        }

        return null;
    }

    private static Scored? KycLevel(AccountFeatures a, AccountFeatures b)
    {
        if (a.Kyc.Count == 0 || b.Kyc.Count == 0)
        {
            return null;
        }

        foreach (var x in a.Kyc)
        {
            foreach (var y in b.Kyc)
            {
                if (x.Customer == y.Customer || (x.PersonKey is not null && x.PersonKey == y.PersonKey))
                {
                    var how = x.Customer == y.Customer ? $"customer {x.Source.CustomerId} of {x.Source.Exchange}" : $"one identity ({Handles.Describe(x.Source.Holder)})";
                    return new(new("kyc", "same_payer", KycSame, $"both paid for by {how}: {x.Source.Reference}; {y.Source.Reference}"), EvidenceClass.Payer, false);
                }
            }
        }

        var household = a.Kyc.Any(x => x.HouseholdKey is not null && b.Kyc.Any(y => y.HouseholdKey == x.HouseholdKey));
        if (household)
        {
            return new(new("kyc", "same_household_other_person", 0,
                $"paid for by two people at one address ({Handles.Describe(a.Kyc[0].Source.Holder)}; {Handles.Describe(b.Kyc[0].Source.Holder)})"), EvidenceClass.None, false);
        }

        return new(new("kyc", "different_payers", KycDifferent,
            $"paid for by different people ({Handles.Describe(a.Kyc[0].Source.Holder)}; {Handles.Describe(b.Kyc[0].Source.Holder)})"), EvidenceClass.None, true);
    }

    private static Scored? SubscriberLevel(AccountFeatures a, AccountFeatures b)
    {
        if (a.Subscribers.Count == 0 || b.Subscribers.Count == 0)
        {
            return null;
        }

        foreach (var x in a.Subscribers)
        {
            foreach (var y in b.Subscribers)
            {
                if (x.Subscriber == y.Subscriber || (x.HouseholdKey is not null && x.HouseholdKey == y.HouseholdKey))
                {
                    return new(new("subscriber", "same_household", SubscriberSame,
                        $"both logged in from the household of {Handles.Describe(x.Source.Subscriber)} ({x.Source.Isp}): {x.Source.Reference}; {y.Source.Reference}"),
                        EvidenceClass.Identifying, false);
                }
            }
        }

        return new(new("subscriber", "different_households", SubscriberDifferent,
            $"logged in from different households ({Handles.Describe(a.Subscribers[0].Source.Subscriber)}; {Handles.Describe(b.Subscribers[0].Source.Subscriber)})"),
            EvidenceClass.None, false);
    }
}
