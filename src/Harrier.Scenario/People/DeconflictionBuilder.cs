using System.Globalization;

namespace Harrier.Scenario.People;

/// <summary>
/// One synthetic claim of another agency (deconfliction/claims.csv and claims.json): on one identifier of a person
/// (<paramref name="PersonId"/>), or on an identifier no account has (<paramref name="PersonId"/> null).
/// <paramref name="Kind"/>: <c>home</c> (an agency of the person's country), <c>other-country</c>, <c>second-agency</c>
/// (a second agency on a person already claimed) or <c>unknown-identifier</c>.
/// </summary>
internal sealed record ClaimRow(string File, string Reference, string Agency, string AgencyCountry, string CaseReference, string Status, string HandlingCode,
    string ReceivedUtc, string IdentifierType, string Identifier, int? PersonId, string Kind);

/// <summary>
/// The deconfliction stage: claims of 5 plainly fake agencies on about 4 % of the tier 1–3 persons (at least 4), through
/// one of their identifiers (e-mail, username, deposit address, or name and birth date as a KYC return states it); a
/// third of the claimed persons get a second claim from another agency; about a quarter of the claims come from an agency
/// of another country than the person's; a few claims are withdrawn; 3 claims name identifiers no account has. It draws
/// only from its own stream (<see cref="StreamSeed"/>) and reads what the people stage made, so every other output of the
/// generator stays byte-identical. Claims alternate between the CSV file (even positions) and the JSON file (odd).
/// </summary>
internal static class DeconflictionBuilder
{
    /// <summary>The agencies: a plainly fake name and the country each works for.</summary>
    public static readonly (string Name, string Country)[] Agencies =
    [
        ("FAKE-BKA-DE", "DE"), ("FAKE-NCA-GB", "GB"), ("FAKE-FBI-US", "US"), ("FAKE-POLITIE-NL", "NL"), ("FAKE-OFMIN-FR", "FR"),
    ];

    public const string CsvFile = "claims.csv";
    public const string JsonFile = "claims.json";

    private static readonly string[] Codes = ["H0", "H1", "H2", "H3"];

    /// <summary>The stage's own random stream, derived from the world seed (never the world's or the people stage's stream).</summary>
    public static int StreamSeed(int seed) => unchecked((seed * 0x5851F42D) ^ 0x0DEC0F1);

    public static List<ClaimRow> Build(World world, PeopleWorld people)
    {
        var r = new Random(StreamSeed(world.Seed));
        var accountsOf = world.Accounts.GroupBy(a => a.PersonId).ToDictionary(g => g.Key, g => g.OrderBy(a => a.Id).ToList());
        var kycOf = people.Kyc.Where(k => !k.InRelativeName).GroupBy(k => k.PersonId).ToDictionary(g => g.Key, g => g.First());
        var candidates = people.Profiles.Where(p => p.Tier is >= 1 and <= 3 && accountsOf.ContainsKey(p.PersonId)).OrderBy(p => p.PersonId).ToList();
        var count = Math.Min(candidates.Count, Math.Max(4, (int)Math.Round(candidates.Count * 0.04)));

        // A partial Fisher–Yates shuffle: the first `count` are the claimed persons.
        for (var i = 0; i < count; i++)
        {
            var j = i + r.Next(candidates.Count - i);
            (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
        }

        var plans = new List<(int? PersonId, string Agency, string Country, string Type, string Value, string Kind)>();
        for (var i = 0; i < count; i++)
        {
            var p = candidates[i];
            var home = Agencies.Where(a => a.Country == p.Country).ToList();
            var others = Agencies.Where(a => a.Country != p.Country).ToList();
            var otherCountry = i % 4 == 1 || home.Count == 0;
            var first = otherCountry ? others[r.Next(others.Count)] : home[0];
            var (type, value) = Identifier(p.PersonId, accountsOf[p.PersonId], kycOf, r);
            plans.Add((p.PersonId, first.Name, first.Country, type, value, otherCountry ? "other-country" : "home"));
            if (i % 3 == 0)
            {
                var rest = Agencies.Where(a => a.Name != first.Name).ToList();
                var second = rest[r.Next(rest.Count)];
                var (type2, value2) = Identifier(p.PersonId, accountsOf[p.PersonId], kycOf, r);
                plans.Add((p.PersonId, second.Name, second.Country, type2, value2, "second-agency"));
            }
        }

        string[] unknownTypes = ["email", "username", "wallet"];
        for (var k = 0; k < 3; k++)
        {
            var a = Agencies[r.Next(Agencies.Length)];
            var tag = r.Next(0x10000, 0xFFFFF).ToString("x5", CultureInfo.InvariantCulture);
            var value = unknownTypes[k] switch
            {
                "email" => $"nobody.{tag}@claims.invalid",
                "username" => $"unknown_{tag}_claimed",
                _ => $"bcrt1qfakeclaimnotonplatform{tag}0000000",
            };
            plans.Add((null, a.Name, a.Country, unknownTypes[k], value, "unknown-identifier"));
        }

        var perAgency = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<ClaimRow>(plans.Count);
        var received = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
        var withdrawnAt = Math.Max(1, plans.Count / 3);
        for (var i = 0; i < plans.Count; i++)
        {
            var plan = plans[i];
            var n = perAgency[plan.Agency] = perAgency.GetValueOrDefault(plan.Agency) + 1;
            var status = i % 6 == withdrawnAt % 6 ? "withdrawn" : r.Next(5) == 0 ? "confirmed" : "open";
            rows.Add(new ClaimRow(i % 2 == 0 ? CsvFile : JsonFile, string.Create(CultureInfo.InvariantCulture, $"{plan.Agency}-{n:0000}"), plan.Agency, plan.Country,
                string.Create(CultureInfo.InvariantCulture, $"{plan.Country}-FAKE-OP-{r.Next(100, 1000)}"), status, Codes[r.Next(Codes.Length)],
                received.AddHours(r.Next(24 * 120)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                plan.Type, plan.Value, plan.PersonId, plan.Kind));
        }

        return rows;
    }

    /// <summary>One identifier of the person: an account's e-mail, username or deposit address, or the name and birth date of a KYC return in the person's own name.</summary>
    private static (string Type, string Value) Identifier(int personId, List<Account> accounts, Dictionary<int, KycRow> kycOf, Random r)
    {
        var account = accounts[r.Next(accounts.Count)];
        var pick = r.Next(kycOf.ContainsKey(personId) ? 4 : 3);
        return pick switch
        {
            0 => ("email", account.Email),
            1 => ("username", account.Username),
            2 => ("wallet", account.DepositAddress),
            _ => ("name_dob", $"{kycOf[personId].Holder.GivenName} {kycOf[personId].Holder.Surname}|{kycOf[personId].Holder.DateOfBirth}"),
        };
    }
}
