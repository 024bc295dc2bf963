using Harrier.Analysis.Persons;
using Harrier.Analysis.Targets;

namespace Harrier.Analysis.Tests;

/// <summary>
/// The ranking rule on hand-built activity: which facts reach which tier, that a score is exactly the sum of its logged
/// factors, that payment and prior records never make tier 1, and that prior records never make a target of a viewer.
/// </summary>
public sealed class TargetRankerTests
{
    private static readonly DateTimeOffset Newest = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static PersonActivity Person(int n, string[]? admins = null, UploadFact[]? uploads = null, int categorisations = 0, PaymentFact? pay = null,
        PriorRecordHit[]? prior = null) =>
        new(n, "DE", admins ?? [], uploads ?? [], categorisations, pay, prior ?? []);

    private static UploadFact Upload(string key, UploadMedia media) => new(key, "a" + key, media, media == UploadMedia.NotSeen ? [] : [long.Parse(key, System.Globalization.CultureInfo.InvariantCulture)]);

    private static PriorRecordHit Hit(string id, string match = "exact") => new("a1", id, "username", "someone", match, "handle equal");

    private static RankedTarget Of(IReadOnlyList<RankedTarget> ranked, int n) => ranked.Single(t => t.PersonNumber == n);

    [Fact]
    public void Tier_follows_what_the_person_did_and_every_score_is_the_sum_of_its_factors()
    {
        var ranked = TargetRanker.Rank([
            Person(1, admins: ["a1"]),
            Person(2, uploads: [Upload("7", UploadMedia.FirstSeen), Upload("8", UploadMedia.FirstSeen), Upload("9", UploadMedia.Known)]),
            Person(3, uploads: [Upload("10", UploadMedia.Known)]),
            Person(4, categorisations: 25),
            Person(5, pay: new PaymentFact(2, 500, "satoshi", Newest.AddDays(-10))),
            Person(6),
            Person(7, uploads: [Upload("11", UploadMedia.NotSeen)]),
        ]);

        Assert.Equal([1, 1, 2, 2, 3, 4, 2], new[] { 1, 2, 3, 4, 5, 6, 7 }.Select(n => Of(ranked, n).Tier));
        foreach (var t in ranked)
        {
            Assert.Equal(Math.Min(100, t.Factors.Sum(f => f.Weight)), t.Score);
        }

        // Person 2: 60 first seen + 3 for the second first-seen upload + 30 known = 93.
        var producer = Of(ranked, 2);
        Assert.Equal(["first-seen-upload", "first-seen-volume", "known-upload"], producer.Factors.Select(f => f.Name));
        Assert.Equal(93, producer.Score);
        Assert.Contains("evidence 7", producer.Factors[0].Evidence, StringComparison.Ordinal);
        // Categoriser: 30 + (25 - 1) / 10 = 2.
        Assert.Equal(32, Of(ranked, 4).Score);
        // One payer: rank 1 of 1 gives the whole spend weight, and the payment is within 90 days of the newest.
        Assert.Equal(10 + 10 + 5, Of(ranked, 5).Score);
        Assert.Empty(Of(ranked, 6).Factors);
        // Ordered by tier, then score, then number (3 and 7 both score 30).
        Assert.Equal([2, 1, 4, 3, 7, 5, 6], ranked.Select(t => t.PersonNumber));
    }

    [Fact]
    public void Payment_and_prior_records_alone_never_reach_tier_1_however_high()
    {
        var prior = new[] { Hit("R1"), Hit("R2"), Hit("R3") };
        var ranked = TargetRanker.Rank([
            Person(1, pay: new PaymentFact(40, 90_000_000, "satoshi", Newest), prior: prior),
            Person(2, pay: new PaymentFact(1, 1, "satoshi", Newest.AddDays(-400))),
        ], new RankingWeights { Payer = 50, PayerSpendMax = 40, PriorRecord = 40, PriorRecordMax = 80 });

        var top = Of(ranked, 1);
        Assert.Equal(100, top.Score);
        Assert.Equal(2, top.Tier);
        Assert.Equal(2, TargetRanker.TierOf(100, tier1Fact: false, RankingWeights.Default));
        Assert.Equal(1, TargetRanker.TierOf(60, tier1Fact: true, RankingWeights.Default));
        Assert.Equal(2, TargetRanker.TierOf(59, tier1Fact: true, RankingWeights.Default));
    }

    [Fact]
    public void Prior_records_raise_a_person_who_acted_and_are_logged_unscored_for_a_viewer_or_a_fuzzy_match()
    {
        var ranked = TargetRanker.Rank([
            Person(1, pay: new PaymentFact(1, 100, "satoshi", Newest.AddDays(-200)), prior: [Hit("R1")]),
            Person(2, prior: [Hit("R2"), Hit("R3")]),
            Person(3, pay: new PaymentFact(1, 100, "satoshi", Newest.AddDays(-200)), prior: [Hit("R4", "fuzzy")]),
            Person(4, pay: new PaymentFact(1, 200, "satoshi", Newest), prior: [Hit("R5"), Hit("R6"), Hit("R7")]),
        ]);

        // A payer with one exact prior record: 10 + 0 spend (lowest of three payers) + 0 recency + 20 = 30, tier 2.
        Assert.Equal((30, 2), (Of(ranked, 1).Score, Of(ranked, 1).Tier));
        var viewer = Of(ranked, 2);
        Assert.Equal((0, 4), (viewer.Score, viewer.Tier));
        Assert.All(viewer.Factors, f => Assert.Equal(("prior-record", 0), (f.Name, f.Weight)));
        Assert.Contains("no act beyond viewing", viewer.Factors[0].Evidence, StringComparison.Ordinal);
        var fuzzy = Of(ranked, 3).Factors.Single(f => f.Name == "prior-record");
        Assert.Equal(0, fuzzy.Weight);
        Assert.Contains("weak signal", fuzzy.Evidence, StringComparison.Ordinal);
        // Prior records stop at 30: 20 + 10 + 0.
        Assert.Equal([20, 10, 0], Of(ranked, 4).Factors.Where(f => f.Name == "prior-record").Select(f => f.Weight));
    }

    [Fact]
    public void Spend_ranks_payers_against_each_other_and_recency_is_measured_from_the_newest_payment_not_the_clock()
    {
        var ranked = TargetRanker.Rank([
            Person(1, pay: new PaymentFact(1, 100, "satoshi", Newest.AddDays(-91))),
            Person(2, pay: new PaymentFact(1, 300, "satoshi", Newest.AddDays(-90))),
            Person(3, pay: new PaymentFact(1, 300, "satoshi", Newest)),
            Person(4, pay: new PaymentFact(1, 900, "satoshi", null)),
        ]);

        int Spend(int n) => Of(ranked, n).Factors.Single(f => f.Name == "payer-spend").Weight;
        int? Recent(int n) => Of(ranked, n).Factors.SingleOrDefault(f => f.Name == "payer-recent")?.Weight;
        // Ranks 0, 1/3 (tied, both take the lower), 1/3, 1 of the spend weight 10.
        Assert.Equal([0, 3, 3, 10], new[] { 1, 2, 3, 4 }.Select(Spend));
        Assert.Equal([0, 5, 5, null], new[] { 1, 2, 3, 4 }.Select(Recent));
    }

    [Fact]
    public void Unseen_uploads_count_only_when_no_triaged_upload_does()
    {
        var ranked = TargetRanker.Rank([
            Person(1, uploads: [Upload("1", UploadMedia.NotSeen), Upload("2", UploadMedia.Known)]),
        ]);

        var t = Of(ranked, 1);
        Assert.Equal(30, t.Score);
        Assert.Equal(0, t.Factors.Single(f => f.Name == "unseen-upload").Weight);
    }

    [Fact]
    public void A_link_through_shared_infrastructure_never_raises_a_tier()
    {
        // An administrator and a payer with similar handles who logged in within minutes of each other from one address.
        // From a household address that is one person, and the payer inherits the administrator's tier 1; from a listed
        // Tor exit the persons engine links nobody, so the payer stays a payer.
        var t0 = new DateTimeOffset(2024, 3, 1, 19, 0, 0, TimeSpan.Zero);
        const string Agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0";
        AccountInput[] accounts =
        [
            new("a1", "quietriver", "qr@example.net", t0.AddDays(-30), true), new("a2", "quietriver7", "lf@example.com", t0.AddDays(-30), false),
            .. Enumerable.Range(0, 200).Select(i => new AccountInput($"bg{i:D4}", $"member{i}x{i * 7 % 13}", $"member{i}@example.org", t0.AddDays(-30), false)),
        ];
        LoginInput[] logins = [new("a1", t0, "198.51.100.9", Agent), new("a2", t0.AddMinutes(12), "198.51.100.9", Agent)];

        int PayerTier(IReadOnlyList<SharedAddress> shared)
        {
            var resolved = PersonResolver.Resolve(new ResolutionInput { Accounts = accounts, Logins = logins, SharedAddresses = [.. shared] });
            var activity = resolved.Persons.Where(p => p.AccountKeys.Contains("a1") || p.AccountKeys.Contains("a2")).Select(p => Person(p.Number,
                admins: p.AccountKeys.Contains("a1") ? ["a1"] : null,
                pay: p.AccountKeys.Contains("a2") ? new PaymentFact(1, 100, "satoshi", Newest) : null)).ToList();
            var payer = resolved.Persons.Single(p => p.AccountKeys.Contains("a2")).Number;
            return Of(TargetRanker.Rank(activity), payer).Tier;
        }

        Assert.Equal(1, PayerTier([]));
        Assert.Equal(3, PayerTier([new SharedAddress("198.51.100.9", "tor", "tor-exit-list.txt")]));
    }
}
