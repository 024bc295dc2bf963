using Harrier.Scenario.Evaluation;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Tests;

/// <summary>The people score on a hand-made truth; every expected figure is counted by hand in the comments.</summary>
public sealed class PeopleScoreKnownAnswerTests
{
    private static TruthPeoplePerson Person(int id, string country, string roles, params int[] accounts) =>
        new(id, country, "UTC", 0, roles, 4, [.. accounts.Select(a => new TruthPeopleAccount(a, $"u{a}", $"u{a}@x.invalid", $"u{a}@x.invalid"))], "isp", [], [], null);

    [Fact]
    public void Pairs_country_and_identified_payers_are_counted_by_hand()
    {
        // Truth: P1 = {1,2,3} DE payer; P2 = {4,5} FR payer; P3 = {6} NL viewer; P4 = {7} US payer.
        var truth = new TruthPeople
        {
            Persons = [Person(1, "DE", "Viewer, Payer", 1, 2, 3), Person(2, "FR", "Viewer, Payer", 4, 5), Person(3, "NL", "Viewer", 6), Person(4, "US", "Payer", 7)],
        };
        // Case: {1,2} DE identified; {3} no country; {4,5,6} FR (wrongly merged 6); {7} GB identified; {99} unknown to truth.
        PredictedPerson[] persons =
        [
            new(["1", "2"], "DE", true),
            new(["3"], null, false),
            new(["4", "5", "6"], "FR", false),
            new(["7"], "GB", true),
            new(["99"], "", false),
        ];
        var s = PeopleScore.Compute(truth, persons);
        // Predicted pairs: 1~2 (TP); 4~5 (TP), 4~6 (FP), 5~6 (FP); TP 2, FP 2.
        // True pairs: 1~2, 1~3, 2~3, 4~5 = 4; found 2, so FN 2.
        Assert.Equal(2, s.Pairs.TruePositives);
        Assert.Equal(2, s.Pairs.FalsePositives);
        Assert.Equal(2, s.Pairs.FalseNegatives);
        Assert.Equal(["4~6", "5~6"], s.FalsePairs);
        // Country given to {1,2} DE (right), {4,5,6} FR (majority P2: right), {7} GB (wrong): 2 of 3.
        Assert.Equal(3, s.PersonsWithCountry);
        Assert.Equal(2, s.CountryCorrect);
        Assert.Equal(2.0 / 3, s.CountryAccuracy, 12);
        // Payers P1, P2, P4; identified: P1 (through {1,2}) and P4: 2 of 3.
        Assert.Equal(3, s.PayingPersons);
        Assert.Equal(2, s.PayingIdentified);
        Assert.Equal(1, s.UnknownAccounts);
        Assert.Equal(0, s.MissingAccounts);
        Assert.Equal(5, s.Persons);
    }

    [Fact]
    public void Accounts_the_case_lacks_count_as_missing_and_leave_no_pairs()
    {
        var truth = new TruthPeople { Persons = [Person(1, "DE", "Payer", 1, 2)] };
        var s = PeopleScore.Compute(truth, [new PredictedPerson(["1"], "DE", false)]);
        Assert.Equal(0, s.Pairs.TruePositives + s.Pairs.FalsePositives + s.Pairs.FalseNegatives);
        Assert.Equal(1, s.MissingAccounts);
        Assert.Equal(0, s.PayingIdentified);
    }
}
