using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Cases.Returns;
using Harrier.Chain.Tracing;
using Harrier.Operations.Chain;
using Harrier.Operations.Platform;

namespace Harrier.Operations.Returns;

/// <summary>
/// Imports answers to data requests (docs/returns.md): exchange KYC (the customer behind a withdrawal) and internet
/// provider subscribers (who held an IP address during a lease), from CSV or JSON files or folders of them. Each file is
/// one write scope with one audit entry (<c>returns.import</c>) committed with its rows; a file with any bad row is
/// rejected whole (nothing of it written) and every bad row is reported with file, line and field, while the other files
/// still import. Each KYC row is tied to the request that asked for it: the lead of the case's last trace with the same
/// withdrawal txid and vout gives its actor and the deposit addresses its value reached. A file is imported once (by
/// SHA-256); a missing path or a file already imported refuses the whole call before anything is written.
/// </summary>
public sealed class ImportReturns(CaseStore store)
{
    /// <summary>How many problems (per file), rows not asked for and exchange mismatches the result lists (all are counted).</summary>
    public const int MaxReported = 100;

    private const int ProgressEvery = 1_000;

    /// <summary>The largest returns file read (1 GiB): a file over it is refused.</summary>
    internal long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>The longest value read (64 Ki characters): a longer one is a bad row.</summary>
    internal int MaxFieldChars { get; init; } = 64 * 1024;

    /// <summary>Imports every file of <see cref="ImportReturnsRequest.Paths"/>.</summary>
    public async Task<ImportReturnsResult> RunAsync(ImportReturnsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Kind is not (null or ReturnsColumns.Kyc or ReturnsColumns.Isp))
        {
            throw new OperationException($"--kind '{request.Kind}': say kyc or isp");
        }

        if (request.Exchange is { } ex && string.IsNullOrWhiteSpace(ex) || request.Isp is { } isp && string.IsNullOrWhiteSpace(isp))
        {
            throw new OperationException("--exchange and --isp need a name");
        }

        var files = Expand(request.Paths);
        var returns = new ReturnsStore(store);
        var known = (await returns.ImportsAsync(cancellationToken)).ToDictionary(i => i.Sha256, StringComparer.OrdinalIgnoreCase);
        var digests = new List<string>();
        var firstOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            context.Progress?.Report(new OperationProgress("digest", i, files.Count));
            var sha256 = await PlatformSource.Sha256Async(files[i], cancellationToken);
            if (known.TryGetValue(sha256, out var earlier))
            {
                throw new OperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{files[i]} was already imported (returns import {earlier.ImportId}, {earlier.FileName}, {earlier.ImportedUtc}, sha256 {sha256}); a file is imported once, so nothing was imported"));
            }

            if (!firstOf.TryAdd(sha256, files[i]))
            {
                throw new OperationException($"{files[i]} has the same content as {firstOf[sha256]} (sha256 {sha256}); a file is imported once, so nothing was imported");
            }

            digests.Add(sha256);
        }

        TraceReport? trace;
        try
        {
            trace = new ChainWorkspace(store).ReadTrace();
        }
        catch (JsonException e)
        {
            throw new OperationException($"the case's last trace cannot be read ({e.Message}); run chain trace again, so nothing was imported", e);
        }

        var requests = trace is null ? null : Requests(trace);
        var all = new Totals();
        var results = new List<ReturnsFileResult>();
        for (var i = 0; i < files.Count; i++)
        {
            context.Progress?.Report(new OperationProgress("files", i, files.Count));
            results.Add(await ImportFileAsync(files[i], digests[i], request, requests, all, context, cancellationToken));
        }

        context.Progress?.Report(new OperationProgress("files", files.Count, files.Count));
        var imported = results.Where(r => r.Imported).ToList();
        return new ImportReturnsResult(
            results,
            imported.Count,
            results.Count - imported.Count,
            imported.Where(r => r.Kind == ReturnsColumns.Kyc).Sum(r => r.Rows),
            imported.Where(r => r.Kind == ReturnsColumns.Isp).Sum(r => r.Rows),
            imported.Sum(r => r.RowsTied),
            trace is not null,
            trace is null && results.Any(r => r.Kind == ReturnsColumns.Kyc)
                ? "the case has no trace (run chain trace first): no KYC row was tied to a request"
                : null,
            imported.Sum(r => r.RowsNotAskedFor),
            all.NotAskedFor,
            imported.Sum(r => r.ExchangeMismatches),
            all.Mismatches);
    }

    /// <summary>Files as named, and the <c>.csv</c> and <c>.json</c> files of each folder (not its subfolders), by name.</summary>
    private static List<string> Expand(IReadOnlyList<string> paths)
    {
        if (paths is null || paths.Count == 0)
        {
            throw new OperationException("name at least one returns file or folder");
        }

        var files = new List<string>();
        foreach (var given in paths)
        {
            var path = Path.GetFullPath(given);
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path)
                    .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".csv" or ".json")
                    .Order(StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    throw new OperationException($"{path}: no .csv or .json file in the folder, so nothing was imported");
                }

                files.AddRange(found);
            }
            else
            {
                throw new OperationException($"no such file or folder: {path}, so nothing was imported");
            }
        }

        return [.. files.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Each withdrawal (txid, vout) a request of the trace asks about: the actors asking and the deposit addresses reached.</summary>
    private static Dictionary<(string Txid, long Vout), Asked> Requests(TraceReport trace)
    {
        var map = new Dictionary<(string, long), Asked>();
        foreach (var lead in trace.Requests.SelectMany(r => r.Leads))
        {
            var key = (lead.Txid.ToLowerInvariant(), (long)lead.Vout);
            if (!map.TryGetValue(key, out var asked))
            {
                map[key] = asked = new Asked();
            }

            if (!asked.Leads.Any(l => l.Actor == lead.Actor))
            {
                asked.Leads.Add(lead);
            }

            asked.Deposits.UnionWith(lead.Deposits);
        }

        return map;
    }

    private async Task<ReturnsFileResult> ImportFileAsync(string path, string sha256, ImportReturnsRequest request, Dictionary<(string, long), Asked>? requests,
        Totals all, OperationContext context, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var size = new FileInfo(path).Length;
        if (size > MaxFileBytes)
        {
            return Rejected(path, name, sha256, null, null, [],
                string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes, over the limit of {MaxFileBytes:N0} bytes for one returns file (split it)"));
        }

        ReturnsFileReader reader;
        try
        {
            reader = ReturnsFileReader.Open(path);
        }
        catch (ReturnsFileException e)
        {
            return Rejected(path, name, sha256, null, null, [], e.Message);
        }
        catch (IOException e)
        {
            return Rejected(path, name, sha256, null, null, [], "cannot be read: " + e.Message);
        }

        using (reader)
        {
            var kind = request.Kind ?? ReturnsColumns.Detect(reader.Columns);
            if (kind is null)
            {
                return Rejected(path, name, sha256, reader.Format, null, [],
                    "cannot tell exchange KYC from ISP subscribers by the columns (KYC has withdrawal_txid/withdrawal_vout, ISP ip/lease_from/lease_to): give --kind kyc or --kind isp");
            }

            var plan = Plan(kind, reader.Columns, kind == ReturnsColumns.Kyc ? request.Exchange : request.Isp, out var unknown, out var planProblem);
            if (planProblem is not null)
            {
                return Rejected(path, name, sha256, reader.Format, kind, unknown, planProblem);
            }

            var file = new FileRun(name, kind, plan, requests);
            try
            {
                var committed = await store.WriteAsync(context.Intent("returns.import", request.Justification),
                    async (w, ct) =>
                    {
                        var writer = await ReturnsStore.BeginImportAsync(w, new ReturnsImportSource(name, sha256, kind, reader.Format), context.Actor, ct);
                        foreach (var record in reader.Records(MaxFieldChars))
                        {
                            ct.ThrowIfCancellationRequested();
                            await file.AddAsync(record, writer, ct);
                            if (file.Read % ProgressEvery == 0)
                            {
                                context.Progress?.Report(new OperationProgress(name, file.Read, 0));
                            }
                        }

                        if (file.ProblemCount > 0)
                        {
                            throw new RejectedFile(); // rolls the file's rows back: a file with a bad row is imported not at all
                        }

                        var (rows, tied) = await writer.CompleteAsync(ct);
                        return (writer.ImportId, Rows: rows, Tied: tied);
                    },
                    r => string.Create(CultureInfo.InvariantCulture,
                        $"returns import {r.ImportId} of {path} (sha256 {sha256}, {kind}, {reader.Format}): {r.Rows} rows, {r.Tied} tied to a request{(kind == ReturnsColumns.Kyc ? $", {file.NotAskedForCount} not asked for" : string.Empty)}"),
                    cancellationToken);
                all.Add(file);
                return new ReturnsFileResult(path, name, sha256, reader.Format, kind, true, committed.ImportId, committed.Rows, committed.Tied, file.NotAskedForCount,
                    file.MismatchCount, unknown, 0, []);
            }
            catch (RejectedFile)
            {
                return new ReturnsFileResult(path, name, sha256, reader.Format, kind, false, null, file.Read, 0, 0, 0, unknown, file.ProblemCount, file.Problems);
            }
            catch (ReturnsFileException e)
            {
                file.Problem(new ReturnsProblem(name, "file", "(file)", e.Message));
                return new ReturnsFileResult(path, name, sha256, reader.Format, kind, false, null, file.Read, 0, 0, 0, unknown, file.ProblemCount, file.Problems);
            }
        }
    }

    private static ReturnsFileResult Rejected(string path, string name, string sha256, string? format, string? kind, IReadOnlyList<string> unknown, string problem) =>
        new(path, name, sha256, format, kind, false, null, 0, 0, 0, 0, unknown, 1, [new ReturnsProblem(name, "file", "(file)", problem)]);

    /// <summary>
    /// Which column each field of <paramref name="kind"/> is read from (-1: none). Refuses two columns meaning one field,
    /// and a required field with no column (the source field may come from <paramref name="sourceOption"/> instead).
    /// </summary>
    private static FieldPlan[] Plan(string kind, IReadOnlyList<string> columns, string? sourceOption, out IReadOnlyList<string> unknown, out string? problem)
    {
        var fields = ReturnsColumns.Fields(kind);
        var normalised = columns.Select(ReturnsColumns.Normalise).ToArray();
        var used = new bool[columns.Count];
        var problems = new List<string>();
        var plan = new FieldPlan[fields.Length];
        for (var f = 0; f < fields.Length; f++)
        {
            var matches = Enumerable.Range(0, columns.Count).Where(c => fields[f].Keys.Contains(normalised[c])).ToList();
            foreach (var c in matches)
            {
                used[c] = true;
            }

            if (matches.Count > 1)
            {
                problems.Add($"columns {string.Join(" and ", matches.Select(c => $"'{columns[c]}'"))} both mean {fields[f].Name}");
            }

            var source = f == 0 ? sourceOption?.Trim() : null;
            if (fields[f].Required && matches.Count == 0 && source is null && columns.Count > 0) // no columns: a JSON answer with no records
            {
                problems.Add(f == 0
                    ? $"no {fields[f].Name} column ({string.Join(", ", fields[f].Keys)}): name the {(kind == ReturnsColumns.Kyc ? "exchange with --exchange NAME" : "provider with --isp NAME")}"
                    : $"no {fields[f].Name} column (accepted: {string.Join(", ", fields[f].Keys)})");
            }

            plan[f] = new FieldPlan(fields[f], matches.Count == 0 ? -1 : matches[0], matches.Count == 0 ? null : columns[matches[0]], source);
        }

        unknown = [.. columns.Where((_, c) => !used[c])];
        problem = problems.Count == 0 ? null : $"the columns do not fit {kind} returns: {string.Join("; ", problems)}";
        return plan;
    }

    private sealed record FieldPlan(ReturnsField Field, int Column, string? ColumnName, string? Default);

    private sealed class Asked
    {
        public List<Lead> Leads { get; } = [];

        public SortedSet<string> Deposits { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Thrown inside a file's write scope when a row was bad, so nothing of the file is committed.</summary>
    private sealed class RejectedFile : Exception;

    /// <summary>The rows not asked for and the exchange mismatches of every committed file, the first <see cref="MaxReported"/> of each.</summary>
    private sealed class Totals
    {
        public List<ReturnsNotAskedFor> NotAskedFor { get; } = [];

        public List<ReturnsExchangeMismatch> Mismatches { get; } = [];

        public void Add(FileRun file)
        {
            NotAskedFor.AddRange(file.NotAskedFor.Take(MaxReported - NotAskedFor.Count));
            Mismatches.AddRange(file.Mismatches.Take(MaxReported - Mismatches.Count));
        }
    }

    /// <summary>One file's reading state: rows read, problems, ties.</summary>
    private sealed class FileRun(string name, string kind, FieldPlan[] plan, Dictionary<(string, long), Asked>? requests)
    {
        private readonly string?[] _values = new string?[plan.Length];

        public long Read { get; private set; }

        public long ProblemCount { get; private set; }

        public List<ReturnsProblem> Problems { get; } = [];

        public long NotAskedForCount { get; private set; }

        public List<ReturnsNotAskedFor> NotAskedFor { get; } = [];

        public long MismatchCount { get; private set; }

        public List<ReturnsExchangeMismatch> Mismatches { get; } = [];

        public void Problem(ReturnsProblem p)
        {
            ProblemCount++;
            if (Problems.Count < MaxReported)
            {
                Problems.Add(p);
            }
        }

        public async Task AddAsync(ReturnsRecord record, ReturnsImportWriter writer, CancellationToken cancellationToken)
        {
            Read++;
            if (record.Problem is not null)
            {
                var column = record.ProblemColumn ?? "(record)";
                Problem(new ReturnsProblem(name, record.At, column, $"{column}: {record.Problem}"));
                return;
            }

            var ok = true;
            for (var f = 0; f < plan.Length; f++)
            {
                var p = plan[f];
                var value = (p.Column >= 0 ? record.Values[p.Column] : null) ?? p.Default;
                _values[f] = null;
                if (value is null)
                {
                    if (p.Field.Required)
                    {
                        Problem(new ReturnsProblem(name, record.At, p.Field.Name,
                            $"{p.Field.Name} is missing ({(p.ColumnName is null ? "no column" : $"'{p.ColumnName}' is empty")})"));
                        ok = false;
                    }

                    continue;
                }

                if (!ReturnsColumns.TryRead(p.Field.Kind, value, out var stored, out var why))
                {
                    Problem(new ReturnsProblem(name, record.At, p.Field.Name, $"{p.Field.Name}: {why}"));
                    ok = false;
                    continue;
                }

                _values[f] = stored;
            }

            if (ok && kind == ReturnsColumns.Isp && string.CompareOrdinal(_values[2], _values[3]) > 0)
            {
                Problem(new ReturnsProblem(name, record.At, "lease_to", $"lease_to {_values[3]} is before lease_from {_values[2]}"));
                ok = false;
            }

            if (!ok || ProblemCount > 0)
            {
                return; // the file is rejected: nothing more of it is written
            }

            string? V(int i) => _values[i];
            if (kind == ReturnsColumns.Isp)
            {
                await writer.AddAsync(new ReturnedSubscriber(0, 0, name, record.Line, V(0)!, V(1)!, V(2)!, V(3)!, V(4), V(5), V(6), V(7), V(8), V(9), V(10), V(11),
                    V(12), V(13), V(14)), cancellationToken);
                return;
            }

            var txid = V(2)!;
            var vout = long.Parse(V(3)!, CultureInfo.InvariantCulture);
            string? actor = null;
            IReadOnlyList<string> deposits = [];
            if (requests is not null && requests.TryGetValue((txid, vout), out var asked))
            {
                actor = asked.Leads[0].Actor;
                deposits = [.. asked.Deposits];
                if (!asked.Leads.Any(l => SameExchange(V(0)!, l)))
                {
                    MismatchCount++;
                    if (Mismatches.Count < MaxReported)
                    {
                        Mismatches.Add(new ReturnsExchangeMismatch(name, record.At, V(0)!, string.Join(", ", asked.Leads.Select(l => l.Actor)), txid, vout));
                    }
                }
            }
            else if (requests is not null)
            {
                NotAskedForCount++;
                if (NotAskedFor.Count < MaxReported)
                {
                    NotAskedFor.Add(new ReturnsNotAskedFor(name, record.At, V(0)!, V(1)!, txid, vout));
                }
            }

            await writer.AddAsync(new ReturnedKyc(0, 0, name, record.Line, V(0)!, V(1)!, txid, vout, V(4), V(5), V(6), V(7), V(8), V(9), V(10), V(11), V(12),
                V(13), V(14), V(15), V(16), actor, deposits), cancellationToken);
        }

        /// <summary>Whether the exchange a row names is the lead's actor (by id, label or legal name; case, <c>_</c>, <c>-</c> and spaces aside).</summary>
        private static bool SameExchange(string exchange, Lead lead)
        {
            var e = ReturnsColumns.Normalise(exchange);
            return new[] { lead.Actor, lead.ActorLabel, lead.LegalName }.Any(n => n is not null && ReturnsColumns.Normalise(n) == e);
        }
    }
}

/// <summary>
/// A returns import: <c>Paths</c> are files or folders (a folder: its <c>.csv</c> and <c>.json</c> files, by name);
/// <c>Kind</c> forces <c>kyc</c> or <c>isp</c> (default: from the columns); <c>Exchange</c>/<c>Isp</c> name the source
/// for rows without an exchange/isp value.
/// </summary>
public sealed record ImportReturnsRequest(IReadOnlyList<string> Paths, string? Kind = null, string? Exchange = null, string? Isp = null, string? Justification = null);

/// <summary>
/// A problem that rejects a file: the file's name, where (<c>line N</c> of a CSV, <c>record N</c> (array index) of JSON, or
/// <c>file</c>), the field (or column; <c>(file)</c>, <c>(record)</c>), and why (a row's problem starts with its field).
/// </summary>
public sealed record ReturnsProblem(string File, string At, string Field, string Problem);

/// <summary>A KYC row imported that no request of the case's last trace asked for.</summary>
public sealed record ReturnsNotAskedFor(string File, string At, string Exchange, string CustomerId, string WithdrawalTxid, long WithdrawalVout);

/// <summary>A KYC row tied to a request of another actor than the exchange it names (imported, tied, and noted).</summary>
public sealed record ReturnsExchangeMismatch(string File, string At, string Exchange, string RequestActor, string WithdrawalTxid, long WithdrawalVout);

/// <summary>
/// One file of an import: imported (with its import id, rows, rows tied to a request, rows not asked for, exchange
/// mismatches) or rejected (rows read, every problem counted, the first <see cref="ImportReturns.MaxReported"/> listed).
/// <c>UnknownColumns</c> were ignored.
/// </summary>
public sealed record ReturnsFileResult(
    string Path,
    string FileName,
    string Sha256,
    string? Format,
    string? Kind,
    bool Imported,
    long? ImportId,
    long Rows,
    long RowsTied,
    long RowsNotAskedFor,
    long ExchangeMismatches,
    IReadOnlyList<string> UnknownColumns,
    long ProblemCount,
    IReadOnlyList<ReturnsProblem> Problems);

/// <summary>
/// What an import did: each file, counts over the imported files, whether the case had a trace to tie KYC rows to (and
/// a warning when not and a KYC file was given), and the rows not asked for and exchange mismatches (all counted, the first
/// <see cref="ImportReturns.MaxReported"/> listed).
/// </summary>
public sealed record ImportReturnsResult(
    IReadOnlyList<ReturnsFileResult> Files,
    int FilesImported,
    int FilesRejected,
    long KycRows,
    long SubscriberRows,
    long RowsTied,
    bool TraceFound,
    string? Warning,
    long RowsNotAskedFor,
    IReadOnlyList<ReturnsNotAskedFor> NotAskedFor,
    long ExchangeMismatchCount,
    IReadOnlyList<ReturnsExchangeMismatch> ExchangeMismatches);
