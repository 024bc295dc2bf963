using System.Globalization;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Evaluation;

/// <summary>A person as the case resolved it: its account keys (the platform's ids as text), its country (null or empty: none given), whether a return names it.</summary>
public sealed record PredictedPerson(IReadOnlyList<string> AccountKeys, string? Country, bool Identified);

/// <summary>
/// Accounts → persons scored against truth.json's <c>people</c> section.
/// <list type="bullet">
/// <item><c>Pairs</c>: every pair of accounts put in one person is a prediction; true when truth puts them in one
/// person (TP), false otherwise (FP); a pair truth puts together that the case split is a FN.</item>
/// <item><c>CountryAccuracy</c>: over resolved persons given a country, the share whose country is the true
/// country of the truth person holding most of their accounts (ties: the lowest person id).</item>
/// <item><c>IdentifiedShare</c>: of the truth persons who paid (roles include Payer), the share whose accounts lie in a
/// resolved person a return names (any of their accounts will do).</item>
/// </list>
/// Accounts the case has and truth lacks, or the other way round, are counted in <see cref="UnknownAccounts"/> and
/// <see cref="MissingAccounts"/> and otherwise left out.
/// </summary>
public sealed record PeopleScore(
    PairScore Pairs,
    int Persons,
    int PersonsWithCountry,
    int CountryCorrect,
    double CountryAccuracy,
    int PayingPersons,
    int PayingIdentified,
    double IdentifiedShare,
    int UnknownAccounts,
    int MissingAccounts,
    IReadOnlyList<string> FalsePairs)
{
    /// <summary>Scores <paramref name="persons"/> against <paramref name="truth"/>; <see cref="FalsePairs"/> lists the first 20 false pairs as <c>A~B</c>.</summary>
    public static PeopleScore Compute(TruthPeople truth, IReadOnlyList<PredictedPerson> persons)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(persons);
        var truePerson = new Dictionary<string, int>(StringComparer.Ordinal);
        var trueCountry = new Dictionary<int, string>();
        var payers = new HashSet<int>();
        foreach (var p in truth.Persons)
        {
            trueCountry[p.Id] = p.Country;
            if (p.Roles.Split(',', StringSplitOptions.TrimEntries).Contains("Payer", StringComparer.Ordinal))
            {
                payers.Add(p.Id);
            }

            foreach (var a in p.Accounts)
            {
                truePerson[a.Id.ToString(CultureInfo.InvariantCulture)] = p.Id;
            }
        }

        long tp = 0, fp = 0;
        var falsePairs = new List<string>();
        var unknown = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int withCountry = 0, countryRight = 0;
        var identifiedPersons = new HashSet<int>();
        var predictedOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < persons.Count; n++)
        {
            var keys = persons[n].AccountKeys.Where(k => seen.Add(k)).ToList();
            unknown += keys.Count(k => !truePerson.ContainsKey(k));
            var known = keys.Where(truePerson.ContainsKey).ToList();
            foreach (var k in known)
            {
                predictedOf[k] = n;
            }

            for (var i = 0; i < known.Count; i++)
            {
                for (var j = i + 1; j < known.Count; j++)
                {
                    if (truePerson[known[i]] == truePerson[known[j]])
                    {
                        tp++;
                    }
                    else
                    {
                        fp++;
                        if (falsePairs.Count < 20)
                        {
                            falsePairs.Add(known[i] + "~" + known[j]);
                        }
                    }
                }
            }

            if (known.Count > 0 && !string.IsNullOrEmpty(persons[n].Country))
            {
                withCountry++;
                var majority = known.GroupBy(k => truePerson[k]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
                if (string.Equals(trueCountry[majority], persons[n].Country, StringComparison.OrdinalIgnoreCase))
                {
                    countryRight++;
                }
            }

            if (persons[n].Identified)
            {
                foreach (var k in known)
                {
                    identifiedPersons.Add(truePerson[k]);
                }
            }
        }

        long truePairs = 0;
        foreach (var g in truePerson.Where(x => predictedOf.ContainsKey(x.Key)).GroupBy(x => x.Value))
        {
            var c = (long)g.Count();
            truePairs += c * (c - 1) / 2;
        }

        var missing = truePerson.Keys.Count(k => !predictedOf.ContainsKey(k));
        var payingIdentified = payers.Count(identifiedPersons.Contains);
        return new PeopleScore(new PairScore(tp, fp, truePairs - tp), persons.Count, withCountry, countryRight,
            withCountry == 0 ? 0 : (double)countryRight / withCountry, payers.Count, payingIdentified, payers.Count == 0 ? 0 : (double)payingIdentified / payers.Count,
            unknown, missing, falsePairs);
    }
}
