using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Harrier.Analysis.Persons;
using Harrier.Analysis.Targets;
using Harrier.Cases.Persons;
using Harrier.Matching.Triage;

namespace Harrier.Cases.Targets;

/// <summary>A ranking run: which persons run it ranked, who ran it when, with which weights, and how many persons each tier got.</summary>
public sealed record TargetsRunInfo(long RunId, long PersonsRunId, string CreatedUtc, string CreatedBy, RankingWeights Weights, long Persons, long Tier1, long Tier2, long Tier3);

/// <summary>An analyst's move of a person's tier: from, to, why, who, when.</summary>
public sealed record TargetMove(long Id, int PersonNumber, int FromTier, int ToTier, string Reason, string MovedUtc, string MovedBy);

/// <summary>
/// A ranked person as listings show it: the computed score and tier with every factor, and the tier that holds
/// (<see cref="Tier"/>: the analyst's latest move when there is one, else the computed tier).
/// </summary>
public sealed record TargetRow(int PersonNumber, string? Country, int Score, int ComputedTier, int Tier, IReadOnlyList<ScoreFactor> Factors, TargetMove? Move);

/// <summary>Which ranked persons a listing shows: of one country, at most this tier (the tier that holds).</summary>
public sealed record TargetsFilter(string? Country = null, int MaxTier = 3);

/// <summary>
/// The ranking tables (migration 11): runs, each ranked person with the factors of its score, and analysts' moves.
/// Only persons with at least one factor are stored; everyone else is tier 4 with score 0. Moves belong to a persons
/// run (a person's number means nothing across runs), so they hold across re-rankings of the same persons run.
/// </summary>
public sealed class TargetsStore(CaseStore store)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// What the case shows of each person of <paramref name="run"/> that did anything beyond viewing or has a prior
    /// record: administrator accounts, uploads with what triage said of their files, categorisations, payments, prior
    /// hits. Read with one query per kind, joined through the run's account → person table.
    /// </summary>
    public async Task<IReadOnlyList<PersonActivity>> ReadActivityAsync(PersonsRunInfo run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var r = ("@r", (object?)run.RunId);
        var i = ("@i", (object?)run.ImportId);
        var acc = new Dictionary<int, Builder>();
        Builder Of(int n) => acc.TryGetValue(n, out var b) ? b : acc[n] = new Builder();
        await using var connection = await store.Database.OpenAsync(cancellationToken);

        var countries = new Dictionary<int, string?>();
        await using (var cmd = CaseDatabase.Command(connection, null, "SELECT number, country, prior_hits FROM persons WHERE run_id = @r", r))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                countries[n] = S(reader, 1);
                var hits = reader.GetString(2);
                if (hits != "[]")
                {
                    Of(n).PriorHits.AddRange(JsonSerializer.Deserialize<List<PriorRecordHit>>(hits, PersonsStore.Json) ?? []);
                }
            }
        }

        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT pa.person_number, a.account_key FROM platform_accounts a
                         JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = a.account_key
                         WHERE a.import_id = @i AND a.is_admin = 1 ORDER BY pa.person_number, pa.position
                         """, r, i))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                Of((int)L(reader, 0)).Admins.Add(reader.GetString(1));
            }
        }

        // One row per upload file (or one with NULLs for an upload without files), in upload order.
        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT pa.person_number, u.upload_key, u.account_key, f.evidence_id, t.status FROM platform_uploads u
                         JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = u.account_key
                         LEFT JOIN platform_upload_files f ON f.import_id = u.import_id AND f.upload_key = u.upload_key
                         LEFT JOIN triage_results t ON t.evidence_id = f.evidence_id
                         WHERE u.import_id = @i ORDER BY pa.person_number, u.upload_key, f.evidence_id
                         """, r, i))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            UploadBuilder? current = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                var key = reader.GetString(1);
                if (current is null || current.Person != n || current.Key != key)
                {
                    current = new UploadBuilder(n, key, reader.GetString(2));
                    Of(n).Uploads.Add(current);
                }

                if (!reader.IsDBNull(3))
                {
                    current.Evidence.Add(L(reader, 3));
                }

                current.See(S(reader, 4));
            }
        }

        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT pa.person_number, COUNT(*) FROM platform_categorisations c
                         JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = c.account_key
                         WHERE c.import_id = @i GROUP BY pa.person_number
                         """, r, i))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                Of((int)L(reader, 0)).Categorisations = (int)L(reader, 1);
            }
        }

        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT pa.person_number, p.amount, p.currency, p.time_utc FROM platform_payments p
                         JOIN persons_accounts pa ON pa.run_id = @r AND pa.account_key = p.account_key
                         WHERE p.import_id = @i
                         """, r, i))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                Of((int)L(reader, 0)).Pay(reader.GetString(1), S(reader, 2), S(reader, 3));
            }
        }

        return [.. acc.OrderBy(x => x.Key).Select(x => x.Value.Build(x.Key, countries.GetValueOrDefault(x.Key)))];
    }

    /// <summary>Writes a ranking of persons run <paramref name="personsRunId"/> inside <paramref name="write"/>; returns the run id.</summary>
    public static async Task<long> WriteRunAsync(CaseWrite write, long personsRunId, RankingWeights weights, IReadOnlyList<RankedTarget> ranked, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(ranked);
        var (connection, tx) = (write.Connection, write.Transaction);
        var stored = ranked.Where(t => t.Factors.Count > 0).ToList();
        await CaseDatabase.ExecuteAsync(connection, tx, """
            INSERT INTO targets_runs (persons_run_id, created_utc, created_by, weights, persons, tier1, tier2, tier3)
            VALUES (@p, @c, @b, @w, @n, @t1, @t2, @t3)
            """, cancellationToken, ("@p", personsRunId), ("@c", write.NowUtc), ("@b", actor), ("@w", JsonSerializer.Serialize(weights, Json)),
            ("@n", (long)stored.Count), ("@t1", (long)ranked.Count(t => t.Tier == 1)), ("@t2", (long)ranked.Count(t => t.Tier == 2)),
            ("@t3", (long)ranked.Count(t => t.Tier == 3)));
        var runId = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT MAX(run_id) FROM targets_runs", cancellationToken), CultureInfo.InvariantCulture);
        await using var rows = new RowBatch(connection, tx, "targets", ["run_id", "person_number", "score", "tier", "country", "factors"]);
        foreach (var t in stored)
        {
            await rows.AddAsync([runId, t.PersonNumber, t.Score, t.Tier, t.Country, JsonSerializer.Serialize(t.Factors, Json)], cancellationToken);
        }

        await rows.FlushAsync(cancellationToken);
        return runId;
    }

    /// <summary>The newest ranking, or null when the case has none.</summary>
    public async Task<TargetsRunInfo?> LatestRunAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT run_id, persons_run_id, created_utc, created_by, weights, persons, tier1, tier2, tier3 FROM targets_runs ORDER BY run_id DESC LIMIT 1");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TargetsRunInfo(L(reader, 0), L(reader, 1), reader.GetString(2), reader.GetString(3),
                JsonSerializer.Deserialize<RankingWeights>(reader.GetString(4), Json) ?? RankingWeights.Default, L(reader, 5), L(reader, 6), L(reader, 7), L(reader, 8))
            : null;
    }

    /// <summary>
    /// The ranked persons of <paramref name="run"/> that <paramref name="filter"/> keeps, by the tier that holds, then
    /// score (highest first), then number; a person an analyst moved is listed under the tier moved to, also when the
    /// ranking stored nothing for them (score 0, computed tier 4).
    /// </summary>
    public async Task<IReadOnlyList<TargetRow>> ListAsync(TargetsRunInfo run, TargetsFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(filter);
        var moves = await LatestMovesAsync(run.PersonsRunId, cancellationToken);
        var rows = new List<TargetRow>();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT person_number, score, tier, country, factors FROM targets WHERE run_id = @r" + (filter.Country is null ? "" : " AND country = @c"),
                         ("@r", run.RunId), ("@c", filter.Country?.ToUpperInvariant())))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var n = (int)L(reader, 0);
                var computed = (int)L(reader, 2);
                var move = moves.GetValueOrDefault(n);
                rows.Add(new TargetRow(n, S(reader, 3), (int)L(reader, 1), computed, move?.ToTier ?? computed,
                    JsonSerializer.Deserialize<List<ScoreFactor>>(reader.GetString(4), Json) ?? [], move));
            }
        }

        var listed = rows.Select(x => x.PersonNumber).ToHashSet();
        foreach (var move in moves.Values.Where(m => !listed.Contains(m.PersonNumber)))
        {
            var country = await CaseDatabase.ScalarAsync(connection, null, "SELECT country FROM persons WHERE run_id = @r AND number = @n", cancellationToken,
                ("@r", run.PersonsRunId), ("@n", move.PersonNumber)) as string;
            if (filter.Country is null || string.Equals(country, filter.Country, StringComparison.OrdinalIgnoreCase))
            {
                rows.Add(new TargetRow(move.PersonNumber, country, 0, 4, move.ToTier, [], move));
            }
        }

        return [.. rows.Where(x => x.Tier <= filter.MaxTier)
            .OrderBy(x => x.Tier).ThenByDescending(x => x.Score).ThenBy(x => x.PersonNumber)];
    }

    /// <summary>One person's row in <paramref name="run"/> (tier 4 with score 0 when the ranking stored nothing for them), or null when the persons run has no such person.</summary>
    /// <remarks>Reads that one row and that person's moves, not the ranking: show and move stay cheap at a national platform's size.</remarks>
    public async Task<TargetRow?> PersonAsync(TargetsRunInfo run, int number, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var move = (await MovesAsync(run.PersonsRunId, cancellationToken)).LastOrDefault(m => m.PersonNumber == number);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT score, tier, country, factors FROM targets WHERE run_id = @r AND person_number = @n", ("@r", run.RunId), ("@n", number)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                var computed = (int)L(reader, 1);
                return new TargetRow(number, S(reader, 2), (int)L(reader, 0), computed, move?.ToTier ?? computed,
                    JsonSerializer.Deserialize<List<ScoreFactor>>(reader.GetString(3), Json) ?? [], move);
            }
        }

        await using var person = CaseDatabase.Command(connection, null, "SELECT country FROM persons WHERE run_id = @r AND number = @n", ("@r", run.PersonsRunId), ("@n", number));
        await using var row = await person.ExecuteReaderAsync(cancellationToken);
        return await row.ReadAsync(cancellationToken) ? new TargetRow(number, S(row, 0), 0, 4, move?.ToTier ?? 4, [], move) : null;
    }

    /// <summary>Records an analyst's move inside <paramref name="write"/>.</summary>
    public static async Task<long> WriteMoveAsync(CaseWrite write, long personsRunId, int number, int fromTier, int toTier, string reason, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, """
            INSERT INTO targets_moves (persons_run_id, person_number, from_tier, to_tier, reason, moved_utc, moved_by)
            VALUES (@p, @n, @f, @t, @r, @u, @b)
            """, cancellationToken, ("@p", personsRunId), ("@n", number), ("@f", fromTier), ("@t", toTier), ("@r", reason), ("@u", write.NowUtc), ("@b", actor));
        return Convert.ToInt64(await CaseDatabase.ScalarAsync(write.Connection, write.Transaction, "SELECT MAX(id) FROM targets_moves", cancellationToken),
            CultureInfo.InvariantCulture);
    }

    /// <summary>Every move of a persons run's persons, oldest first.</summary>
    public async Task<IReadOnlyList<TargetMove>> MovesAsync(long personsRunId, CancellationToken cancellationToken)
    {
        var moves = new List<TargetMove>();
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT id, person_number, from_tier, to_tier, reason, moved_utc, moved_by FROM targets_moves WHERE persons_run_id = @p ORDER BY id", ("@p", personsRunId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            moves.Add(new TargetMove(L(reader, 0), (int)L(reader, 1), (int)L(reader, 2), (int)L(reader, 3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        }

        return moves;
    }

    private async Task<Dictionary<int, TargetMove>> LatestMovesAsync(long personsRunId, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<int, TargetMove>();
        foreach (var m in await MovesAsync(personsRunId, cancellationToken))
        {
            latest[m.PersonNumber] = m;
        }

        return latest;
    }

    private static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string? S(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private sealed class UploadBuilder(int person, string key, string account)
    {
        public int Person { get; } = person;

        public string Key { get; } = key;

        public string Account { get; } = account;

        public List<long> Evidence { get; } = [];

        private bool _known, _firstSeen;

        public void See(string? status)
        {
            _known |= status is TriageStatus.Known or TriageStatus.NearDuplicate;
            _firstSeen |= status is TriageStatus.Unknown;
        }

        public UploadFact Build() => new(Key, Account, _known ? UploadMedia.Known : _firstSeen ? UploadMedia.FirstSeen : UploadMedia.NotSeen, Evidence);
    }

    private sealed class Builder
    {
        public List<string> Admins { get; } = [];

        public List<UploadBuilder> Uploads { get; } = [];

        public List<PriorRecordHit> PriorHits { get; } = [];

        public int Categorisations { get; set; }

        private int _payments;
        private decimal _total;
        private string? _unit;
        private DateTimeOffset? _last;

        public void Pay(string amount, string? currency, string? time)
        {
            _payments++;
            if (decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var a))
            {
                _total += a;
            }

            var unit = string.IsNullOrWhiteSpace(currency) ? "units" : currency;
            _unit = _unit is null || _unit == unit ? unit : "mixed units";
            if (DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                && (_last is null || t > _last))
            {
                _last = t;
            }
        }

        public PersonActivity Build(int number, string? country) => new(number, country, Admins, [.. Uploads.Select(u => u.Build())], Categorisations,
            _payments == 0 ? null : new PaymentFact(_payments, _total, _unit ?? "units", _last), PriorHits);
    }
}
