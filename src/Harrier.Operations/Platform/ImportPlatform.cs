using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Platform;

namespace Harrier.Operations.Platform;

/// <summary>
/// Imports a seized platform's database into the case through a mapping (docs/platform.md): accounts, logins,
/// uploads and their files (linked to evidence files by digest, else by path), categorisations, ledger, payments and
/// message metadata. The mapping is checked against the source's tables and columns before anything is written; rows
/// that break it are reported with table and key and the rest is imported. One write scope, one audit entry
/// (<c>platform.import</c>, naming the source, the mapping's digest and the counts). A source is imported once: a second
/// import of the same file (by SHA-256) or database is refused, since doubled accounts would corrupt every later count
/// and link, and quietly skipping would hide a changed mapping.
/// </summary>
public sealed class ImportPlatform(CaseStore store)
{
    /// <summary>How many rejected rows the result lists (all are counted).</summary>
    public const int MaxReported = 100;

    private const int ProgressEvery = 5_000;

    /// <summary>Imports <see cref="ImportPlatformRequest.From"/>.</summary>
    public async Task<ImportPlatformResult> RunAsync(ImportPlatformRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var mapping = request.Mapping is null ? PlatformMapping.Default : PlatformMappingFormat.Read(request.Mapping);
        var mappingText = PlatformMappingFormat.Write(mapping);
        var mappingSha256 = PlatformMappingFormat.Sha256(mapping);
        var (kind, location) = ParseFrom(request.From);

        string display, sourceId;
        switch (kind)
        {
            case "postgres":
                var b = PlatformSource.Postgres(location);
                display = "postgres:" + PlatformSource.Display(location);
                sourceId = string.Create(CultureInfo.InvariantCulture, $"postgres:{b.Host}:{b.Port}/{b.Database}");
                break;
            default:
                location = Path.GetFullPath(location);
                if (!File.Exists(location))
                {
                    throw new OperationException($"no such file: {location}");
                }

                if (kind == "dump" && string.IsNullOrWhiteSpace(request.Scratch))
                {
                    throw new OperationException("a dump is loaded into a scratch PostgreSQL database: name a server with --scratch CONNSTR or HARRIER_SCRATCH_PG");
                }

                display = kind + ":" + location;
                context.Progress?.Report(new OperationProgress("digest", 0, 0));
                sourceId = "sha256:" + await PlatformSource.Sha256Async(location, cancellationToken);
                break;
        }

        var platform = new PlatformStore(store);
        if (await platform.FindAsync(sourceId, cancellationToken) is { } earlier)
        {
            throw new OperationException(string.Create(CultureInfo.InvariantCulture,
                $"{display} was already imported (platform import {earlier.ImportId}, {earlier.ImportedUtc}, {sourceId}); a source is imported once"));
        }

        ScratchDatabase? scratch = null;
        PlatformSource? source = null;
        try
        {
            if (kind == "dump")
            {
                context.Progress?.Report(new OperationProgress("load", 0, 0));
                scratch = await ScratchDatabase.LoadAsync(request.Scratch!, location, cancellationToken);
                source = await PlatformSource.OpenPostgresAsync(scratch.ConnectionString, cancellationToken);
            }
            else
            {
                source = kind == "sqlite"
                    ? await PlatformSource.OpenSqliteAsync(location, cancellationToken)
                    : await PlatformSource.OpenPostgresAsync(location, cancellationToken);
            }

            var plans = await PlanAsync(mapping, source, display, cancellationToken);
            var header = new PlatformImportSource(display, kind, sourceId, mappingSha256, mappingText);
            var run = new Run(source, context.Progress);
            return await store.WriteAsync(context.Intent("platform.import", request.Justification),
                async (w, ct) =>
                {
                    var writer = await PlatformStore.BeginImportAsync(w, header, context.Actor, ct);
                    foreach (var plan in plans)
                    {
                        await run.ImportAsync(plan, writer, ct);
                    }

                    var counts = await writer.CompleteAsync(run.Rejected, ct);
                    return new ImportPlatformResult(writer.ImportId, display, kind, sourceId, mappingSha256, counts, run.Rejected, run.Problems, w.NowUtc);
                },
                r => string.Create(CultureInfo.InvariantCulture,
                    $"platform import {r.ImportId} from {r.Source} ({r.SourceId}) mapping sha256 {r.MappingSha256}: {r.Counts.Accounts} accounts, {r.Counts.Logins} logins, " +
                    $"{r.Counts.Uploads} uploads, {r.Counts.UploadFiles} upload files ({r.Counts.LinkedFiles} linked to evidence), {r.Counts.Categorisations} categorisations, " +
                    $"{r.Counts.Ledger} ledger entries, {r.Counts.Payments} payments, {r.Counts.Messages} messages; {r.RejectedRows} rows rejected"),
                cancellationToken);
        }
        finally
        {
            if (source is not null)
            {
                await source.DisposeAsync();
            }

            if (scratch is not null)
            {
                await scratch.DisposeAsync();
            }
        }
    }

    /// <summary>Splits <c>sqlite:FILE</c>, <c>postgres:CONNSTR</c> or <c>dump:FILE.sql</c>.</summary>
    public static (string Kind, string Location) ParseFrom(string from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var colon = from.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? string.Empty : from[..colon];
        var location = colon < 0 ? string.Empty : from[(colon + 1)..];
        return kind is "sqlite" or "postgres" or "dump" && location.Length > 0
            ? (kind, location)
            : throw new OperationException($"--from '{from}': say sqlite:FILE, postgres:CONNSTR or dump:FILE.sql");
    }

    /// <summary>Resolves every mapped table and column against the source; refuses, naming each one missing, before anything is written.</summary>
    private static async Task<List<Plan>> PlanAsync(PlatformMapping mapping, PlatformSource source, string display, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var plans = new List<Plan>();
        foreach (var entity in PlatformEntity.All)
        {
            if (entity.Get(mapping) is not { } t)
            {
                continue;
            }

            var table = await source.TableAsync(t.Table, cancellationToken);
            if (table is null)
            {
                problems.Add($"{entity.Name}: no table '{t.Table}'");
                continue;
            }

            var select = new List<string>();
            int Column(string field, string column)
            {
                var real = source.Column(table, column);
                if (real is null)
                {
                    problems.Add($"{entity.Name}.{field}: table '{table}' has no column '{column}'");
                    return -1;
                }

                var i = select.FindIndex(c => c == real);
                if (i < 0)
                {
                    select.Add(real);
                    i = select.Count - 1;
                }

                return i;
            }

            var fieldColumn = entity.Fields.Select(f => t.Columns.TryGetValue(f.Name, out var c) ? Column(f.Name, c) : -1).ToArray();
            var constants = entity.Fields.Select(f => t.Constants.GetValueOrDefault(f.Name)).ToArray();
            var idField = entity.Fields.ToList().FindIndex(f => f.Name == "id");
            List<string> keyNames = t.Key.Count > 0 ? [.. t.Key]
                : idField >= 0 && t.Columns.TryGetValue("id", out var idColumn) ? [idColumn] : [];
            var keyIndexes = keyNames.Select(k => Column("key", k)).ToArray();

            // Accounts and uploads are unique by id: read in id order, a repeated id is next to its first.
            var unique = entity.Name is "accounts" or "uploads";
            var orderBy = unique && fieldColumn[idField] >= 0 ? [select[fieldColumn[idField]]]
                : keyIndexes.Where(i => i >= 0).Select(i => select[i]).ToList();
            plans.Add(new Plan(entity, table, [.. select], fieldColumn, constants, keyIndexes, [.. keyNames], orderBy, t.TimeFormat ?? mapping.TimeFormat,
                t.AdminRoles.ToHashSet(StringComparer.OrdinalIgnoreCase), unique ? idField : -1));
        }

        return problems.Count == 0
            ? plans
            : throw new OperationException($"the mapping does not fit {display}, so nothing was imported: {string.Join("; ", problems)}");
    }

    private sealed record Plan(PlatformEntity Entity, string Table, string[] Select, int[] FieldColumn, string?[] Constants, int[] KeyIndexes, string[] KeyNames,
        List<string> OrderBy, string? TimeFormat, HashSet<string> AdminRoles, int UniqueField);

    /// <summary>One import's reading state: rejected rows, progress.</summary>
    private sealed class Run(PlatformSource source, IProgress<OperationProgress>? progress)
    {
        public long Rejected { get; private set; }

        public List<PlatformRowProblem> Problems { get; } = [];

        public async Task ImportAsync(Plan plan, PlatformImportWriter writer, CancellationToken cancellationToken)
        {
            var fields = plan.Entity.Fields;
            var values = new object?[fields.Count];
            long rowNo = 0, done = 0;
            string? previousUnique = null;
            progress?.Report(new OperationProgress(plan.Entity.Name, 0, 0));
            await foreach (var row in source.ReadAsync(plan.Table, plan.Select, plan.OrderBy, cancellationToken))
            {
                rowNo++;
                var label = plan.KeyIndexes.Length == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"row {rowNo}")
                    : string.Join(", ", plan.KeyNames.Select((k, i) => $"{k}={(row[plan.KeyIndexes[i]] is { } v ? PlatformValues.Text(v) : "NULL")}"));
                if (!Parse(plan, row, values, out var problem))
                {
                    Reject(plan, label, problem.Field, problem.Text);
                    continue;
                }

                if (plan.UniqueField >= 0)
                {
                    var key = (string)values[plan.UniqueField]!;
                    if (key == previousUnique)
                    {
                        Reject(plan, label, "id", $"id '{key}' repeats an earlier row (ids are unique)");
                        continue;
                    }

                    previousUnique = key;
                }

                await AddAsync(plan, writer, plan.KeyIndexes.Length == 0 ? null : label, values, cancellationToken);
                if (++done % ProgressEvery == 0)
                {
                    progress?.Report(new OperationProgress(plan.Entity.Name, done, 0));
                }
            }

            progress?.Report(new OperationProgress(plan.Entity.Name, done, done));
        }

        private void Reject(Plan plan, string label, string field, string problem)
        {
            Rejected++;
            if (Problems.Count < MaxReported)
            {
                Problems.Add(new PlatformRowProblem(plan.Entity.Name, plan.Table, label, field, problem));
            }
        }

        /// <summary>Reads every field of the row into <paramref name="values"/> (string, long or bool; null when absent).</summary>
        private static bool Parse(Plan plan, object?[] row, object?[] values, out (string Field, string Text) problem)
        {
            problem = default;
            var fields = plan.Entity.Fields;
            for (var i = 0; i < fields.Count; i++)
            {
                var f = fields[i];
                object? raw = plan.FieldColumn[i] >= 0 ? row[plan.FieldColumn[i]] : plan.Constants[i];
                if (raw is null || (raw is string s && string.IsNullOrWhiteSpace(s)))
                {
                    values[i] = null;
                    if (f.Required)
                    {
                        problem = (f.Name, $"{f.Name} is missing ({(plan.FieldColumn[i] >= 0 ? plan.Select[plan.FieldColumn[i]] : "constant")} is empty)");
                        return false;
                    }

                    continue;
                }

                string text;
                var ok = true;
                switch (f.Kind)
                {
                    case PlatformFieldKind.Time:
                        ok = PlatformValues.TryTime(raw, plan.TimeFormat, out var utc, out text);
                        values[i] = utc;
                        break;
                    case PlatformFieldKind.Amount:
                        ok = PlatformValues.TryAmount(raw, out var amount, out text);
                        values[i] = amount;
                        break;
                    case PlatformFieldKind.WholeNumber:
                        ok = PlatformValues.TryInteger(raw, out var n, out text);
                        values[i] = n;
                        break;
                    case PlatformFieldKind.Boolean:
                        ok = PlatformValues.TryBoolean(raw, out var b, out text);
                        values[i] = b;
                        break;
                    case PlatformFieldKind.Sha256 or PlatformFieldKind.Md5:
                        ok = PlatformValues.TryDigest(raw, f.Kind == PlatformFieldKind.Sha256 ? 32 : 16, out var hex, out text);
                        values[i] = hex;
                        break;
                    default:
                        text = string.Empty;
                        values[i] = PlatformValues.Text(raw);
                        break;
                }

                if (!ok)
                {
                    problem = (f.Name, $"{f.Name}: {text}");
                    return false;
                }
            }

            return true;
        }

        private static Task AddAsync(Plan plan, PlatformImportWriter writer, string? rowKey, object?[] v, CancellationToken ct)
        {
            string? S(int i) => (string?)v[i];
            return plan.Entity.Name switch
            {
                "accounts" => writer.AddAsync(new PlatformAccount(S(0)!, S(1), S(2), S(3), S(4),
                    v[5] is true || (S(4) is { } role && plan.AdminRoles.Contains(role)), S(6)), ct),
                "logins" => writer.AddAsync(new PlatformLogin(rowKey, S(1)!, S(2)!, S(3), S(4)), ct),
                "uploads" => writer.AddAsync(new PlatformUpload(S(0)!, S(1)!, S(2)), ct),
                "upload_files" => writer.AddAsync(new PlatformUploadFile(S(0)!, S(1), S(2), S(3)), ct),
                "categorisations" => writer.AddAsync(new PlatformCategorisation(rowKey, S(1)!, S(2)!, S(3), S(4)), ct),
                "ledger" => writer.AddAsync(new PlatformLedgerEntry(rowKey, S(1)!, S(4), S(2)!, S(3), S(5), S(6), S(7)), ct),
                "payments" => writer.AddAsync(new PlatformPayment(rowKey, S(1)!, S(2)!, S(3), S(4), S(5), (long?)v[6], S(7)), ct),
                "messages" => writer.AddAsync(new PlatformMessage(rowKey, S(1)!, S(2)!, S(3)), ct),
                _ => throw new InvalidOperationException(plan.Entity.Name),
            };
        }
    }
}

/// <summary>
/// A platform import: <c>From</c> is <c>sqlite:FILE</c>, <c>postgres:CONNSTR</c> or <c>dump:FILE.sql</c>; <c>Mapping</c> a mapping
/// file (default: the scenario schema's); <c>Scratch</c> the PostgreSQL server a dump is loaded on (an admin connection string).
/// </summary>
public sealed record ImportPlatformRequest(string From, string? Mapping = null, string? Scratch = null, string? Justification = null);

/// <summary>A row that broke the mapping: the entity, the source table, the row (its key columns, or its number), the field and why.</summary>
public sealed record PlatformRowProblem(string Entity, string Table, string Row, string Field, string Problem);

/// <summary>
/// What an import wrote: the import's id, its source (no password) and source identity, the mapping's digest, rows per
/// entity, and rejected rows (all counted; the first <see cref="ImportPlatform.MaxReported"/> listed).
/// </summary>
public sealed record ImportPlatformResult(
    long ImportId,
    string Source,
    string SourceKind,
    string SourceId,
    string MappingSha256,
    PlatformCounts Counts,
    long RejectedRows,
    IReadOnlyList<PlatformRowProblem> Rejected,
    string ImportedUtc);
