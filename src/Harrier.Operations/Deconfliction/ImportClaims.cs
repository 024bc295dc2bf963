using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;
using Harrier.Operations.Platform;
using Harrier.Operations.Returns;

namespace Harrier.Operations.Deconfliction;

/// <summary>
/// Imports other agencies' claims into the deconfliction register (docs/deconfliction.md). Good records are imported and
/// bad ones reported with file, place and field (the result says so; the CLI exits 1); a file with no good record imports
/// nothing. A file is imported once (by SHA-256): a second import of the same content is refused before anything is read.
/// The claims are then matched to the persons of the latest run, and the identifiers no person has are reported. One
/// write scope, audited as <c>deconflict.import</c>.
/// </summary>
public sealed class ImportClaims(CaseStore store)
{
    /// <summary>How many problems and unmatched identifiers the result lists (all are counted).</summary>
    public const int MaxReported = 100;

    /// <summary>The longest value read (64 Ki characters): a longer one is a bad record.</summary>
    internal int MaxFieldChars { get; init; } = 64 * 1024;

    /// <summary>The largest claims file read (256 MiB).</summary>
    internal long MaxFileBytes { get; init; } = 256L << 20;

    /// <summary>Imports <see cref="ImportClaimsRequest.Path"/>.</summary>
    public async Task<ImportClaimsResult> RunAsync(ImportClaimsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var forced = request.Format?.Trim().ToLowerInvariant();
        if (forced is not (null or "csv" or "json"))
        {
            throw new OperationException($"--format '{request.Format}': say csv or json");
        }

        var path = Path.GetFullPath(request.Path);
        if (!File.Exists(path))
        {
            throw new OperationException($"no such file: {path}, so nothing was imported");
        }

        var name = Path.GetFileName(path);
        var sha256 = await PlatformSource.Sha256Async(path, cancellationToken);
        var register = new DeconflictionStore(store);
        if ((await register.ImportsAsync(cancellationToken)).FirstOrDefault(i => string.Equals(i.Sha256, sha256, StringComparison.OrdinalIgnoreCase)) is { } earlier)
        {
            throw new OperationException(string.Create(CultureInfo.InvariantCulture,
                $"{path} was already imported (deconfliction import {earlier.ImportId}, {earlier.FileName}, {earlier.ImportedUtc}, sha256 {sha256}); a file is imported once, so nothing was imported"));
        }

        var format = ClaimsFile.FormatOf(path, forced);
        var problems = new Problems(name);
        List<RawClaim> records;
        List<string> unknown;
        var size = new FileInfo(path).Length;
        try
        {
            if (size > MaxFileBytes)
            {
                throw new ReturnsFileException(string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes, over the limit of {MaxFileBytes:N0} bytes for one claims file (split it)"));
            }

            (records, unknown) = ClaimsFile.Read(path, format, MaxFieldChars);
        }
        catch (Exception e) when (e is ReturnsFileException or IOException)
        {
            problems.Add("file", "(file)", e is IOException ? "cannot be read: " + e.Message : e.Message);
            return new ImportClaimsResult(path, name, sha256, format, false, null, 0, 0, 0, 0, problems.Count, problems.List, [], null, 0, 0, [], 0);
        }

        var known = (await register.ClaimsAsync(cancellationToken))
            .ToDictionary(c => (c.Agency.ToUpperInvariant(), c.ClaimReference), c => c.ClaimId);
        var seen = new Dictionary<(string, string), string>();
        var claims = new List<NewClaim>();
        foreach (var record in records)
        {
            if (Check(record, problems) is not { } claim)
            {
                continue;
            }

            var key = (claim.Agency.ToUpperInvariant(), claim.ClaimReference);
            if (known.TryGetValue(key, out var id))
            {
                problems.Add(record.At, ClaimsFile.ClaimReference, string.Create(CultureInfo.InvariantCulture,
                    $"claim_reference: {claim.Agency} claim {claim.ClaimReference} is already claim {id} of the register"));
            }
            else if (!seen.TryAdd(key, record.At))
            {
                problems.Add(record.At, ClaimsFile.ClaimReference, $"claim_reference: {claim.Agency} claim {claim.ClaimReference} is also at {seen[key]} of this file");
            }
            else
            {
                claims.Add(claim);
            }
        }

        if (claims.Count == 0)
        {
            if (records.Count == 0)
            {
                problems.Add("file", "(file)", "no claim in the file");
            }

            return new ImportClaimsResult(path, name, sha256, format, false, null, records.Count, 0, 0, records.Count, problems.Count, problems.List, unknown, null, 0, 0, [], 0);
        }

        var bad = records.Count - claims.Count;
        var info = await store.WriteAsync(context.Intent("deconflict.import", request.Justification),
            (w, ct) => DeconflictionStore.WriteImportAsync(w, new ClaimsImportSource(name, sha256, format), claims, bad, context.Actor, ct),
            i => string.Create(CultureInfo.InvariantCulture,
                $"deconfliction import {i.ImportId} of {path} (sha256 {sha256}, {format}): {i.Claims} claims, {i.Identifiers} identifiers, {i.BadRecords} bad records left out"),
            cancellationToken);

        // What the new claims reach in the latest persons run, and what they name that no person has.
        var matches = await register.MatchAsync(cancellationToken);
        var mine = matches.Claims.Where(m => m.Claim.ImportId == info.ImportId).ToList();
        var unmatched = mine.SelectMany(m => m.Unmatched.Select(u => new UnmatchedClaimIdentifier(m.Claim.ClaimId, m.Claim.Agency, m.Claim.ClaimReference, u.Identifier, u.Why)))
            .ToList();
        var mineIds = mine.Select(m => m.Claim.ClaimId).ToHashSet();
        return new ImportClaimsResult(path, name, sha256, format, true, info.ImportId, records.Count, info.Claims, info.Identifiers, bad, problems.Count, problems.List, unknown,
            matches.RunId, mine.Count(m => m.Persons.Count > 0), unmatched.Count, [.. unmatched.Take(MaxReported)],
            matches.Conflicts.Count(c => c.ClaimIds.Any(mineIds.Contains)));
    }

    /// <summary>The claim a record states, or null after reporting every problem of it.</summary>
    private static NewClaim? Check(RawClaim record, Problems problems)
    {
        var before = problems.Count;
        if (record.Problem is not null)
        {
            var field = record.ProblemField ?? "(record)";
            problems.Add(record.At, field, $"{field}: {record.Problem}");
            return null;
        }

        string? Required(string field)
        {
            var value = record.Fields.GetValueOrDefault(field);
            if (value is null)
            {
                problems.Add(record.At, field, $"{field} is missing");
            }

            return value;
        }

        var reference = Required(ClaimsFile.ClaimReference);
        var agency = Required(ClaimsFile.Agency);
        var country = Required(ClaimsFile.AgencyCountry)?.ToUpperInvariant();
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetterUpper)))
        {
            problems.Add(record.At, ClaimsFile.AgencyCountry, $"agency_country: '{ClaimsFile.Clip(country)}' is not an ISO 3166 two-letter code (DE, GB, …)");
        }

        var caseReference = Required(ClaimsFile.CaseReference);
        var status = (record.Fields.GetValueOrDefault(ClaimsFile.Status) ?? ClaimStatuses.Open).ToLowerInvariant();
        if (!ClaimStatuses.All.Contains(status))
        {
            problems.Add(record.At, ClaimsFile.Status, $"status: '{ClaimsFile.Clip(status)}' is not {string.Join(", ", ClaimStatuses.All)}");
        }

        var handling = Required(ClaimsFile.HandlingCode)?.ToUpperInvariant();
        if (handling is not null && handling is not ("H0" or "H1" or "H2" or "H3"))
        {
            problems.Add(record.At, ClaimsFile.HandlingCode, $"handling_code: '{ClaimsFile.Clip(handling)}' is not a Europol handling code (H0, H1, H2, H3)");
        }

        string? received = null;
        if (record.Fields.GetValueOrDefault(ClaimsFile.ReceivedAt) is { } at)
        {
            if (ReturnsColumns.TryRead(ReturnsFieldKind.Time, at, out var stored, out var why))
            {
                received = stored;
            }
            else
            {
                problems.Add(record.At, ClaimsFile.ReceivedAt, $"received_at: {why}");
            }
        }

        var identifiers = new List<ClaimIdentifier>();
        if (record.Identifiers.Count == 0)
        {
            problems.Add(record.At, ClaimsFile.Identifiers, "identifiers: none given (a claim names one or more, e.g. email:a@example.invalid)");
        }

        foreach (var raw in record.Identifiers)
        {
            if (raw.Problem is not null)
            {
                problems.Add(record.At, ClaimsFile.Identifiers, $"identifiers: {raw.Problem}");
                continue;
            }

            var type = ClaimIdentifiers.Type(raw.Type);
            if (type is null)
            {
                problems.Add(record.At, ClaimsFile.Identifiers,
                    $"identifiers: type '{ClaimsFile.Clip(raw.Type ?? "")}' is not one of {string.Join(", ", ClaimIdentifiers.Types)}");
                continue;
            }

            if (string.IsNullOrWhiteSpace(raw.Value))
            {
                problems.Add(record.At, ClaimsFile.Identifiers, $"identifiers: {type} has no value");
                continue;
            }

            if (!ClaimIdentifiers.TryNormalise(type, raw.Value, out var normalised, out var bad))
            {
                problems.Add(record.At, ClaimsFile.Identifiers, $"identifiers: {type}: {bad}");
                continue;
            }

            if (!identifiers.Any(i => i.Type == type && i.Normalised == normalised))
            {
                identifiers.Add(new ClaimIdentifier(type, raw.Value.Trim(), normalised));
            }
        }

        return problems.Count > before
            ? null
            : new NewClaim(record.At, reference!, agency!, country!, caseReference!, status, handling!, received, identifiers);
    }

    /// <summary>Problems of the file: all counted, the first <see cref="MaxReported"/> listed.</summary>
    private sealed class Problems(string file)
    {
        public List<ClaimsProblem> List { get; } = [];

        public long Count { get; private set; }

        public void Add(string at, string field, string problem)
        {
            Count++;
            if (List.Count < MaxReported)
            {
                List.Add(new ClaimsProblem(file, at, field, problem));
            }
        }
    }
}

/// <summary>A claims import: the file, and <c>Format</c> <c>csv</c> or <c>json</c> to force one (default: by extension, else by content).</summary>
public sealed record ImportClaimsRequest(string Path, string? Format = null, string? Justification = null);

/// <summary>A bad record or a file problem: the file's name, where (<c>line N</c> of a CSV with the header as line 1, <c>record N</c> (0-based) of JSON, or <c>file</c>), the field, and why.</summary>
public sealed record ClaimsProblem(string File, string At, string Field, string Problem);

/// <summary>An identifier of an imported claim that no person of the latest run has, and why.</summary>
public sealed record UnmatchedClaimIdentifier(long ClaimId, string Agency, string ClaimReference, string Identifier, string Why);

/// <summary>
/// What an import did: whether anything was imported (false: the file had no good record or could not be read), the
/// import id, records read, claims and identifiers stored, bad records and their problems (all counted, the first
/// <see cref="ImportClaims.MaxReported"/> listed), columns or keys ignored; then the new claims against the latest persons
/// run (<c>RunId</c> null: none yet): how many matched a person, the identifiers that matched nobody, and the conflicts
/// they are part of.
/// </summary>
public sealed record ImportClaimsResult(
    string Path,
    string FileName,
    string Sha256,
    string Format,
    bool Imported,
    long? ImportId,
    long Records,
    long Claims,
    long Identifiers,
    long BadRecords,
    long ProblemCount,
    IReadOnlyList<ClaimsProblem> Problems,
    IReadOnlyList<string> UnknownColumns,
    long? RunId,
    long ClaimsMatched,
    long UnmatchedIdentifierCount,
    IReadOnlyList<UnmatchedClaimIdentifier> UnmatchedIdentifiers,
    long Conflicts);
