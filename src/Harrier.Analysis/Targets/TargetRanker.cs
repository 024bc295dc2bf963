using System.Globalization;

namespace Harrier.Analysis.Targets;

/// <summary>
/// Ranks persons by what the platform data shows they did (see <see cref="RankingWeights"/> for the rule): every score
/// is the sum of its logged factors, and tier 1 needs a tier-1 fact. Deterministic: the same activity gives the same
/// ranking (recency is measured from the newest payment in the input, not from the clock).
/// </summary>
public static class TargetRanker
{
    private const int EvidenceSample = 5;

    /// <summary>Ranks every person of <paramref name="persons"/>; the result is ordered by tier, then score (highest first), then person number.</summary>
    public static IReadOnlyList<RankedTarget> Rank(IReadOnlyList<PersonActivity> persons, RankingWeights? weights = null)
    {
        ArgumentNullException.ThrowIfNull(persons);
        var w = weights ?? RankingWeights.Default;
        var spendRank = SpendRanks(persons);
        var newest = persons.Select(p => p.Payments?.LastUtc).Where(t => t is not null).Max();
        var ranked = new List<RankedTarget>(persons.Count);
        foreach (var p in persons)
        {
            ranked.Add(RankOne(p, w, spendRank, newest));
        }

        ranked.Sort((a, b) => a.Tier != b.Tier ? a.Tier.CompareTo(b.Tier) : a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.PersonNumber.CompareTo(b.PersonNumber));
        return ranked;
    }

    /// <summary>The tier a score and its tier-1 eligibility give under <paramref name="w"/>.</summary>
    public static int TierOf(int score, bool tier1Fact, RankingWeights w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return tier1Fact && score >= w.Tier1Score ? 1 : score >= w.Tier2Score ? 2 : score >= w.Tier3Score ? 3 : 4;
    }

    private static RankedTarget RankOne(PersonActivity p, RankingWeights w, IReadOnlyDictionary<int, double> spendRank, DateTimeOffset? newest)
    {
        var factors = new List<ScoreFactor>();
        var tier1Fact = false;
        if (p.AdminAccounts.Count > 0)
        {
            tier1Fact = true;
            factors.Add(new ScoreFactor("admin", w.Admin, $"platform administrator: account {Join(p.AdminAccounts)}"));
        }

        var firstSeen = p.Uploads.Where(u => u.Media == UploadMedia.FirstSeen).ToList();
        if (firstSeen.Count > 0)
        {
            tier1Fact = true;
            factors.Add(new ScoreFactor("first-seen-upload", w.FirstSeenUpload,
                $"uploaded material no bank knows (first seen; possible producer): {Uploads(firstSeen)}"));
            if (firstSeen.Count > 1)
            {
                factors.Add(new ScoreFactor("first-seen-volume", Math.Min(w.FirstSeenVolumeMax, w.FirstSeenVolume * (firstSeen.Count - 1)),
                    Invariant($"{firstSeen.Count} first-seen uploads ({w.FirstSeenVolume} per upload after the first, at most {w.FirstSeenVolumeMax})")));
            }
        }

        var known = p.Uploads.Where(u => u.Media == UploadMedia.Known).ToList();
        if (known.Count > 0)
        {
            factors.Add(new ScoreFactor("known-upload", w.KnownUpload, $"uploaded known material: {Uploads(known)}"));
            if (known.Count > 1)
            {
                factors.Add(new ScoreFactor("known-volume", Math.Min(w.KnownVolumeMax, w.KnownVolume * (known.Count - 1)),
                    Invariant($"{known.Count} uploads of known material ({w.KnownVolume} per upload after the first, at most {w.KnownVolumeMax})")));
            }
        }

        var unseen = p.Uploads.Where(u => u.Media == UploadMedia.NotSeen).ToList();
        if (unseen.Count > 0)
        {
            factors.Add(new ScoreFactor("unseen-upload", known.Count + firstSeen.Count > 0 ? 0 : w.UnseenUpload,
                $"uploaded media that is not in the evidence (content unknown): {Uploads(unseen)}" +
                (known.Count + firstSeen.Count > 0 ? "; not scored: the person's triaged uploads already count" : "")));
        }

        if (p.Categorisations > 0)
        {
            factors.Add(new ScoreFactor("categoriser", w.Categoriser, Invariant($"wrote {p.Categorisations} category row(s) on the platform")));
            if (p.Categorisations > 10)
            {
                factors.Add(new ScoreFactor("categoriser-volume", Math.Min(w.CategoriserVolumeMax, w.CategoriserVolume * ((p.Categorisations - 1) / 10)),
                    Invariant($"{p.Categorisations} categorisations ({w.CategoriserVolume} per ten after the first, at most {w.CategoriserVolumeMax})")));
            }
        }

        if (p.Payments is { Count: > 0 } pay)
        {
            factors.Add(new ScoreFactor("payer", w.Payer, Invariant($"paid the platform {pay.Count} time(s), {pay.Total} {pay.Unit} in all")));
            var rank = spendRank.GetValueOrDefault(p.PersonNumber);
            factors.Add(new ScoreFactor("payer-spend", (int)Math.Round(w.PayerSpendMax * rank, MidpointRounding.AwayFromZero),
                Invariant($"spend ranks above {rank:P0} of paying persons ({w.PayerSpendMax} × rank)")));
            if (pay.LastUtc is { } last && newest is { } end)
            {
                var days = (end - last).TotalDays;
                factors.Add(new ScoreFactor("payer-recent", days <= w.RecentDays ? w.PayerRecent : 0,
                    Invariant($"last payment {last:yyyy-MM-dd}, {days:0} day(s) before the newest payment on the platform ({end:yyyy-MM-dd}); {w.PayerRecent} when within {w.RecentDays} days")));
            }
        }

        var acted = factors.Count > 0;
        var priorPoints = 0;
        foreach (var hit in p.PriorHits.OrderBy(h => h.RecordId, StringComparer.Ordinal))
        {
            var scored = hit.Match is "exact" or "normalised";
            var points = scored && acted ? Math.Min(w.PriorRecord, w.PriorRecordMax - priorPoints) : 0;
            priorPoints += points;
            var why = !scored ? "; not scored: a fuzzy match is a weak signal to check"
                : !acted ? "; not scored: the platform data shows no act beyond viewing"
                : points == 0 ? Invariant($"; not scored: prior records count at most {w.PriorRecordMax}") : "";
            factors.Add(new ScoreFactor("prior-record", points, $"record {hit.RecordId} ({hit.Type} {hit.Value}, {hit.Match} match on account {hit.AccountKey}): {hit.Reason}{why}"));
        }

        var score = Math.Min(w.MaxScore, factors.Sum(f => f.Weight));
        return new RankedTarget(p.PersonNumber, p.Country, score, TierOf(score, tier1Fact, w), factors);
    }

    /// <summary>Each paying person's spend rank in [0, 1]: the share of other paying persons who paid less (ties share the lower rank).</summary>
    private static Dictionary<int, double> SpendRanks(IReadOnlyList<PersonActivity> persons)
    {
        var payers = persons.Where(p => p.Payments is { Count: > 0 }).Select(p => (p.PersonNumber, p.Payments!.Total)).OrderBy(x => x.Total).ToList();
        var ranks = new Dictionary<int, double>(payers.Count);
        for (var i = 0; i < payers.Count; i++)
        {
            var below = i;
            while (below > 0 && payers[below - 1].Total == payers[i].Total)
            {
                below--;
            }

            ranks[payers[i].PersonNumber] = payers.Count == 1 ? 1 : (double)below / (payers.Count - 1);
        }

        return ranks;
    }

    private static string Uploads(List<UploadFact> uploads)
    {
        var shown = uploads.Take(EvidenceSample).Select(u =>
            u.EvidenceIds.Count == 0 ? $"upload {u.UploadKey} by account {u.AccountKey}"
            : $"upload {u.UploadKey} by account {u.AccountKey} (evidence {string.Join(", ", u.EvidenceIds.Take(3).Select(i => i.ToString(CultureInfo.InvariantCulture)))}{(u.EvidenceIds.Count > 3 ? ", …" : "")})");
        return string.Join("; ", shown) + (uploads.Count > EvidenceSample ? Invariant($"; and {uploads.Count - EvidenceSample} more") : "");
    }

    private static string Join(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(EvidenceSample)) + (items.Count > EvidenceSample ? Invariant($" and {items.Count - EvidenceSample} more") : "");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
