using Harrier.Analysis.Persons;

namespace Harrier.Analysis.Targets;

/// <summary>What triage said of an upload's media, as the ranking reads it.</summary>
public enum UploadMedia
{
    /// <summary>At least one of its files matches no bank and is no rendition or near copy of known material: first seen.</summary>
    FirstSeen,

    /// <summary>Its files match a bank, or are renditions or near copies of banked material.</summary>
    Known,

    /// <summary>None of its files is in the evidence, or none was triaged, or none could be decoded: nothing to say about its content.</summary>
    NotSeen,
}

/// <summary>One upload by one of the person's accounts.</summary>
/// <param name="UploadKey">The platform's id of the upload.</param>
/// <param name="AccountKey">The account that uploaded it.</param>
/// <param name="Media">What triage said of its files.</param>
/// <param name="EvidenceIds">The evidence files it is linked to (the references a package carries; never the media).</param>
public sealed record UploadFact(string UploadKey, string AccountKey, UploadMedia Media, IReadOnlyList<long> EvidenceIds);

/// <summary>The person's payments to the platform, summed.</summary>
/// <param name="Count">How many payments.</param>
/// <param name="Total">Their sum in the platform's unit (<paramref name="Unit"/>).</param>
/// <param name="Unit">The unit the platform recorded (e.g. <c>satoshi</c>).</param>
/// <param name="LastUtc">The newest payment's time, if the platform recorded one.</param>
public sealed record PaymentFact(int Count, decimal Total, string Unit, DateTimeOffset? LastUtc);

/// <summary>
/// What the case shows of one person, as the ranking reads it. Everything here comes from the person's own accounts:
/// the persons engine never links accounts through shared infrastructure alone, so nothing a stranger behind the same
/// VPN exit did reaches this record.
/// </summary>
/// <param name="PersonNumber">The person's number in the persons run.</param>
/// <param name="Country">The country the persons engine placed the person in, if any.</param>
/// <param name="AdminAccounts">Accounts the platform marks as administrators.</param>
/// <param name="Uploads">Uploads by the person's accounts.</param>
/// <param name="Categorisations">Category rows the person's accounts wrote.</param>
/// <param name="Payments">Payments, when the person paid.</param>
/// <param name="PriorHits">Prior records that name one of the person's identifiers.</param>
public sealed record PersonActivity(
    int PersonNumber,
    string? Country,
    IReadOnlyList<string> AdminAccounts,
    IReadOnlyList<UploadFact> Uploads,
    int Categorisations,
    PaymentFact? Payments,
    IReadOnlyList<PriorRecordHit> PriorHits);

/// <summary>One term of a score: its name, the points it adds, and the evidence it stands on, in words an analyst reads.</summary>
/// <param name="Name">A stable name (<c>admin</c>, <c>first-seen-upload</c>, <c>payer-spend</c>, …; docs/targets.md lists them).</param>
/// <param name="Weight">Points added (0 for a factor logged but not scored, such as a fuzzy prior-record hit).</param>
/// <param name="Evidence">What was seen: accounts, uploads, evidence ids, amounts, record ids.</param>
public sealed record ScoreFactor(string Name, int Weight, string Evidence);

/// <summary>A person's place in the ranking.</summary>
/// <param name="PersonNumber">The person's number in the persons run.</param>
/// <param name="Country">The person's country (the package it goes into), if any.</param>
/// <param name="Score">The sum of the factors' weights, capped at <see cref="RankingWeights.MaxScore"/>.</param>
/// <param name="Tier">1 most urgent … 4; see <see cref="RankingWeights"/> for the rule.</param>
/// <param name="Factors">Every factor, scored or not, in the order the rule applies them.</param>
public sealed record RankedTarget(int PersonNumber, string? Country, int Score, int Tier, IReadOnlyList<ScoreFactor> Factors);
