using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Harrier.Analysis.Persons;
using Harrier.Cases.Persons;

namespace Harrier.Cases.Deconfliction;

/// <summary>Matching the register's claims to the persons of the latest run, and the conflicts that follow.</summary>
public sealed partial class DeconflictionStore
{
    /// <summary>Logins are looked up this many claimed addresses at a time.</summary>
    private const int IpBatch = 200;

    /// <summary>
    /// Every claim matched to the persons of the latest persons run. A claim matches a person when one of its identifiers
    /// equals, in normalised form, one of the person's: an account's username, e-mail or deposit address, the deposit
    /// address of a payment to one of its accounts, the name and birth date or the document number of an identity a
    /// return names for it, or a non-shared address one of its accounts logged in from. Identifiers matching nobody are
    /// listed with the reason; conflicts (<see cref="ConflictKinds"/>) come only from claims not withdrawn.
    /// </summary>
    public async Task<DeconflictionMatches> MatchAsync(CancellationToken cancellationToken)
    {
        var persons = new PersonsStore(_store);
        var run = await persons.LatestRunAsync(cancellationToken);
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        var claims = await ClaimsAsync(connection, cancellationToken);
        var wanted = claims.SelectMany(c => c.Identifiers).GroupBy(i => i.Type, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(i => i.Normalised).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var index = new PersonIndex(wanted);
        var shared = new Dictionary<string, SharedAddress>(StringComparer.Ordinal);
        if (run is not null && claims.Count > 0)
        {
            foreach (var s in await persons.SharedAddressesAsync(run.RunId, cancellationToken))
            {
                if (ClaimIdentifiers.IpKey(s.Ip) is { } ip)
                {
                    shared.TryAdd(ip, s);
                }
            }

            await IndexAccountsAsync(connection, run, index, cancellationToken);
            await IndexIdentitiesAsync(connection, run.RunId, index, cancellationToken);
            await IndexLoginsAsync(connection, run, index, shared, cancellationToken);
        }

        // Which persons each claim reaches, by which identifiers.
        var reached = new List<(RegisteredClaim Claim, SortedDictionary<int, List<ClaimMatchEvidence>> Persons, List<UnmatchedIdentifier> Unmatched)>();
        foreach (var claim in claims)
        {
            var byPerson = new SortedDictionary<int, List<ClaimMatchEvidence>>();
            var unmatched = new List<UnmatchedIdentifier>();
            foreach (var id in claim.Identifiers)
            {
                var hits = index.Find(id.Type, id.Normalised);
                if (hits.Count == 0)
                {
                    unmatched.Add(new UnmatchedIdentifier(id.Display, run is null ? "no persons run in this case yet (harrier persons resolve)"
                        : id.Type == ClaimIdentifiers.Ip && shared.TryGetValue(id.Normalised, out var s)
                            ? string.Create(CultureInfo.InvariantCulture, $"a shared address of persons run {run.RunId} ({s.Kind}): it identifies nobody")
                            : string.Create(CultureInfo.InvariantCulture, $"no person of persons run {run.RunId} has it")));
                    continue;
                }

                foreach (var (person, source) in hits)
                {
                    if (!byPerson.TryGetValue(person, out var list))
                    {
                        byPerson[person] = list = [];
                    }

                    list.Add(new ClaimMatchEvidence(id.Display, source));
                }
            }

            reached.Add((claim, byPerson, unmatched));
        }

        // Conflicts: only claims that are not withdrawn count.
        var active = reached.Where(r => r.Claim.Status != ClaimStatuses.Withdrawn).ToList();
        var claimsOnPerson = new SortedDictionary<int, List<RegisteredClaim>>();
        foreach (var (claim, byPerson, _) in active)
        {
            foreach (var person in byPerson.Keys)
            {
                if (!claimsOnPerson.TryGetValue(person, out var list))
                {
                    claimsOnPerson[person] = list = [];
                }

                list.Add(claim);
            }
        }

        var countries = run is null ? [] : await CountriesAsync(connection, run.RunId, reached.SelectMany(r => r.Persons.Keys).Distinct(), cancellationToken);
        var twoAgencies = claimsOnPerson.Where(kv => kv.Value.Select(c => c.Agency).Distinct(StringComparer.OrdinalIgnoreCase).Count() >= 2)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var conflicts = new List<DeconflictionConflict>();
        foreach (var (person, onPerson) in twoAgencies)
        {
            conflicts.Add(new DeconflictionConflict(ConflictKinds.TwoAgencies, person, [.. onPerson.Select(c => c.ClaimId)], string.Create(CultureInfo.InvariantCulture,
                $"person {person} is claimed by {string.Join(", ", onPerson.Select(c => $"{c.Agency} ({c.AgencyCountry}, claim {c.ClaimReference}, case {c.CaseReference})"))}")));
        }

        var result = new List<MatchedClaim>(reached.Count);
        foreach (var (claim, byPerson, unmatched) in reached)
        {
            var withdrawn = claim.Status == ClaimStatuses.Withdrawn;
            var ambiguous = !withdrawn && byPerson.Count >= 2;
            var matches = new List<ClaimPersonMatch>();
            foreach (var (person, evidence) in byPerson)
            {
                var country = countries.GetValueOrDefault(person);
                var kinds = new List<string>();
                if (!withdrawn)
                {
                    if (twoAgencies.ContainsKey(person))
                    {
                        kinds.Add(ConflictKinds.TwoAgencies);
                    }

                    if (country is not null && !string.Equals(country, claim.AgencyCountry, StringComparison.OrdinalIgnoreCase))
                    {
                        kinds.Add(ConflictKinds.OtherCountry);
                        conflicts.Add(new DeconflictionConflict(ConflictKinds.OtherCountry, person, [claim.ClaimId], string.Create(CultureInfo.InvariantCulture,
                            $"{claim.Agency} ({claim.AgencyCountry}) claim {claim.ClaimReference} is on person {person}, placed in {country}")));
                    }

                    if (ambiguous)
                    {
                        kinds.Add(ConflictKinds.Ambiguous);
                    }
                }

                matches.Add(new ClaimPersonMatch(person, country, evidence, kinds));
            }

            if (ambiguous)
            {
                conflicts.Add(new DeconflictionConflict(ConflictKinds.Ambiguous, null, [claim.ClaimId], string.Create(CultureInfo.InvariantCulture,
                    $"{claim.Agency} claim {claim.ClaimReference} matches {byPerson.Count} persons: {string.Join("; ", matches.Select(m => $"person {m.PersonNumber} by {string.Join(", ", m.MatchedBy.Select(e => e.Identifier).Distinct())}"))}")));
            }

            string[] order = [ConflictKinds.TwoAgencies, ConflictKinds.OtherCountry, ConflictKinds.Ambiguous];
            var claimKinds = order.Where(k => matches.Any(m => m.Conflicts.Contains(k))).ToList();
            result.Add(new MatchedClaim(claim, matches, unmatched, claimKinds));
        }

        string[] kindOrder = [ConflictKinds.TwoAgencies, ConflictKinds.OtherCountry, ConflictKinds.Ambiguous];
        var ordered = conflicts.OrderBy(c => Array.IndexOf(kindOrder, c.Kind)).ThenBy(c => c.PersonNumber ?? 0).ThenBy(c => c.ClaimIds[0]).ToList();
        return new DeconflictionMatches(run?.RunId, result, ordered, result.Sum(r => (long)r.Unmatched.Count));
    }

    private static async Task IndexAccountsAsync(DbConnection connection, PersonsRunInfo run, PersonIndex index, CancellationToken cancellationToken)
    {
        bool email = index.Wants(ClaimIdentifiers.Email), username = index.Wants(ClaimIdentifiers.Username), wallet = index.Wants(ClaimIdentifiers.Wallet);
        if (email || username || wallet)
        {
            await using var cmd = CaseDatabase.Command(connection, null, """
                SELECT pa.person_number, a.account_key, a.username, a.email, a.deposit_address
                FROM persons_accounts pa JOIN platform_accounts a ON a.import_id = @i AND a.account_key = pa.account_key
                WHERE pa.run_id = @r
                """, ("@i", run.ImportId), ("@r", run.RunId));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var person = (int)L(reader, 0);
                var key = reader.GetString(1);
                if (username && !reader.IsDBNull(2))
                {
                    index.Add(ClaimIdentifiers.Username, reader.GetString(2), person, $"account {key} username");
                }

                if (email && !reader.IsDBNull(3))
                {
                    index.Add(ClaimIdentifiers.Email, reader.GetString(3), person, $"account {key} e-mail");
                }

                if (wallet && !reader.IsDBNull(4))
                {
                    index.Add(ClaimIdentifiers.Wallet, reader.GetString(4), person, $"account {key} deposit address");
                }
            }
        }

        if (wallet)
        {
            await using var cmd = CaseDatabase.Command(connection, null, """
                SELECT pa.person_number, p.account_key, p.deposit_address
                FROM platform_payments p JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = p.account_key
                WHERE p.import_id = @i AND p.deposit_address IS NOT NULL
                """, ("@i", run.ImportId), ("@r", run.RunId));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                index.Add(ClaimIdentifiers.Wallet, reader.GetString(2), (int)L(reader, 0), $"deposit address of a payment to account {reader.GetString(1)}");
            }
        }
    }

    private static async Task IndexIdentitiesAsync(DbConnection connection, long runId, PersonIndex index, CancellationToken cancellationToken)
    {
        bool nameDob = index.Wants(ClaimIdentifiers.NameDob), document = index.Wants(ClaimIdentifiers.IdDocument);
        if (!nameDob && !document)
        {
            return;
        }

        await using var cmd = CaseDatabase.Command(connection, null, "SELECT number, identities FROM persons WHERE run_id = @r AND identities <> '[]'", ("@r", runId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var person = (int)L(reader, 0);
            foreach (var f in JsonSerializer.Deserialize<List<IdentityFinding>>(reader.GetString(1), PersonsStore.Json) ?? [])
            {
                var source = $"identity from {f.Reference} ({f.Source}, account {f.AccountKey})";
                if (nameDob && IdentityKeys.NameAndBirthDate(f.Identity) is { } key)
                {
                    index.AddNormalised(ClaimIdentifiers.NameDob, key, person, source);
                }

                if (document && IdentityKeys.DocumentNumber(f.Identity.IdNumber) is { } number)
                {
                    index.AddNormalised(ClaimIdentifiers.IdDocument, number, person, source);
                }
            }
        }
    }

    private static async Task IndexLoginsAsync(DbConnection connection, PersonsRunInfo run, PersonIndex index, Dictionary<string, SharedAddress> shared,
        CancellationToken cancellationToken)
    {
        // Only the claimed addresses are looked up, and never a shared one (an exit or carrier NAT address identifies nobody).
        var ips = index.Wanted(ClaimIdentifiers.Ip).Where(ip => !shared.ContainsKey(ip)).Order(StringComparer.Ordinal).ToList();
        foreach (var chunk in ips.Chunk(IpBatch))
        {
            var names = chunk.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@p{i}")).ToArray();
            await using var cmd = CaseDatabase.Command(connection, null, $"""
                SELECT DISTINCT pa.person_number, l.account_key, l.ip
                FROM platform_logins l JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = l.account_key
                WHERE l.import_id = @i AND l.ip IN ({string.Join(", ", names)})
                ORDER BY pa.person_number, l.account_key
                """, [("@r", run.RunId), ("@i", run.ImportId), .. names.Zip(chunk, (n, v) => (n, (object?)v))]);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                index.Add(ClaimIdentifiers.Ip, reader.GetString(2), (int)L(reader, 0), $"account {reader.GetString(1)} logged in from it");
            }
        }
    }

    private static async Task<Dictionary<int, string?>> CountriesAsync(DbConnection connection, long runId, IEnumerable<int> numbers, CancellationToken cancellationToken)
    {
        var map = new Dictionary<int, string?>();
        foreach (var n in numbers)
        {
            map[n] = await CaseDatabase.ScalarAsync(connection, null, "SELECT country FROM persons WHERE run_id = @r AND number = @n", cancellationToken,
                ("@r", runId), ("@n", n)) as string;
        }

        return map;
    }

    /// <summary>The persons' identifiers that some claim names, by (type, normalised value): each person once, with the first place it was seen.</summary>
    private sealed class PersonIndex(Dictionary<string, HashSet<string>> wanted)
    {
        private readonly Dictionary<(string, string), SortedDictionary<int, string>> _found = [];

        public bool Wants(string type) => wanted.ContainsKey(type);

        public HashSet<string> Wanted(string type) => wanted.GetValueOrDefault(type) ?? new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Adds a raw value of the person's, normalised as claims are.</summary>
        public void Add(string type, string value, int person, string source)
        {
            if (ClaimIdentifiers.TryNormalise(type, value, out var key, out _))
            {
                AddNormalised(type, key, person, source);
            }
        }

        public void AddNormalised(string type, string key, int person, string source)
        {
            if (!wanted.TryGetValue(type, out var keys) || !keys.Contains(key))
            {
                return;
            }

            if (!_found.TryGetValue((type, key), out var persons))
            {
                _found[(type, key)] = persons = [];
            }

            persons.TryAdd(person, source);
        }

        public IReadOnlyList<(int Person, string Source)> Find(string type, string key) =>
            _found.TryGetValue((type, key), out var persons) ? [.. persons.Select(kv => (kv.Key, kv.Value))] : [];
    }
}
