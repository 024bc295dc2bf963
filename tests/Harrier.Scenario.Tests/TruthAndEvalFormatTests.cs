using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;
using Harrier.Testing;
using Harrier.Testing.Chain;

namespace Harrier.Scenario.Tests;

/// <summary>truth.json and eval.json from hand-built models: round trips and approved snapshots (no scenario generation, no machine-dependent values).</summary>
public sealed class TruthAndEvalFormatTests
{
    private const string TxA = SampleTrace.PaymentTxid;
    private const string TxB = "bb00000000000000000000000000000000000000000000000000000000000002";
    private const string TxW = SampleTrace.WithdrawalTxid;

    private static ScenarioTruth HandBuilt() => new()
    {
        Seed = 7,
        Preset = "hand-built",
        IpSource = "synthetic 10.0.0.0/8 (no GeoIP file given)",
        Items = [new TruthItem(1, "photo-001.jpg", true, "1", 11, true), new TruthItem(2, "photo-002.jpg", false, "", 12, false)],
        Files =
        [
            new TruthFile("media/videos/000001-low.mp4", "video", 1, [1], "low", "original", true),
            new TruthFile("media/videos/000002-high.mp4", "video", 2, [1, 2], "high", "compilation", true),
            new TruthFile("media/images/000001-crop.jpg", "image", 0, [2], "still", "crop", false),
            new TruthFile("media/docs/readme.txt", "decoy", 0, [], "none", "none", false),
        ],
        Persons = [new TruthPerson(1, "SE", "Producer, Uploader", false, null, [11], ["nordcoin"]), new TruthPerson(2, "CH", "Viewer", true, 1, [12], [])],
        Exchanges = [new ScenarioExchange("nordcoin", "NordCoin Exchange", "SE")],
        Payments = [new TruthPayment(1, "nordcoin", "SE", TxW, 0, TxA, 0)],
        ChangeOutputs = [new ChangeTruth(TxW, 1)],
        DecoyTransactions = [new TruthDecoyTransaction(TxB, "coinjoin-equal")],
        AddressOwners = [new TruthAddressOwner("bcrt1qexample0", "exchange:nordcoin"), new TruthAddressOwner("bcrt1qexample1", "person:1")],
        Bank = [new TruthBankEntry(1, "0123456789abcdef0123456789abcdef", true, false, "vpdq/000001.txt"), new TruthBankEntry(2, "fedcba9876543210fedcba9876543210", false, true, null)],
        PriorRecordHits = [new TruthRecordHit(1, "email", "one@example.invalid")],
        TargetsByCountry = new Dictionary<string, IReadOnlyList<TruthTarget>> { ["CH"] = [new TruthTarget(2, 10)], ["SE"] = [new TruthTarget(1, 1310)] },
    };

    [Fact]
    public async Task Truth_json_round_trips_and_matches_its_snapshot()
    {
        using var first = new MemoryStream();
        await TruthJson.WriteAsync(first, HandBuilt(), CancellationToken.None);
        Snapshot.Match("truth.json", first.ToArray());

        var path = Path.Combine(Directory.CreateTempSubdirectory("harrier-truth-").FullName, "truth.json");
        try
        {
            await File.WriteAllBytesAsync(path, first.ToArray());
            var back = await TruthJson.ReadAsync(path, CancellationToken.None);
            using var second = new MemoryStream();
            await TruthJson.WriteAsync(second, back, CancellationToken.None);
            Assert.Equal(first.ToArray(), second.ToArray());
            Assert.Equal(4, back.Files!.Count());
            Assert.Null(back.Persons.First().PaysForPersonId);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>The hand-built truth with a people section (one person of each kind of signal).</summary>
    private static ScenarioTruth HandBuiltWithPeople() => HandBuilt() with
    {
        People = new TruthPeople
        {
            TierRule = "1: Producer or Admin; 4: the rest",
            EmailProviders = [new TruthEmailProvider("mailbox.invalid", true, true), new TruthEmailProvider("webmail.invalid", false, false)],
            Persons =
            [
                new TruthPeoplePerson(1, "SE", "Europe/Stockholm", 60, "Viewer, Payer, Producer", 1,
                    [new TruthPeopleAccount(11, "darkfox", "Dark.Fox+vid1@mailbox.invalid", "darkfox@mailbox.invalid")], "se-net1",
                    [new TruthLease("10.17.0.9", "2023-01-02T00:00:00Z", "2023-01-30T00:00:00Z")], ["desktop-agent", "mobile-agent"], null),
                new TruthPeoplePerson(2, "CH", "Europe/Zurich", 60, "Viewer", 4,
                    [new TruthPeopleAccount(12, "darkfox1", "owl@webmail.invalid", "owl@webmail.invalid")], "ch-net2", [], ["desktop-agent"], "tor"),
            ],
            SharedInfrastructure = [new TruthSharedAddress("10.250.9.1", "tor", "tor", null, 2), new TruthSharedAddress("10.10.200.7", "cgnat", "ch-mobile1", "CH", 3)],
            NearCollisions = [new TruthNearCollision(11, "darkfox", 1, 12, "darkfox1", 2, "appended-digit")],
            PriorRecordHits = [new TruthRecordHit(1, "username", "darkfox")],
            Returns = new TruthReturns
            {
                SilentExchanges = ["lionx"],
                Exchanges = [new TruthKycReturn("nordcoin", "NOR-1234567", TxW, 0, 1, false)],
                Isps = [new TruthIspReturn("se-net1", "10.17.0.9", "2023-01-02T00:00:00Z", 1, true)],
            },
            Claims =
            [
                new TruthClaim("deconfliction/claims.csv", "FAKE-NCA-GB-0001", "FAKE-NCA-GB", "GB", "open", "username", "darkfox", 1, "SE", "other-country"),
                new TruthClaim("deconfliction/claims.json", "FAKE-BKA-DE-0001", "FAKE-BKA-DE", "DE", "withdrawn", "email", "nobody@claims.invalid", null, null, "unknown-identifier"),
            ],
        },
    };

    [Fact]
    public async Task Truth_json_with_people_round_trips_matches_its_snapshot_and_leaves_the_other_keys_alone()
    {
        using var with = new MemoryStream();
        await TruthJson.WriteAsync(with, HandBuiltWithPeople(), CancellationToken.None);
        Snapshot.Match("truth-people.json", with.ToArray());

        // The section is appended: without it the bytes are those of the file before the people stage.
        using var without = new MemoryStream();
        await TruthJson.WriteAsync(without, HandBuilt(), CancellationToken.None);
        var before = System.Text.Encoding.UTF8.GetString(without.ToArray());
        var after = System.Text.Encoding.UTF8.GetString(with.ToArray());
        Assert.StartsWith(before[..before.LastIndexOf('}')].TrimEnd(), after, StringComparison.Ordinal);

        var path = Path.Combine(Directory.CreateTempSubdirectory("harrier-truth-").FullName, "truth.json");
        try
        {
            await File.WriteAllBytesAsync(path, with.ToArray());
            var back = await TruthJson.ReadAsync(path, CancellationToken.None);
            using var again = new MemoryStream();
            await TruthJson.WriteAsync(again, back, CancellationToken.None);
            Assert.Equal(with.ToArray(), again.ToArray());
            Assert.Equal("darkfox1", back.People!.NearCollisions.Single().UsernameB);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void A_file_without_files_is_not_a_truth_file()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("harrier-truth-").FullName, "other.json");
        try
        {
            File.WriteAllText(path, "{\"schema\":\"something-else\"}");
            Assert.Throws<InvalidDataException>(() => TruthJson.Read(path));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Media_evaluation_and_attribution_score_against_the_model()
    {
        var truth = HandBuilt();
        MediaPrediction[] predictions =
        [
            new("videos/000001-low.mp4", true, false, 1, 1),
            new("videos/000002-high.mp4", true, false, 1, 2),
            new("images/000001-crop.jpg", false, false, null, 2),
            new("docs/readme.txt", false, true, null, null),
        ];
        var media = MediaEvaluator.Evaluate(truth, predictions);
        Assert.Equal((3, 0, 1, 1), (media.Files, media.MissingFromCase, media.Decoys, media.DecoysFiltered));
        Assert.Equal(new PairScore(2, 0, 0), media.Known);
        Assert.Equal(new PairScore(0, 1, 0), media.Renditions);

        var report = SampleTrace.Report();
        var score = AttributionScore.Compute(report, truth.Payments!.ToList());
        Assert.Equal((1, 1, 1, 1), (score.Known, score.Predicted, score.Correct, score.WithdrawalExact));

        var truePeople = new TruthPeople { Persons = [new TruthPeoplePerson(1, "DE", "UTC", 0, "Payer", 3, [new(1, "a", "a@x.invalid", "a@x.invalid"), new(2, "b", "b@x.invalid", "b@x.invalid")], "isp", [], [], null)] };
        var people = PeopleScore.Compute(truePeople, [new PredictedPerson(["1", "2"], "DE", true)]);
        var targets = TargetsScore.Compute(truePeople, [new PredictedTarget(["1", "2"], 1, "DE")]);
        var eval = EvalReport.From(media, score, people, targets);
        Snapshot.Match("eval.json", eval.ToJson());
        Assert.Equal(eval.ToJson(), EvalReport.Parse(eval.ToJson()).ToJson());
        Snapshot.Match("eval-no-chain.json", EvalReport.From(media, null).ToJson());
    }
}
