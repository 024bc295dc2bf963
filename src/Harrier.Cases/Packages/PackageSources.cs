using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Harrier.Analysis.Persons;
using Harrier.Cases.Persons;

namespace Harrier.Cases.Packages;

/// <summary>One platform account of a person as a package names it: its identifiers, never its content.</summary>
public sealed record PackageAccount(string AccountKey, string? Username, string? Email, string? DepositAddress, string? RegisteredUtc, bool IsAdmin);

/// <summary>
/// One evidence file an upload of the person's accounts is linked to, by reference: digests, size, what triage said
/// (status, bank, category, distance) and whether it is first seen. Never the media, never a path or title from the platform.
/// </summary>
public sealed record PackageEvidence(string UploadKey, string AccountKey, long EvidenceId, string ExhibitId, string? Sha256, string? Md5, long? Size,
    string? Status, string? Bank, string? CategoryScheme, string? Category, int? Distance);

/// <summary>
/// What the packages read from the case, in bulk: a package of a national platform holds tens of thousands of persons,
/// so each kind is one query over the run, kept for the persons asked for.
/// </summary>
public sealed class PackageSources(CaseStore store)
{
    /// <summary>The persons <paramref name="numbers"/> of persons run <paramref name="runId"/> as the engine returned them (accounts, links, country, identities, prior hits).</summary>
    public async Task<IReadOnlyDictionary<int, ResolvedPerson>> PersonsAsync(long runId, IReadOnlySet<int> numbers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var accounts = new Dictionary<int, List<string>>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT person_number, account_key FROM persons_accounts WHERE run_id = @r ORDER BY person_number, position", ("@r", runId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                if (numbers.Contains(n))
                {
                    (accounts.TryGetValue(n, out var list) ? list : accounts[n] = []).Add(reader.GetString(1));
                }
            }
        }

        var links = new Dictionary<int, List<PersonLink>>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT person_number, account_a, account_b, weight, evidence FROM persons_links WHERE run_id = @r ORDER BY person_number, position", ("@r", runId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                if (numbers.Contains(n))
                {
                    (links.TryGetValue(n, out var list) ? list : links[n] = []).Add(new PersonLink(reader.GetString(1), reader.GetString(2), reader.GetDouble(3),
                        De<List<LinkEvidence>>(reader.GetString(4))));
                }
            }
        }

        var persons = new Dictionary<int, ResolvedPerson>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT number, country, country_confidence, identified, country_evidence, identities, prior_hits FROM persons WHERE run_id = @r", ("@r", runId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                if (!numbers.Contains(n))
                {
                    continue;
                }

                var country = S(reader, 1);
                var finding = country is null ? null : new CountryFinding(country, reader.IsDBNull(2) ? 0 : reader.GetDouble(2), De<List<CountryEvidence>>(S(reader, 4) ?? "[]"));
                persons[n] = new ResolvedPerson(n, accounts.GetValueOrDefault(n) ?? [], links.GetValueOrDefault(n) ?? [], finding,
                    De<List<IdentityFinding>>(reader.GetString(5)), De<List<PriorRecordHit>>(reader.GetString(6)), L(reader, 3) != 0);
            }
        }

        return persons;
    }

    /// <summary>The platform accounts of the persons <paramref name="numbers"/> of persons run <paramref name="runId"/> (over platform import <paramref name="importId"/>), in each person's account order.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<PackageAccount>>> AccountsAsync(long runId, long importId, IReadOnlySet<int> numbers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var map = new Dictionary<int, List<PackageAccount>>();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT pa.person_number, a.account_key, a.username, a.email, a.deposit_address, a.registered_utc, a.is_admin
            FROM persons_accounts pa JOIN platform_accounts a ON a.import_id = @i AND a.account_key = pa.account_key
            WHERE pa.run_id = @r ORDER BY pa.person_number, pa.position
            """, ("@r", runId), ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var n = (int)L(reader, 0);
            if (numbers.Contains(n))
            {
                (map.TryGetValue(n, out var list) ? list : map[n] = []).Add(
                    new PackageAccount(reader.GetString(1), S(reader, 2), S(reader, 3), S(reader, 4), S(reader, 5), L(reader, 6) != 0));
            }
        }

        return map.ToDictionary(x => x.Key, x => (IReadOnlyList<PackageAccount>)x.Value);
    }

    /// <summary>Every evidence file linked to an upload of the persons <paramref name="numbers"/>, with its digests and triage result, by person.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<PackageEvidence>>> EvidenceAsync(long runId, long importId, IReadOnlySet<int> numbers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var map = new Dictionary<int, List<PackageEvidence>>();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT pa.person_number, u.upload_key, u.account_key, e.id, e.exhibit_id, e.sha256, e.md5, e.size, t.status, t.bank_name, t.scheme, t.code, t.distance
            FROM platform_uploads u
            JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = u.account_key
            JOIN platform_upload_files f ON f.import_id = u.import_id AND f.upload_key = u.upload_key
            JOIN evidence_files e ON e.id = f.evidence_id
            LEFT JOIN triage_results t ON t.evidence_id = e.id
            WHERE u.import_id = @i ORDER BY pa.person_number, u.upload_key, e.id
            """, ("@r", runId), ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var n = (int)L(reader, 0);
            if (numbers.Contains(n))
            {
                (map.TryGetValue(n, out var list) ? list : map[n] = []).Add(new PackageEvidence(reader.GetString(1), reader.GetString(2), L(reader, 3),
                    reader.GetString(4), S(reader, 5), S(reader, 6), reader.IsDBNull(7) ? null : L(reader, 7), S(reader, 8), S(reader, 9), S(reader, 10),
                    S(reader, 11), reader.IsDBNull(12) ? null : (int)L(reader, 12)));
            }
        }

        return map.ToDictionary(x => x.Key, x => (IReadOnlyList<PackageEvidence>)x.Value);
    }

    private static T De<T>(string json) => JsonSerializer.Deserialize<T>(json, PersonsStore.Json)
                                            ?? throw new CaseStoreException("a persons row holds JSON null where a value was written");

    private static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string? S(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
