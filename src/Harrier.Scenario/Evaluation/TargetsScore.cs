using System.Globalization;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Evaluation;

/// <summary>A ranked person as the case holds it: its account keys, the tier that holds (after analysts' moves), and the country whose package it goes into (null: none).</summary>
public sealed record PredictedTarget(IReadOnlyList<string> AccountKeys, int Tier, string? Country);

/// <summary>
/// The ranking and the packages scored against truth.json's <c>people</c> section. Each resolved person stands for the
/// truth person holding most of its accounts (ties: the lowest id).
/// <list type="bullet">
/// <item><c>Tier1Precision</c>: of the persons ranked tier 1, the share whose truth roles are more than viewing and
/// paying (a tier 1 whose true roles are only Viewer and Payer is the error the ranking must never make).</item>
/// <item><c>ProducerRecall</c>: of the truth persons whose roles include Producer or Admin, the share whose resolved
/// person (the one holding most of their accounts) is in tier 1.</item>
/// <item><c>Packages</c>: membership pairs (truth person, country). Truth: every person of truth tier 1–3 in their true
/// country (tier 4, viewers, get no package). Predicted: every resolved person of tier 1–3 with a country, as its
/// truth person in that country (a person split in two counts once). TP, FP and FN over those pairs.</item>
/// </list>
/// </summary>
public sealed record TargetsScore(int Tier1, int Tier1Wrong, double Tier1Precision, int Producers, int ProducersInTier1, double ProducerRecall, PairScore Packages,
    IReadOnlyList<string> WrongTier1, IReadOnlyList<string> MissedProducers)
{
    /// <summary>Scores <paramref name="targets"/> against <paramref name="truth"/>; the lists name the first 20 of each error as truth person ids.</summary>
    public static TargetsScore Compute(TruthPeople truth, IReadOnlyList<PredictedTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(targets);
        var persons = truth.Persons.ToDictionary(p => p.Id);
        var personOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in persons.Values)
        {
            foreach (var a in p.Accounts)
            {
                personOf[a.Id.ToString(CultureInfo.InvariantCulture)] = p.Id;
            }
        }

        int tier1 = 0, wrong = 0;
        var wrongIds = new List<string>();
        var predictedPairs = new HashSet<(int, string)>();
        var holder = new Dictionary<int, (int Count, int Tier)>();
        foreach (var t in targets)
        {
            var known = t.AccountKeys.Where(personOf.ContainsKey).Select(k => personOf[k]).ToList();
            if (known.Count == 0)
            {
                continue;
            }

            var groups = known.GroupBy(x => x).ToList();
            var majority = groups.OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            foreach (var g in groups)
            {
                // The resolved person holding most of a truth person's accounts speaks for it (ties: the more urgent tier).
                var c = g.Count();
                if (!holder.TryGetValue(g.Key, out var h) || c > h.Count || (c == h.Count && t.Tier < h.Tier))
                {
                    holder[g.Key] = (c, t.Tier);
                }
            }

            if (t.Tier == 1)
            {
                tier1++;
                if (OnlyViewerOrPayer(persons[majority].Roles))
                {
                    wrong++;
                    if (wrongIds.Count < 20)
                    {
                        wrongIds.Add(majority.ToString(CultureInfo.InvariantCulture));
                    }
                }
            }

            if (t.Tier <= 3 && !string.IsNullOrEmpty(t.Country))
            {
                predictedPairs.Add((majority, t.Country.ToUpperInvariant()));
            }
        }

        var producers = persons.Values.Where(p => HasRole(p.Roles, "Producer") || HasRole(p.Roles, "Admin")).Select(p => p.Id).ToList();
        var found = producers.Count(id => holder.TryGetValue(id, out var h) && h.Tier == 1);
        var missed = producers.Where(id => !(holder.TryGetValue(id, out var h) && h.Tier == 1)).Take(20).Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
        var truePairs = persons.Values.Where(p => p.Tier <= 3).Select(p => (p.Id, p.Country.ToUpperInvariant())).ToHashSet();
        var tp = predictedPairs.Count(truePairs.Contains);
        return new TargetsScore(tier1, wrong, tier1 == 0 ? 1 : (double)(tier1 - wrong) / tier1, producers.Count, found,
            producers.Count == 0 ? 1 : (double)found / producers.Count, new PairScore(tp, predictedPairs.Count - tp, truePairs.Count - tp), wrongIds, missed);
    }

    private static bool HasRole(string roles, string role) => roles.Split(',', StringSplitOptions.TrimEntries).Contains(role, StringComparer.Ordinal);

    private static bool OnlyViewerOrPayer(string roles) =>
        roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(r => r is "Viewer" or "Payer");
}
