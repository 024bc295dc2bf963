using Harrier.Analysis.Persons;

namespace Harrier.Analysis.Tests;

/// <summary>
/// The resolver on small hand-made worlds, each built to show one mechanism: what links two accounts, what must
/// never link them (shared infrastructure, a handle one letter away, a relative who pays), and what the person carries.
/// </summary>
public sealed class PersonResolverTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 1, 19, 0, 0, TimeSpan.Zero);
    private const string Desktop = "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0";
    private const string Phone = "Mozilla/5.0 (Linux; Android 14; Pixel 7) Mobile Safari/537.36";

    private static AccountInput Account(string key, string user, string email) => new(key, user, email, T0.AddDays(-30), false);

    private static LoginInput Login(string account, double hours, string ip, string agent = Desktop) => new(account, T0.AddHours(hours), ip, agent);

    /// <summary>Unrelated background accounts, so that value frequencies look like a platform's and not like two rows.</summary>
    private static IEnumerable<AccountInput> Background(int count) =>
        Enumerable.Range(0, count).Select(i => Account($"bg{i:D4}", $"member{i}x{i * 7 % 13}", $"member{i}@example.org"));

    private static ResolutionResult Resolve(IEnumerable<AccountInput> accounts, IEnumerable<LoginInput>? logins = null, IEnumerable<KycInput>? kyc = null,
        IEnumerable<SharedAddress>? shared = null, IEnumerable<SubscriberInput>? subscribers = null, IEnumerable<PriorRecordInput>? prior = null, ICountryLookup? geo = null) =>
        PersonResolver.Resolve(new ResolutionInput
        {
            Accounts = [.. accounts.Concat(Background(200))],
            Logins = [.. logins ?? []],
            Kyc = [.. kyc ?? []],
            SharedAddresses = [.. shared ?? []],
            Subscribers = [.. subscribers ?? []],
            PriorRecords = [.. prior ?? []],
            Geo = geo,
        });

    private static ResolvedPerson PersonOf(ResolutionResult r, string key) => r.Persons.Single(p => p.AccountKeys.Contains(key));

    [Fact]
    public void One_mailbox_in_two_spellings_is_one_person_and_the_link_says_why()
    {
        var r = Resolve([Account("a1", "quietriver", "Quiet.River+alt@gmail.com"), Account("a2", "lanternfish", "quietriver@gmail.com")]);
        var p = PersonOf(r, "a1");
        Assert.Equal(["a1", "a2"], p.AccountKeys);
        var link = Assert.Single(p.Links);
        var email = Assert.Single(link.Evidence, e => e.Comparison == "email");
        Assert.Equal("mailbox_equal", email.Level);
        Assert.True(email.Weight > 10);
        Assert.Equal(PairScorer.Prior + link.Evidence.Sum(e => e.Weight), link.Weight, 9);
    }

    [Fact]
    public void Two_accounts_from_one_home_address_within_the_hour_on_one_client_are_one_person()
    {
        var r = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "lanternfish", "lf@example.com")],
            [Login("a1", 0, "203.0.113.7"), Login("a2", 0.5, "203.0.113.7")]);
        Assert.Equal(["a1", "a2"], PersonOf(r, "a1").AccountKeys);
        Assert.Contains(PersonOf(r, "a1").Links[0].Evidence, e => e.Level == "same_address_within_1h_same_client");
    }

    [Fact]
    public void A_listed_exit_links_nobody_and_the_refusal_names_it()
    {
        // Similar handles bring the pair together; their only address in common is a Tor exit.
        var r = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "quietriver7", "lf@example.com")],
            [Login("a1", 0, "198.51.100.9"), Login("a2", 0.2, "198.51.100.9")], shared: [new SharedAddress("198.51.100.9", "tor", "tor-exit-list.txt")]);
        Assert.Single(PersonOf(r, "a1").AccountKeys);
        var refused = Assert.Single(r.Refused, x => x.AccountA == "a1" && x.AccountB == "a2");
        Assert.Contains("shared infrastructure", refused.Reason, StringComparison.Ordinal);
        Assert.Contains(r.SharedAddresses, s => s.Ip == "198.51.100.9" && s.Kind == "tor");
    }

    [Fact]
    public void An_address_many_accounts_use_in_one_week_is_detected_as_shared_and_links_nobody()
    {
        // Six strangers behind one carrier NAT address within a week, two of them 10 minutes apart on one client.
        var accounts = Enumerable.Range(1, 6).Select(i => Account($"n{i}", $"stranger{i}name{i * 3}", $"s{i}@example.net")).ToList();
        var logins = accounts.Select((a, i) => Login(a.Key, i * 20, "192.0.2.44")).Append(Login("n1", 20.1, "192.0.2.44")).ToList();
        var r = Resolve(accounts, logins);
        Assert.All(accounts, a => Assert.Single(PersonOf(r, a.Key).AccountKeys));
        var shared = Assert.Single(r.SharedAddresses);
        Assert.StartsWith("detected", shared.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Phones_on_one_address_are_not_a_household()
    {
        var r = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "lanternfish", "lf@example.com")],
            [Login("a1", 0, "100.64.1.5", Phone), Login("a2", 0.1, "100.64.1.5", Phone)]);
        Assert.Single(PersonOf(r, "a1").AccountKeys);
    }

    [Fact]
    public void A_handle_one_letter_away_is_not_a_person()
    {
        var r = Resolve([Account("a1", "darkfox", "df@example.net"), Account("a2", "darkf0x", "other@example.com")]);
        Assert.Single(PersonOf(r, "a1").AccountKeys);
    }

    [Fact]
    public void A_payer_in_common_alone_does_not_merge_but_with_a_handle_it_does()
    {
        var holder = new IdentityRecord("Testa Quillfeather", "Testa", "Quillfeather", "1980-01-02", "1 Example Road", "Sampletown", "ZZ-1000", "DE");
        KycInput Kyc(string account) => new(account, "lionx", "LIO-1", holder, null, "lionx.csv line 2");
        var apart = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "lanternfish", "lf@example.com")], kyc: [Kyc("a1"), Kyc("a2")]);
        Assert.Single(PersonOf(apart, "a1").AccountKeys);
        Assert.Contains(apart.Refused, x => x.Reason.StartsWith("only a payer", StringComparison.Ordinal));

        var together = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "quietriver_2", "lf@example.com")], kyc: [Kyc("a1"), Kyc("a2")]);
        Assert.Equal(2, PersonOf(together, "a1").AccountKeys.Count);
        Assert.True(PersonOf(together, "a1").Identified);
        Assert.Equal("DE", PersonOf(together, "a1").Country?.Country);
    }

    [Fact]
    public void One_payer_wallet_needs_support_and_a_wallet_that_paid_very_many_accounts_is_a_service()
    {
        PayerWalletInput Paid(string account, string wallet) => new(account, wallet, "trace");
        var alone = PersonResolver.Resolve(new ResolutionInput
        {
            Accounts = [Account("a1", "quietriver", "qr@example.net"), Account("a2", "lanternfish", "lf@example.com"), .. Background(200)],
            PayerWallets = [Paid("a1", "cluster 7"), Paid("a2", "cluster 7")],
        });
        Assert.Single(PersonOf(alone, "a1").AccountKeys);
        Assert.Contains(alone.Refused, x => x.AccountA == "a1" && x.Evidence.Any(e => e.Level == "same_wallet"));

        var withHandle = PersonResolver.Resolve(new ResolutionInput
        {
            Accounts = [Account("a1", "quietriver", "qr@example.net"), Account("a2", "quietriver_9", "lf@example.com"), .. Background(200)],
            PayerWallets = [Paid("a1", "cluster 7"), Paid("a2", "cluster 7")],
        });
        Assert.Equal(["a1", "a2"], PersonOf(withHandle, "a1").AccountKeys);

        // An exchange paying out to 70 accounts directly: its cluster is not anyone's wallet.
        var service = PersonResolver.Resolve(new ResolutionInput
        {
            Accounts = [Account("a1", "quietriver", "qr@example.net"), Account("a2", "quietriver_9", "lf@example.com"), .. Background(200)],
            PayerWallets = [Paid("a1", "cluster 1"), Paid("a2", "cluster 1"), .. Background(68).Select(b => Paid(b.Key, "cluster 1"))],
        });
        Assert.Single(PersonOf(service, "a1").AccountKeys);
    }

    [Fact]
    public void Accounts_paid_for_by_different_people_are_not_chained_together_through_a_third()
    {
        // a1 and a2 share a mailbox; a2 and a3 share a home at one moment; a1 and a3 were paid for by two different people.
        var x = new IdentityRecord(null, "Testa", "Quillfeather", "1980-01-02", "1 Example Road", "Sampletown", "ZZ-1000", "DE");
        var y = new IdentityRecord(null, "Beispiel", "Sampleton", "1975-05-06", "9 Sample Way", "Exampleville", "ZZ-2000", "FR");
        var r = Resolve(
            [Account("a1", "quietriver", "qr+a@gmail.com"), Account("a2", "lanternfish", "qr@gmail.com"), Account("a3", "mossbadger", "mb@example.com")],
            [Login("a2", 0, "203.0.113.9"), Login("a3", 0.3, "203.0.113.9")],
            kyc: [new KycInput("a1", "lionx", "LIO-1", x, null, "r1"), new KycInput("a3", "maplex", "MAP-2", y, null, "r2")]);
        Assert.NotEqual(PersonOf(r, "a1").Number, PersonOf(r, "a3").Number);
        Assert.Contains(r.Refused, f => f.Reason.Contains("different people", StringComparison.Ordinal));
    }

    [Fact]
    public void Country_comes_from_returns_and_geoip_and_never_from_an_exit()
    {
        var geo = new TableGeo(new() { ["203.0.113.7"] = "NL", ["198.51.100.9"] = "US" });
        var r = Resolve([Account("a1", "quietriver", "qr@example.net")], [Login("a1", 0, "203.0.113.7"), Login("a1", 5, "198.51.100.9"), Login("a1", 9, "198.51.100.9")],
            shared: [new SharedAddress("198.51.100.9", "vpn", "vpn-exit-list.txt")], geo: geo);
        var country = PersonOf(r, "a1").Country;
        Assert.NotNull(country);
        Assert.Equal("NL", country.Country);
        Assert.DoesNotContain(country.Evidence, e => e.Country == "US");
        Assert.True(country.Confidence is > 0 and < 1, "one GeoIP lookup is not certainty");
    }

    [Fact]
    public void Evening_activity_supports_a_country_in_its_time_zone_and_never_names_one_alone()
    {
        // Eight logins between 19:00 and 23:00 at UTC+1 (18:00–22:00 UTC), from one address GeoIP puts in DE.
        var day = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var evenings = Enumerable.Range(0, 8).Select(i => new LoginInput("a1", day.AddDays(i * 3).AddHours(18 + i % 4), "203.0.113.7", Desktop)).ToList();
        var geo = new TableGeo(new() { ["203.0.113.7"] = "DE" });
        var r = PersonResolver.Resolve(new ResolutionInput { Accounts = [Account("a1", "quietriver", "qr@example.net")], Logins = evenings, Geo = geo });
        var tz = Assert.Single(PersonOf(r, "a1").Country!.Evidence, e => e.Source == "timezone");
        Assert.Equal("DE", tz.Country);

        // The same evenings from an address in the US: UTC+1 is no US offset, so no time-zone evidence, and nothing names a country alone.
        var us = PersonResolver.Resolve(new ResolutionInput { Accounts = [Account("a1", "quietriver", "qr@example.net")], Logins = evenings,
            Geo = new TableGeo(new() { ["203.0.113.7"] = "US" }) });
        Assert.DoesNotContain(PersonOf(us, "a1").Country!.Evidence, e => e.Source == "timezone");
        var none = PersonResolver.Resolve(new ResolutionInput { Accounts = [Account("a1", "quietriver", "qr@example.net")], Logins = evenings });
        Assert.Null(PersonOf(none, "a1").Country);
    }

    [Fact]
    public void Subscriber_returns_identify_the_household_of_a_login_inside_the_lease_only()
    {
        var sub = new SubscriberInput("de-net1", "203.0.113.7", T0.AddDays(-1), T0.AddDays(1), "SUB-1",
            new IdentityRecord("Testa Quillfeather", null, null, null, "1 Example Road", "Sampletown", "ZZ-1000", "DE"), "de-net1.csv line 2");
        var r = Resolve([Account("a1", "quietriver", "qr@example.net"), Account("a2", "lanternfish", "lf@example.com")],
            [Login("a1", 0, "203.0.113.7"), Login("a2", 24 * 5, "203.0.113.7")], subscribers: [sub]);
        Assert.True(PersonOf(r, "a1").Identified);
        Assert.Equal("isp", PersonOf(r, "a1").Identities.Single().Source);
        Assert.False(PersonOf(r, "a2").Identified);
    }

    [Fact]
    public void Prior_records_match_exactly_by_mailbox_and_fuzzily_by_handle()
    {
        var r = Resolve([Account("a1", "quietriver", "Quiet.River@gmail.com")],
            prior: [new PriorRecordInput("R1", "email", "quietriver+old@gmail.com", "EC-1"), new PriorRecordInput("R2", "username", "quietrivers", "EC-2"),
                new PriorRecordInput("R3", "username", "somebodyelse", "EC-3")]);
        var hits = PersonOf(r, "a1").PriorHits;
        Assert.Equal(["R1:normalised", "R2:fuzzy"], hits.Select(h => $"{h.RecordId}:{h.Match}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_same_input_gives_the_same_persons_whatever_its_order()
    {
        var accounts = new[] { Account("3", "quietriver", "qr@gmail.com"), Account("1", "quietriver2", "q.r@gmail.com"), Account("2", "lanternfish", "lf@example.com") };
        var logins = new[] { Login("2", 0, "203.0.113.7"), Login("3", 0.2, "203.0.113.7") };
        var a = PersonResolver.Resolve(new ResolutionInput { Accounts = accounts, Logins = logins });
        var b = PersonResolver.Resolve(new ResolutionInput { Accounts = [.. accounts.Reverse()], Logins = [.. logins.Reverse()] });
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a), System.Text.Json.JsonSerializer.Serialize(b));
        Assert.Equal(["1", "2", "3"], a.Persons.Single().AccountKeys);
    }

    private sealed class TableGeo(Dictionary<string, string> table) : ICountryLookup
    {
        public string? CountryOf(string ip) => table.GetValueOrDefault(ip);
    }
}
