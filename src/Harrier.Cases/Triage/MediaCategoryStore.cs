using System.Data.Common;
using System.Globalization;
using Harrier.Matching.Banks;

namespace Harrier.Cases.Triage;

/// <summary>One analyst categorisation of a file: the category set, the one it replaced (null: none before), who and when.</summary>
public sealed record MediaCategorisation(long Id, long EvidenceId, BankCategory Category, BankCategory? Previous, string Actor, string TimeUtc);

/// <summary>
/// Analysts' categories of media files (table <c>media_categorisations</c>, migration 14). Every change is a new row with
/// the analyst, the time and the previous category: the history is kept, never overwritten, and the latest row of a file
/// is its analyst category. Kept apart from <c>triage_results</c>, which <c>harrier triage</c> replaces, so a new triage run
/// never loses a person's decision.
/// </summary>
public sealed class MediaCategoryStore(CaseStore store)
{
    /// <summary>
    /// Sets <paramref name="evidenceId"/>'s category in one audited transaction (audited as <paramref name="intent"/> says; the
    /// target names the file, the scheme, the new and the previous code). Refuses a scheme or code the workbench does not know
    /// and a file that is not registered.
    /// </summary>
    public async Task<MediaCategorisation> SetAsync(long evidenceId, BankCategory category, AuditIntent intent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        var scheme = CategoryScheme.Find(category.Scheme)
            ?? throw new CaseStoreException($"unknown category scheme '{category.Scheme}' (known: {string.Join(", ", CategoryScheme.All.Select(s => s.Id))})");
        if (!scheme.Has(category.Code))
        {
            throw new CaseStoreException($"'{category.Code}' is not a {scheme.Id} code (codes: {string.Join(", ", scheme.Codes.Select(c => c.Code))})");
        }

        category = new BankCategory(scheme.Id, category.Code);
        return await store.WriteAsync(intent, async (w, ct) =>
            {
                var exists = await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, "SELECT COUNT(*) FROM evidence_files WHERE id = @i", ct, ("@i", evidenceId));
                if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) == 0)
                {
                    throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"no evidence file {evidenceId} in this case"));
                }

                var previous = await LatestOnAsync(w.Connection, w.Transaction, evidenceId, ct);
                var id = await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, """
                    INSERT INTO media_categorisations (evidence_id, scheme, code, previous_scheme, previous_code, actor, time_utc)
                    VALUES (@i, @s, @c, @ps, @pc, @a, @t) RETURNING id
                    """, ct, ("@i", evidenceId), ("@s", category.Scheme), ("@c", category.Code), ("@ps", (object?)previous?.Category.Scheme ?? DBNull.Value),
                    ("@pc", (object?)previous?.Category.Code ?? DBNull.Value), ("@a", intent.Actor), ("@t", w.NowUtc));
                return new MediaCategorisation(Convert.ToInt64(id, CultureInfo.InvariantCulture), evidenceId, category, previous?.Category, intent.Actor, w.NowUtc);
            },
            c => string.Create(CultureInfo.InvariantCulture, $"evidence {c.EvidenceId}: {c.Category} (was {(c.Previous is { } p ? p.ToString() : "uncategorised")})"),
            cancellationToken);
    }

    /// <summary>Every categorisation of <paramref name="evidenceId"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MediaCategorisation>> HistoryAsync(long evidenceId, CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, Columns + " WHERE evidence_id = @i ORDER BY id", ("@i", evidenceId));
        return await ReadAsync(cmd, cancellationToken);
    }

    /// <summary>The latest analyst category of every categorised file (one row per file, read in one pass).</summary>
    public async Task<IReadOnlyDictionary<long, MediaCategorisation>> LatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            Columns + " WHERE id IN (SELECT MAX(id) FROM media_categorisations GROUP BY evidence_id) ORDER BY evidence_id");
        return (await ReadAsync(cmd, cancellationToken)).ToDictionary(c => c.EvidenceId);
    }

    private const string Columns = "SELECT id, evidence_id, scheme, code, previous_scheme, previous_code, actor, time_utc FROM media_categorisations";

    private static async Task<MediaCategorisation?> LatestOnAsync(DbConnection connection, DbTransaction tx, long evidenceId, CancellationToken cancellationToken)
    {
        await using var cmd = CaseDatabase.Command(connection, tx, Columns + " WHERE evidence_id = @i ORDER BY id DESC LIMIT 1", ("@i", evidenceId));
        return (await ReadAsync(cmd, cancellationToken)).SingleOrDefault();
    }

    private static async Task<List<MediaCategorisation>> ReadAsync(DbCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<MediaCategorisation>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MediaCategorisation(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                new BankCategory(reader.GetString(2), reader.GetString(3)),
                reader.IsDBNull(4) ? null : new BankCategory(reader.GetString(4), reader.IsDBNull(5) ? string.Empty : reader.GetString(5)),
                reader.GetString(6), reader.GetString(7)));
        }

        return list;
    }
}
