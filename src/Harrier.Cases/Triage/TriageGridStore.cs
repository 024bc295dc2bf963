using System.Data.Common;
using System.Globalization;
using System.Text;
using Harrier.Matching.Banks;

namespace Harrier.Cases.Triage;

/// <summary>What the triage grid shows of one file: no path or name, the evidence id, its triage result and categories.</summary>
public sealed record TriageTile(
    long EvidenceId,
    string Kind,
    string Status,
    string? Method,
    string? Bank,
    BankCategory? BankCategory,
    BankCategory? AnalystCategory,
    int? RenditionGroup,
    int? SceneGroup,
    bool Representative,
    int? QueueRank,
    IReadOnlyList<string> Reasons,
    bool HasDerived)
{
    /// <summary>The category that counts: the analyst's latest, else the bank's (see docs/workbench.md).</summary>
    public BankCategory? Category => AnalystCategory ?? BankCategory;
}

/// <summary>
/// The grid's filters (all optional). <see cref="Category"/> is <c>SCHEME:CODE</c> of the category that counts, or
/// <see cref="Uncategorised"/>.
/// </summary>
public sealed record TriageFilter(string? Status = null, string? Bank = null, string? Category = null, int? RenditionGroup = null,
    int? SceneGroup = null, bool FirstSeenOnly = false)
{
    /// <summary>The category filter's value for files with neither an analyst nor a bank category.</summary>
    public const string Uncategorised = "none";
}

/// <summary>One page of tiles in evidence-id order; <see cref="Before"/>/<see cref="After"/> are the keys of the pages beside it (null: none).</summary>
public sealed record TriagePage(IReadOnlyList<TriageTile> Tiles, long Total, long? Before, long? After);

/// <summary>A rendition or scene group: its number, size and representative file.</summary>
public sealed record TriageGroup(int Group, long Files, long Representative, string Kind, bool HasDerived);

/// <summary>The distinct filter values present in the case (for the grid's select boxes).</summary>
public sealed record TriageFilterValues(IReadOnlyList<string> Statuses, IReadOnlyList<string> Banks);

/// <summary>
/// Reads the triage results for the workbench a page at a time: keyset paging on the evidence id (the first-seen queue and
/// the groups by offset over their indexed order), never every row. Every filter is answered by an index of migration 14.
/// </summary>
public sealed class TriageGridStore(CaseStore store)
{
    /// <summary>The largest page the store returns.</summary>
    public const int MaxPageSize = 500;

    private const string TileColumns = """
        SELECT t.evidence_id, COALESCE(m.kind, 'other'), t.status, t.method, t.bank_name, t.scheme, t.code, c.scheme, c.code,
               t.rendition_group, t.scene_group, t.representative, t.queue_rank, t.reasons, m.derived
        FROM triage_results t
        LEFT JOIN media_facts m ON m.evidence_id = t.evidence_id
        LEFT JOIN media_categorisations c ON c.id = (SELECT MAX(x.id) FROM media_categorisations x WHERE x.evidence_id = t.evidence_id)
        """;

    /// <summary>
    /// The page of tiles matching <paramref name="filter"/> with evidence ids after <paramref name="after"/> (or before
    /// <paramref name="before"/>, or the first page when both are null), and how many files match in all.
    /// </summary>
    public async Task<TriagePage> PageAsync(TriageFilter filter, long? after, long? before, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (size is < 1 or > MaxPageSize)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"page size must be 1 to {MaxPageSize}, not {size}"));
        }

        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var (where, parameters) = Where(filter);
        var keyed = new List<(string, object?)>(parameters);
        var sql = new StringBuilder(TileColumns).Append(" WHERE ").Append(where);
        if (before is { } b)
        {
            sql.Append(" AND t.evidence_id < @key ORDER BY t.evidence_id DESC");
            keyed.Add(("@key", b));
        }
        else
        {
            if (after is { } a)
            {
                sql.Append(" AND t.evidence_id > @key");
                keyed.Add(("@key", a));
            }

            sql.Append(" ORDER BY t.evidence_id");
        }

        sql.Append(CultureInfo.InvariantCulture, $" LIMIT {size + 1}");
        var tiles = await ReadTilesAsync(connection, sql.ToString(), keyed, cancellationToken);
        var more = tiles.Count > size;
        if (more)
        {
            tiles.RemoveAt(tiles.Count - 1);
        }

        if (before is not null)
        {
            tiles.Reverse();
        }

        var count = new StringBuilder("SELECT COUNT(*) FROM triage_results t");
        if (filter.Category is not null)
        {
            count.Append(" LEFT JOIN media_categorisations c ON c.id = (SELECT MAX(x.id) FROM media_categorisations x WHERE x.evidence_id = t.evidence_id)");
        }

        count.Append(" WHERE ").Append(where);
        await using var cmd = CaseDatabase.Command(connection, null, count.ToString(), [.. parameters]);
        var total = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        long? previousKey = null, nextKey = null;
        if (tiles.Count > 0)
        {
            // Going back, "more" means there are earlier tiles; going forward (or from the start) it means later ones.
            var earlier = before is not null ? more : after is not null;
            var later = before is not null || more;
            previousKey = earlier ? tiles[0].EvidenceId : null;
            nextKey = later ? tiles[^1].EvidenceId : null;
        }

        return new TriagePage(tiles, total, previousKey, nextKey);
    }

    /// <summary>The first-seen queue in rank order, <paramref name="size"/> files from <paramref name="offset"/>, and its length.</summary>
    public async Task<(IReadOnlyList<TriageTile> Tiles, long Total)> FirstSeenAsync(int offset, int size, CancellationToken cancellationToken)
    {
        if (size is < 1 or > MaxPageSize || offset < 0)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"page size must be 1 to {MaxPageSize} and offset 0 or more, not {size} from {offset}"));
        }

        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var tiles = await ReadTilesAsync(connection, TileColumns + string.Create(CultureInfo.InvariantCulture,
            $" WHERE t.queue_rank IS NOT NULL ORDER BY t.queue_rank, t.evidence_id LIMIT {size} OFFSET {offset}"), [], cancellationToken);
        var total = await CaseDatabase.ScalarAsync(connection, null, "SELECT COUNT(*) FROM triage_results WHERE queue_rank IS NOT NULL", cancellationToken);
        return (tiles, Convert.ToInt64(total, CultureInfo.InvariantCulture));
    }

    /// <summary>Rendition groups (<paramref name="scenes"/> false) or scene groups, by number, with their representative file.</summary>
    public async Task<(IReadOnlyList<TriageGroup> Groups, long Total)> GroupsAsync(bool scenes, int offset, int size, CancellationToken cancellationToken)
    {
        if (size is < 1 or > MaxPageSize || offset < 0)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"page size must be 1 to {MaxPageSize} and offset 0 or more, not {size} from {offset}"));
        }

        var column = scenes ? "scene_group" : "rendition_group";
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        // The representative is the scene's (triage marks one per scene); a rendition group without it shows its lowest id.
        await using var cmd = CaseDatabase.Command(connection, null, string.Create(CultureInfo.InvariantCulture, $"""
            SELECT g.grp, g.files, g.rep, COALESCE(m.kind, 'other'), m.derived
            FROM (SELECT {column} AS grp, COUNT(*) AS files,
                         COALESCE(MIN(CASE WHEN representative = 1 THEN evidence_id END), MIN(evidence_id)) AS rep
                  FROM triage_results WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY {column} LIMIT {size} OFFSET {offset}) g
            LEFT JOIN media_facts m ON m.evidence_id = g.rep
            ORDER BY g.grp
            """));
        var list = new List<TriageGroup>();
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                list.Add(new TriageGroup(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
                    Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture), reader.GetString(3), !reader.IsDBNull(4)));
            }
        }

        var total = await CaseDatabase.ScalarAsync(connection, null, $"SELECT COUNT(DISTINCT {column}) FROM triage_results WHERE {column} IS NOT NULL", cancellationToken);
        return (list, Convert.ToInt64(total, CultureInfo.InvariantCulture));
    }

    /// <summary>The statuses and banks present in the results (each read from its index).</summary>
    public async Task<TriageFilterValues> FilterValuesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        return new TriageFilterValues(
            await StringsAsync(connection, "SELECT DISTINCT status FROM triage_results ORDER BY status", cancellationToken),
            await StringsAsync(connection, "SELECT DISTINCT bank_name FROM triage_results WHERE bank_name IS NOT NULL ORDER BY bank_name", cancellationToken));
    }

    /// <summary>
    /// The full path of <paramref name="evidenceId"/>'s derived picture (blurred thumbnail or keyframe strip), or null when it
    /// has none. The path is the one ingest stored, and is refused unless it lies inside the case's derived folder.
    /// </summary>
    public async Task<string?> DerivedFileAsync(long evidenceId, CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var derived = await CaseDatabase.ScalarAsync(connection, null, "SELECT derived FROM media_facts WHERE evidence_id = @i", cancellationToken, ("@i", evidenceId));
        if (derived is not string relative || relative.Length == 0)
        {
            return null;
        }

        return store.DerivedStore.Locate(relative);
    }

    private static (string Where, List<(string, object?)> Parameters) Where(TriageFilter f)
    {
        var clauses = new List<string> { "1 = 1" };
        var p = new List<(string, object?)>();
        if (f.Status is { Length: > 0 } status)
        {
            clauses.Add("t.status = @status");
            p.Add(("@status", status));
        }

        if (f.Bank is { Length: > 0 } bank)
        {
            clauses.Add("t.bank_name = @bank");
            p.Add(("@bank", bank));
        }

        if (f.Category is { Length: > 0 } category)
        {
            if (category == TriageFilter.Uncategorised)
            {
                clauses.Add("c.id IS NULL AND t.scheme IS NULL");
            }
            else
            {
                var colon = category.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new CaseStoreException($"category filter '{category}' is not SCHEME:CODE or '{TriageFilter.Uncategorised}'");
                }

                clauses.Add("COALESCE(c.scheme, t.scheme) = @cs AND COALESCE(c.code, t.code) = @cc");
                p.Add(("@cs", category[..colon]));
                p.Add(("@cc", category[(colon + 1)..]));
            }
        }

        if (f.RenditionGroup is { } rg)
        {
            clauses.Add("t.rendition_group = @rg");
            p.Add(("@rg", rg));
        }

        if (f.SceneGroup is { } sg)
        {
            clauses.Add("t.scene_group = @sg");
            p.Add(("@sg", sg));
        }

        if (f.FirstSeenOnly)
        {
            clauses.Add("t.queue_rank IS NOT NULL");
        }

        return (string.Join(" AND ", clauses), p);
    }

    private static async Task<List<TriageTile>> ReadTilesAsync(DbConnection connection, string sql, List<(string, object?)> parameters, CancellationToken cancellationToken)
    {
        await using var cmd = CaseDatabase.Command(connection, null, sql, [.. parameters]);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<TriageTile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new TriageTile(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), Str(reader, 3), Str(reader, 4),
                Str(reader, 5) is { } bs ? new BankCategory(bs, Str(reader, 6) ?? string.Empty) : null,
                Str(reader, 7) is { } cs ? new BankCategory(cs, Str(reader, 8) ?? string.Empty) : null,
                Int(reader, 9), Int(reader, 10), Convert.ToInt64(reader.GetValue(11), CultureInfo.InvariantCulture) == 1, Int(reader, 12),
                Str(reader, 13)?.Split('\n') ?? [], !reader.IsDBNull(14)));
        }

        return list;
    }

    private static async Task<List<string>> StringsAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = CaseDatabase.Command(connection, null, sql);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static int? Int(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);
}
