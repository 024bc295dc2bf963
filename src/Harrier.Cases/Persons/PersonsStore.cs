using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harrier.Analysis.Persons;

namespace Harrier.Cases.Persons;

/// <summary>
/// Resolution runs and their persons in the case (the <c>persons_*</c> tables, migration 9). A run is written whole in
/// one write scope (<see cref="WriteRunAsync"/>); reads go to a run by id, usually the latest. "Which person holds
/// account K" and "persons of a country" are plain indexed queries; the explanation (link evidence, country evidence,
/// identities, prior-record hits) is kept as JSON text of the engine's own records, which read back exactly.
/// </summary>
public sealed class PersonsStore
{
    /// <summary>How the engine's records are written as JSON text (camelCase; weights round-trip exactly).</summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public PersonsStore(CaseStore store) => _store = store;

    /// <summary>Writes a whole run inside <paramref name="write"/>: the run row, every person, its accounts and links, and the refused links. Returns the run id.</summary>
    public static async Task<long> WriteRunAsync(CaseWrite write, long importId, IReadOnlyList<PersonsRunInput> inputs, ResolutionOptions options,
        ResolutionResult result, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(result);
        var connection = write.Connection;
        var tx = write.Transaction;
        var s = result.Stats;
        await CaseDatabase.ExecuteAsync(connection, tx, """
            INSERT INTO persons_runs (created_utc, created_by, platform_import_id, inputs, options, accounts, persons, candidate_pairs, links, refused,
                shared_listed, shared_detected, shared_addresses)
            VALUES (@c, @b, @i, @in, @o, @a, @p, @cp, @l, @r, @sl, @sd, @sa)
            """, cancellationToken,
            ("@c", write.NowUtc), ("@b", actor), ("@i", importId), ("@in", Ser(inputs)), ("@o", Ser(options)), ("@a", (long)s.Accounts),
            ("@p", (long)s.Persons), ("@cp", s.CandidatePairs), ("@l", (long)s.Links), ("@r", (long)s.Refused), ("@sl", (long)s.SharedAddressesListed),
            ("@sd", (long)s.SharedAddressesDetected), ("@sa", Ser(result.SharedAddresses)));
        var runId = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT MAX(run_id) FROM persons_runs", cancellationToken),
            CultureInfo.InvariantCulture);

        // Rows go in batches of multi-row INSERTs: a run at Operation Stream scale has millions of rows, and one round
        // trip each would dominate on PostgreSQL.
        await using var person = new RowBatch(connection, tx, "persons",
            ["run_id", "number", "account_count", "country", "country_confidence", "identified", "country_evidence", "identities", "prior_hits"]);
        await using var account = new RowBatch(connection, tx, "persons_accounts", ["run_id", "account_key", "person_number", "position"]);
        await using var link = new RowBatch(connection, tx, "persons_links", ["run_id", "person_number", "position", "account_a", "account_b", "weight", "evidence"]);
        await using var refused = new RowBatch(connection, tx, "persons_refused", ["run_id", "position", "account_a", "account_b", "weight", "reason", "evidence"]);
        foreach (var p in result.Persons)
        {
            await person.AddAsync([runId, p.Number, p.AccountKeys.Count, p.Country?.Country, p.Country?.Confidence, p.Identified ? 1 : 0,
                p.Country is null ? null : Ser(p.Country.Evidence), Ser(p.Identities), Ser(p.PriorHits)], cancellationToken);
            for (var i = 0; i < p.AccountKeys.Count; i++)
            {
                await account.AddAsync([runId, p.AccountKeys[i], p.Number, i], cancellationToken);
            }

            for (var i = 0; i < p.Links.Count; i++)
            {
                var l = p.Links[i];
                await link.AddAsync([runId, p.Number, i, l.AccountA, l.AccountB, l.Weight, Ser(l.Evidence)], cancellationToken);
            }
        }

        for (var i = 0; i < result.Refused.Count; i++)
        {
            var r = result.Refused[i];
            await refused.AddAsync([runId, i, r.AccountA, r.AccountB, r.Weight, r.Reason, Ser(r.Evidence)], cancellationToken);
        }

        foreach (var batch in new[] { person, account, link, refused })
        {
            await batch.FlushAsync(cancellationToken);
        }

        return runId;
    }

    /// <summary>Every run of the case, oldest first.</summary>
    public async Task<IReadOnlyList<PersonsRunInfo>> RunsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT run_id, created_utc, created_by, platform_import_id, inputs, options, accounts, persons, candidate_pairs, links, refused,
                shared_listed, shared_detected
            FROM persons_runs ORDER BY run_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<PersonsRunInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new PersonsRunInfo(L(reader, 0), reader.GetString(1), reader.GetString(2), L(reader, 3),
                De<List<PersonsRunInput>>(reader.GetString(4)), De<ResolutionOptions>(reader.GetString(5)),
                new ResolutionStats((int)L(reader, 6), (int)L(reader, 7), L(reader, 8), (int)L(reader, 9), (int)L(reader, 10), (int)L(reader, 11), (int)L(reader, 12))));
        }

        return list;
    }

    /// <summary>The latest run, or null when persons were never resolved in this case.</summary>
    public async Task<PersonsRunInfo?> LatestRunAsync(CancellationToken cancellationToken) =>
        (await RunsAsync(cancellationToken)) is { Count: > 0 } runs ? runs[^1] : null;

    /// <summary>A page of the run's persons that pass <paramref name="filter"/>, by number.</summary>
    public async Task<PersonsPage> ListAsync(long runId, PersonsFilter filter, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        // Only the filters given are in the statement: a null parameter has no type for PostgreSQL to infer.
        var where = "run_id = @r AND account_count >= @m" + (filter.Country is null ? "" : " AND country = @c") + (filter.IdentifiedOnly ? " AND identified = 1" : "");
        (string, object?)[] args = filter.Country is null
            ? [("@r", runId), ("@m", filter.MinAccounts)]
            : [("@r", runId), ("@m", filter.MinAccounts), ("@c", filter.Country)];
        var total = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, $"SELECT COUNT(*) FROM persons WHERE {where}", cancellationToken, args),
            CultureInfo.InvariantCulture);
        var rows = new List<(int Number, string? Country, double? Confidence, bool Identified)>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         $"SELECT number, country, country_confidence, identified FROM persons WHERE {where} ORDER BY number LIMIT @l OFFSET @o",
                         [.. args, ("@l", limit), ("@o", offset)]))
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(((int)L(reader, 0), S(reader, 1), reader.IsDBNull(2) ? null : reader.GetDouble(2), L(reader, 3) != 0));
            }
        }

        var keys = rows.Count == 0 ? [] : await AccountsOfAsync(connection, runId, rows[0].Number, rows[^1].Number, cancellationToken);
        return new PersonsPage(
            [.. rows.Select(r => new PersonSummary(r.Number, keys.TryGetValue(r.Number, out var k) ? k : [], r.Country, r.Confidence, r.Identified))], total);
    }

    /// <summary>The person numbered <paramref name="number"/> in the run, with everything the engine said about it; null when there is none.</summary>
    public async Task<ResolvedPerson?> PersonAsync(long runId, int number, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        return await PersonAsync(connection, runId, number, cancellationToken);
    }

    /// <summary>The number of the person holding <paramref name="accountKey"/> in the run, or null.</summary>
    public async Task<int?> PersonOfAccountAsync(long runId, string accountKey, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        var value = await CaseDatabase.ScalarAsync(connection, null, "SELECT person_number FROM persons_accounts WHERE run_id = @r AND account_key = @k",
            cancellationToken, ("@r", runId), ("@k", accountKey));
        return value is null ? null : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>The refused links of the run that touch any of <paramref name="accountKeys"/>, in the engine's order.</summary>
    public async Task<IReadOnlyList<RefusedLink>> RefusedTouchingAsync(long runId, IReadOnlyCollection<string> accountKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountKeys);
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        var found = new SortedDictionary<long, RefusedLink>();
        foreach (var key in accountKeys)
        {
            foreach (var column in new[] { "account_a", "account_b" })
            {
                await using var cmd = CaseDatabase.Command(connection, null,
                    $"SELECT position, account_a, account_b, weight, reason, evidence FROM persons_refused WHERE run_id = @r AND {column} = @k",
                    ("@r", runId), ("@k", key));
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    found[L(reader, 0)] = Refused(reader);
                }
            }
        }

        return [.. found.Values];
    }

    /// <summary>The shared addresses of the run (listed and detected), in the engine's order.</summary>
    public async Task<IReadOnlyList<SharedAddress>> SharedAddressesAsync(long runId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        return await CaseDatabase.ScalarAsync(connection, null, "SELECT shared_addresses FROM persons_runs WHERE run_id = @r", cancellationToken, ("@r", runId))
            is string json ? De<List<SharedAddress>>(json) : [];
    }

    /// <summary>The whole result of a run as the engine returned it (persons in number order, refused links and shared addresses in its order).</summary>
    public async Task<ResolutionResult> ReadResultAsync(long runId, CancellationToken cancellationToken)
    {
        var run = (await RunsAsync(cancellationToken)).FirstOrDefault(r => r.RunId == runId)
                  ?? throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"no persons run {runId} in this case"));
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        var shared = De<List<SharedAddress>>((string)(await CaseDatabase.ScalarAsync(connection, null,
            "SELECT shared_addresses FROM persons_runs WHERE run_id = @r", cancellationToken, ("@r", runId)))!);
        var numbers = new List<int>();
        await using (var cmd = CaseDatabase.Command(connection, null, "SELECT number FROM persons WHERE run_id = @r ORDER BY number", ("@r", runId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                numbers.Add((int)L(reader, 0));
            }
        }

        var persons = new List<ResolvedPerson>(numbers.Count);
        foreach (var n in numbers)
        {
            persons.Add((await PersonAsync(connection, runId, n, cancellationToken))!);
        }

        var refused = new List<RefusedLink>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT position, account_a, account_b, weight, reason, evidence FROM persons_refused WHERE run_id = @r ORDER BY position", ("@r", runId)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                refused.Add(Refused(reader));
            }
        }

        return new ResolutionResult(persons, refused, shared, run.Stats);
    }

    private static async Task<ResolvedPerson?> PersonAsync(DbConnection connection, long runId, int number, CancellationToken cancellationToken)
    {
        int count;
        string? country;
        double? confidence;
        bool identified;
        string? countryEvidence;
        string identities, priorHits;
        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT account_count, country, country_confidence, identified, country_evidence, identities, prior_hits
                         FROM persons WHERE run_id = @r AND number = @n
                         """, ("@r", runId), ("@n", number)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            count = (int)L(reader, 0);
            country = S(reader, 1);
            confidence = reader.IsDBNull(2) ? null : reader.GetDouble(2);
            identified = L(reader, 3) != 0;
            countryEvidence = S(reader, 4);
            identities = reader.GetString(5);
            priorHits = reader.GetString(6);
        }

        var keys = (await AccountsOfAsync(connection, runId, number, number, cancellationToken)).GetValueOrDefault(number) ?? [];
        if (keys.Count != count)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                $"persons run {runId}: person {number} records {count} accounts but {keys.Count} are stored"));
        }

        var links = new List<PersonLink>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT account_a, account_b, weight, evidence FROM persons_links WHERE run_id = @r AND person_number = @n ORDER BY position",
                         ("@r", runId), ("@n", number)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                links.Add(new PersonLink(reader.GetString(0), reader.GetString(1), reader.GetDouble(2), De<List<LinkEvidence>>(reader.GetString(3))));
            }
        }

        var finding = country is null ? null : new CountryFinding(country, confidence ?? 0, De<List<CountryEvidence>>(countryEvidence ?? "[]"));
        return new ResolvedPerson(number, keys, links, finding, De<List<IdentityFinding>>(identities), De<List<PriorRecordHit>>(priorHits), identified);
    }

    private static async Task<Dictionary<int, List<string>>> AccountsOfAsync(DbConnection connection, long runId, int from, int to, CancellationToken cancellationToken)
    {
        var map = new Dictionary<int, List<string>>();
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT person_number, account_key FROM persons_accounts WHERE run_id = @r AND person_number >= @f AND person_number <= @t
            ORDER BY person_number, position
            """, ("@r", runId), ("@f", from), ("@t", to));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var n = (int)L(reader, 0);
            if (!map.TryGetValue(n, out var list))
            {
                map[n] = list = [];
            }

            list.Add(reader.GetString(1));
        }

        return map;
    }

    private static RefusedLink Refused(DbDataReader reader) =>
        new(reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetString(4), De<List<LinkEvidence>>(reader.GetString(5)));

    private static string Ser<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T De<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)
                                            ?? throw new CaseStoreException("a persons row holds JSON null where a value was written");

    private static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string? S(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
