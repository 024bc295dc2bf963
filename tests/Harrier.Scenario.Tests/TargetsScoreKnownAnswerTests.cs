using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Tests;

/// <summary>The targets score on a hand-made truth; every expected figure is counted by hand in the comments.</summary>
public sealed class TargetsScoreKnownAnswerTests
{
    private static TruthPeoplePerson Person(int id, string country, string roles, int tier, params int[] accounts) =>
        new(id, country, "UTC", 0, roles, tier, [.. accounts.Select(a => new TruthPeopleAccount(a, $"u{a}", $"u{a}@x.invalid", $"u{a}@x.invalid"))], "isp", [], [], null);

    [Fact]
    public void Tier_1_precision_producer_recall_and_package_membership_are_counted_by_hand()
    {
        // Truth: P1 producer DE (tier 1) {1,2}; P2 admin FR (tier 1) {3}; P3 uploader DE (tier 2) {4};
        //        P4 payer NL (tier 3) {5}; P5 viewer NL (tier 4) {6}; P6 producer US (tier 1) {7}.
        var truth = new TruthPeople
        {
            Persons =
            [
                Person(1, "DE", "Viewer, Producer", 1, 1, 2), Person(2, "FR", "Viewer, Admin", 1, 3), Person(3, "DE", "Viewer, Uploader", 2, 4),
                Person(4, "NL", "Viewer, Payer", 3, 5), Person(5, "NL", "Viewer", 4, 6), Person(6, "US", "Producer", 1, 7),
            ],
        };
        // Case: {1} tier 1 DE; {2} tier 2 DE (P1 split); {3} tier 1 FR; {4} tier 1 DE (an uploader in tier 1: not an error);
        //       {5} tier 1 NL (a payer in tier 1: the error); {6} tier 3 NL (a viewer in a package: FP);
        //       {7} tier 2, no country (P6 missed in tier 1 and in its package); {99} unknown to truth.
        PredictedTarget[] targets =
        [
            new(["1"], 1, "DE"), new(["2"], 2, "DE"), new(["3"], 1, "FR"), new(["4"], 1, "de"), new(["5"], 1, "NL"), new(["6"], 3, "NL"),
            new(["7"], 2, null), new(["99"], 1, "GB"),
        ];
        var s = TargetsScore.Compute(truth, targets);
        // Tier 1 of persons truth knows: {1}, {3}, {4}, {5} = 4 ({99} has no truth account); wrong: {5} (P4, only Viewer and Payer).
        Assert.Equal((4, 1), (s.Tier1, s.Tier1Wrong));
        Assert.Equal(0.75, s.Tier1Precision, 12);
        Assert.Equal(["4"], s.WrongTier1);
        // Producers and admins: P1, P2, P6. P1's accounts are split 1:1 between {1} (tier 1) and {2} (tier 2): ties go to
        // the more urgent tier, so P1 counts as found; P2 found; P6 not. 2 of 3.
        Assert.Equal((3, 2), (s.Producers, s.ProducersInTier1));
        Assert.Equal(["6"], s.MissedProducers);
        // Predicted pairs: (P1,DE) twice -> once, (P2,FR), (P3,DE), (P4,NL), (P5,NL) = 5; {7} has no country.
        // True pairs (truth tier 1-3): (P1,DE), (P2,FR), (P3,DE), (P4,NL), (P6,US) = 5. TP 4, FP 1 (P5), FN 1 (P6).
        Assert.Equal((4L, 1L, 1L), (s.Packages.TruePositives, s.Packages.FalsePositives, s.Packages.FalseNegatives));
        Assert.Equal(0.8, s.Packages.F1, 12);
    }

    [Fact]
    public void No_tier_1_and_no_producer_give_the_vacuous_figures_of_one()
    {
        var truth = new TruthPeople { Persons = [Person(1, "DE", "Viewer", 4, 1)] };
        var s = TargetsScore.Compute(truth, [new PredictedTarget(["1"], 4, "DE")]);
        Assert.Equal((0, 1.0, 0, 1.0), (s.Tier1, s.Tier1Precision, s.Producers, s.ProducerRecall));
        Assert.Equal((0L, 0L, 0L), (s.Packages.TruePositives, s.Packages.FalsePositives, s.Packages.FalseNegatives));
    }
}
