namespace Harrier.Analysis.Targets;

/// <summary>
/// The points each fact is worth and the tier rule, stated once (an additive 0–100 score with every factor logged, as
/// CyberTip-triage does; the facts are the platform behaviours persons-and-packages.md §6 names as the strongest).
/// <list type="bullet">
/// <item><b>Tier 1</b>: score ≥ <see cref="Tier1Score"/> <i>and</i> a tier-1 fact: the person administers the platform or
/// uploaded first-seen material (a possible producer: a child may be at risk now). Payment, prior records and volume
/// alone never make tier 1.</item>
/// <item><b>Tier 2</b>: score ≥ <see cref="Tier2Score"/> (uploaders of known material, categorisers, payers with prior records).</item>
/// <item><b>Tier 3</b>: score ≥ <see cref="Tier3Score"/> (payers).</item>
/// <item><b>Tier 4</b>: the rest (viewers): no package.</item>
/// </list>
/// The weights are a judgement, not fitted to a scenario: a tier-1 fact alone reaches tier 1, an upload of known
/// material or a categorisation alone reaches tier 2, a payment alone (at most
/// <see cref="Payer"/> + <see cref="PayerSpendMax"/> + <see cref="PayerRecent"/> = 25) stays in tier 3, and one prior
/// record lifts a payer into tier 2.
/// </summary>
public sealed record RankingWeights
{
    /// <summary>The default weights (docs/targets.md).</summary>
    public static RankingWeights Default { get; } = new();

    public int Admin { get; init; } = 60;

    public int FirstSeenUpload { get; init; } = 60;

    /// <summary>Per further first-seen upload, up to <see cref="FirstSeenVolumeMax"/>.</summary>
    public int FirstSeenVolume { get; init; } = 3;

    public int FirstSeenVolumeMax { get; init; } = 15;

    public int KnownUpload { get; init; } = 30;

    /// <summary>Per further upload of known material, up to <see cref="KnownVolumeMax"/>.</summary>
    public int KnownVolume { get; init; } = 2;

    public int KnownVolumeMax { get; init; } = 10;

    /// <summary>An upload whose media is not in the evidence: the person uploaded, what is unknown.</summary>
    public int UnseenUpload { get; init; } = 30;

    public int Categoriser { get; init; } = 30;

    /// <summary>Per ten further categorisations, up to <see cref="CategoriserVolumeMax"/>.</summary>
    public int CategoriserVolume { get; init; } = 1;

    public int CategoriserVolumeMax { get; init; } = 10;

    public int Payer { get; init; } = 10;

    /// <summary>Spend: the person's total's rank among all payers of the run, times this (0 for the smallest, this for the largest).</summary>
    public int PayerSpendMax { get; init; } = 10;

    /// <summary>A payment within <see cref="RecentDays"/> of the newest payment the platform recorded.</summary>
    public int PayerRecent { get; init; } = 5;

    public int RecentDays { get; init; } = 90;

    /// <summary>
    /// Per prior record that names the person exactly or through a normalised e-mail, up to <see cref="PriorRecordMax"/>;
    /// fuzzy hits are logged with weight 0. Prior records raise a person the platform data already shows acting (paying,
    /// uploading, categorising, administering); for a person who only viewed they are logged with weight 0, so an old
    /// record never makes a target of a viewer on its own.
    /// </summary>
    public int PriorRecord { get; init; } = 20;

    public int PriorRecordMax { get; init; } = 30;

    public int MaxScore { get; init; } = 100;

    public int Tier1Score { get; init; } = 60;

    public int Tier2Score { get; init; } = 30;

    public int Tier3Score { get; init; } = 10;
}
