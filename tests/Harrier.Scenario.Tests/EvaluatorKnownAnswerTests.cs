using Harrier.Chain.Tracing;
using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Tests;

/// <summary>
/// Known-answer tests of the evaluators the pipeline tests score with (issue 22: they were their own oracle). Each truth
/// is small and hand-made, and every expected figure is counted by hand in the comments, not computed by the code under
/// test.
/// </summary>
public sealed class EvaluatorKnownAnswerTests
{
    private static TruthFile File(string path, string kind, int upload, int[] items, bool known) =>
        new(path, kind, upload, items, "low", "original", known);

    [Fact]
    public void Media_evaluation_counts_known_renditions_scenes_decoys_and_first_seen_by_hand()
    {
        var truth = new ScenarioTruth
        {
            Files =
            [
                File("media/videos/u1-low.mp4", "video", 1, [1], known: true),
                File("media/videos/u1-high.mp4", "video", 1, [1], known: true),
                File("media/videos/u2-low.mp4", "video", 2, [2], known: false),
                File("media/images/p1.jpg", "image", 0, [1], known: true),
                File("media/images/p2.jpg", "image", 0, [3], known: false),
                File("media/images/p3.jpg", "image", 0, [3], known: false), // no prediction: missing from the case
                File("media/decoys/d1.jpg", "decoy", 0, [], known: false),
                File("media/decoys/d2.txt", "decoy", 0, [], known: false),
            ],
        };
        MediaPrediction[] predictions =
        [
            new("videos/u1-low.mp4", PredictedKnown: true, KnownGood: false, RenditionGroup: 1, SceneGroup: 1),
            new("videos\\u1-high.mp4", PredictedKnown: false, KnownGood: false, RenditionGroup: 1, SceneGroup: 1), // a Windows separator
            new("videos/u2-low.mp4", PredictedKnown: true, KnownGood: false, RenditionGroup: 1, SceneGroup: 2),
            new("media/images/p1.jpg", PredictedKnown: true, KnownGood: false, RenditionGroup: null, SceneGroup: 1), // the truth's own path
            new("images/p2.jpg", PredictedKnown: false, KnownGood: false, RenditionGroup: null, SceneGroup: 1),
            new("decoys/d1.jpg", PredictedKnown: false, KnownGood: true, RenditionGroup: null, SceneGroup: null),
            new("decoys/d2.txt", PredictedKnown: false, KnownGood: false, RenditionGroup: null, SceneGroup: null),
        ];

        var e = MediaEvaluator.Evaluate(truth, predictions);

        Assert.Equal(6, e.Files);           // three videos, three stills; decoys are not media
        Assert.Equal(1, e.MissingFromCase); // p3
        // Known, per media file: u1-low TP, u1-high FN, u2-low FP, p1 TP, p2 TN, p3 (no prediction, truly unknown) TN.
        Assert.Equal(new PairScore(2, 1, 1), e.Known);
        Assert.Equal(2.0 / 3, e.Known.Precision, 12);
        Assert.Equal(2.0 / 3, e.Known.Recall, 12);
        // Renditions, pairs of videos: truly same upload only (u1-low, u1-high); all three share predicted group 1, so the
        // two pairs with u2-low are false positives.
        Assert.Equal(new PairScore(1, 2, 0), e.Renditions);
        // Scenes, pairs of media files: truly same items (u1-low, u1-high), (u1-low, p1), (u1-high, p1) and (p2, p3).
        // Predicted group 1 = {u1-low, u1-high, p1, p2}: six pairs, three true; (p2, p3) is missed (p3 has no prediction).
        Assert.Equal(new PairScore(3, 3, 1), e.Scenes);
        Assert.Equal(0.5, e.Scenes.Precision, 12);
        Assert.Equal(0.75, e.Scenes.Recall, 12);
        Assert.Equal(2, e.Decoys);
        Assert.Equal(1, e.DecoysFiltered);
        Assert.Equal(2.0 / 6, e.FirstSeenShare, 12);     // left unknown: u1-high, p2 (p3 has no prediction at all)
        Assert.Equal(3.0 / 6, e.TrueFirstSeenShare, 12); // truly unknown: u2-low, p2, p3
    }

    [Fact]
    public void Pair_scores_with_nothing_to_find_are_one_and_f1_is_the_harmonic_mean()
    {
        Assert.Equal(1, new PairScore(0, 0, 0).Precision);
        Assert.Equal(1, new PairScore(0, 0, 0).Recall);
        Assert.Equal(0, new PairScore(0, 3, 2).F1);
        Assert.Equal(2 * 0.75 * 0.6 / (0.75 + 0.6), new PairScore(3, 1, 2).F1, 12); // P = 3/4, R = 3/5
    }

    [Fact]
    public void A_truth_without_files_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => MediaEvaluator.Evaluate(new ScenarioTruth(), []));
        Assert.Contains("files", e.Message, StringComparison.Ordinal);
    }

    private static Lead Lead(string actor, bool exchange, string txid, int vout, long fifo, long haircut) => new()
    {
        Actor = actor, IsExchange = exchange, Txid = txid, Vout = vout, Address = "addr-" + txid, FifoSats = fifo,
        HaircutSats = haircut, TagLabel = actor, TagPack = "test",
    };

    private static PaymentTrace Payment(string txid, params Lead[] leads) => new() { Txid = txid, Vout = 0, Leads = leads };

    [Fact]
    public void Attribution_takes_the_largest_fifo_exchange_lead_and_counts_by_hand()
    {
        var report = new TraceReport
        {
            Options = new TraceOptions(),
            Tip = "tip",
            Deposits =
            [
                new DepositTrace("dep-1", null, true,
                [
                    // p1: two exchanges; alpha has the larger FIFO share and is right, and names the exact withdrawal.
                    Payment("p1", Lead("beta", true, "w-b", 0, 100, 900), Lead("alpha", true, "w-a", 1, 400, 100)),
                    // p2: equal FIFO, haircut breaks the tie: beta, but the truth says alpha (wrong).
                    Payment("p2", Lead("alpha", true, "w-a2", 0, 500, 100), Lead("beta", true, "w-b2", 0, 500, 200)),
                ]),
                new DepositTrace("dep-2", null, true,
                [
                    // p3: only a mixer lead, which is not an exchange: missed.
                    Payment("p3", Lead("mixer", false, "w-m", 0, 1_000, 1_000)),
                    // p4: ALPHA in other case than the truth is right; the withdrawal named is another one (not exact).
                    Payment("p4", Lead("ALPHA", true, "w-x", 3, 10, 10)),
                ]),
            ],
        };
        TruthPayment[] truth =
        [
            new(1, "alpha", "MT", "w-a", 1, "p1", 0),
            new(2, "alpha", "MT", "w-a2", 0, "p2", 0),
            new(3, "gamma", "SC", "w-g", 0, "p3", 0),
            new(4, "alpha", "MT", "w-a4", 0, "p4", 0),
            new(5, "alpha", "MT", "w-a5", 0, "p5", 0), // not in the report at all: missed
        ];

        var s = AttributionScore.Compute(report, truth);

        Assert.Equal(5, s.Known);
        Assert.Equal(3, s.Predicted);       // p1, p2, p4
        Assert.Equal(2, s.Correct);         // p1, p4
        Assert.Equal(1, s.WithdrawalExact); // p1
        Assert.Equal(2, s.Missed);          // p3, p5
        Assert.Equal(1, s.Wrong);           // p2
        Assert.Equal(2.0 / 3, s.Precision, 12);
        Assert.Equal(2.0 / 5, s.Recall, 12);
    }
}
