using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harrier.Scenario.Evaluation;

/// <summary>
/// The evaluation as a document: what <c>harrier eval --json</c> prints and the demo writes as <c>eval.json</c>
/// (keys camelCase, in this order). <see cref="Chain"/> is null when the case has no trace, <see cref="People"/> when it has
/// no persons or the truth no people section, <see cref="Targets"/> when it has no ranking.
/// </summary>
public sealed record EvalReport(EvalChain? Chain, EvalMedia Media, EvalPeople? People = null, EvalTargets? Targets = null)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The report of a media evaluation and, when there was a trace, its attribution score.</summary>
    public static EvalReport From(MediaEvaluation media, AttributionScore? chain, PeopleScore? people = null, TargetsScore? targets = null)
    {
        ArgumentNullException.ThrowIfNull(media);
        return new EvalReport(
            chain is null ? null : new EvalChain(new EvalAttribution(chain.Precision, chain.Recall, chain.Known, chain.Predicted, chain.Correct,
                chain.Wrong, chain.Missed, chain.WithdrawalExact),
                chain.NonAttributable == 0 ? null : new EvalAbstention(chain.AbstentionRate, chain.AttributedAnyway, chain.NonAttributable, chain.Abstained, chain.AttributedThroughCoinJoin)),
            new EvalMedia(media.Files, media.MissingFromCase, EvalScore.From(media.Known), EvalScore.From(media.Renditions), EvalScore.From(media.Scenes),
                new EvalKnownGood(media.Decoys, media.DecoysFiltered), media.FirstSeenShare, media.TrueFirstSeenShare),
            people is null ? null : new EvalPeople(EvalScore.From(people.Pairs), new EvalCountry(people.CountryAccuracy, people.PersonsWithCountry, people.CountryCorrect),
                new EvalIdentified(people.IdentifiedShare, people.PayingPersons, people.PayingIdentified), people.Persons, people.UnknownAccounts, people.MissingAccounts,
                people.FalsePairs),
            targets is null ? null : new EvalTargets(new EvalTier1(targets.Tier1Precision, targets.ProducerRecall, targets.Tier1, targets.Tier1Wrong, targets.Producers,
                targets.ProducersInTier1, targets.WrongTier1, targets.MissedProducers), EvalScore.From(targets.Packages)));
    }

    /// <summary>The document as <c>eval.json</c> holds it (indented, no trailing newline).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads an <c>eval.json</c> document.</summary>
    public static EvalReport Parse(string json) =>
        JsonSerializer.Deserialize<EvalReport>(json, Options) ?? throw new InvalidDataException("eval.json is empty");
}

/// <summary>
/// The chain half of the report: attribution over the payments that can be attributed; abstention over those that
/// cannot (absent when the truth marks none so: a direct scenario).
/// </summary>
public sealed record EvalChain(EvalAttribution Attribution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EvalAbstention? Abstention = null);

/// <summary>
/// Payments that cannot be attributed on chain: <paramref name="Rate"/> the share the trace left unattributed,
/// <paramref name="Wrong"/> the count it attributed anyway (of them <paramref name="ThroughCoinJoin"/> routed through a CoinJoin).
/// </summary>
public sealed record EvalAbstention(double Rate, int Wrong, int NonAttributable, int Abstained, int ThroughCoinJoin);

/// <summary>Payer → exchange attribution (see <see cref="AttributionScore"/>).</summary>
public sealed record EvalAttribution(double Precision, double Recall, int Known, int Predicted, int Correct, int Wrong, int Missed, int WithdrawalExact);

/// <summary>The media half of the report (see <see cref="MediaEvaluation"/>).</summary>
public sealed record EvalMedia(int Files, int MissingFromCase, EvalScore Known, EvalScore Renditions, EvalScore Scenes, EvalKnownGood KnownGood,
    double FirstSeenShare, double TrueFirstSeenShare);

/// <summary>Precision, recall and F1 with their counts (see <see cref="PairScore"/>).</summary>
public sealed record EvalScore(double Precision, double Recall, double F1, long TruePositives, long FalsePositives, long FalseNegatives)
{
    /// <summary>The score's figures.</summary>
    public static EvalScore From(PairScore s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new EvalScore(s.Precision, s.Recall, s.F1, s.TruePositives, s.FalsePositives, s.FalseNegatives);
    }
}

/// <summary>Known-good decoys and how many were filtered.</summary>
public sealed record EvalKnownGood(int Decoys, int Filtered);

/// <summary>Accounts → persons (see <see cref="PeopleScore"/>): pairs, country, identified payers, and the first false pairs to look at.</summary>
public sealed record EvalPeople(EvalScore Pairs, EvalCountry Country, EvalIdentified Identified, int Persons, int UnknownAccounts, int MissingAccounts,
    IReadOnlyList<string> FalsePairs);

/// <summary>The ranking and the packages (see <see cref="TargetsScore"/>): tier 1, and per-country package membership.</summary>
public sealed record EvalTargets(EvalTier1 Tier1, EvalScore Packages);

/// <summary>Tier 1: precision (no one whose true roles are only viewing and paying), producer and admin recall, and the first errors by truth person id.</summary>
public sealed record EvalTier1(double Precision, double ProducerRecall, int Persons, int Wrong, int Producers, int ProducersInTier1, IReadOnlyList<string> WrongPersons,
    IReadOnlyList<string> MissedProducers);

/// <summary>Country accuracy over persons given a country.</summary>
public sealed record EvalCountry(double Accuracy, int Given, int Correct);

/// <summary>Paying persons whom a return names.</summary>
public sealed record EvalIdentified(double Share, int PayingPersons, int Identified);
