using System.Globalization;
using System.Text.Json;
using Harrier.Operations.Returns;

namespace Harrier.Operations.Deconfliction;

/// <summary>One identifier as a file gives it: its type and value as written (null: absent), or why it cannot be read.</summary>
internal sealed record RawIdentifier(string? Type, string? Value, string? Problem);

/// <summary>One record of a claims file: where it is (<c>line N</c>, <c>record N</c>), its fields by name (see <see cref="ClaimsFile.Fields"/>), its identifiers, or why it cannot be read.</summary>
internal sealed record RawClaim(string At, Dictionary<string, string?> Fields, List<RawIdentifier> Identifiers, string? Problem, string? ProblemField);

/// <summary>
/// Reads a claims file (docs/deconfliction.md). CSV: one row per claim, a header naming the fields, the identifiers in
/// one column as <c>type:value</c> separated by <c>;</c>. JSON: an array of claim objects (or an object with one property
/// holding that array), each with an <c>identifiers</c> array of <c>{"type", "value"}</c> objects. Field and column names
/// match without regard to case, <c>_</c>, <c>-</c> or spaces, through the aliases of <see cref="Fields"/>.
/// </summary>
internal static class ClaimsFile
{
    public const string ClaimReference = "claim_reference";
    public const string Agency = "agency";
    public const string AgencyCountry = "agency_country";
    public const string CaseReference = "case_reference";
    public const string Status = "status";
    public const string HandlingCode = "handling_code";
    public const string ReceivedAt = "received_at";
    public const string Identifiers = "identifiers";

    /// <summary>Each field, whether it is required, and the names it is read from.</summary>
    public static readonly (string Name, bool Required, string[] Aliases)[] Fields =
    [
        (ClaimReference, true, ["claim_ref", "claim_id", "reference", "ref"]),
        (Agency, true, ["claiming_agency", "agency_name"]),
        (AgencyCountry, true, ["country", "country_code", "agency_country_code"]),
        (CaseReference, true, ["case_ref", "case", "case_id", "case_number"]),
        (Status, false, ["claim_status"]),
        (HandlingCode, true, ["handling", "handling_codes"]),
        (ReceivedAt, false, ["received", "received_utc", "received_time", "claimed_at"]),
        (Identifiers, true, ["identifier", "ids"]),
    ];

    private static readonly Dictionary<string, string> ByKey = Fields
        .SelectMany(f => new[] { f.Name }.Concat(f.Aliases).Select(a => (Key: ReturnsColumns.Normalise(a), f.Name)))
        .ToDictionary(x => x.Key, x => x.Name, StringComparer.Ordinal);

    /// <summary>The field a column or key names, or null.</summary>
    public static string? FieldOf(string column) => ByKey.GetValueOrDefault(ReturnsColumns.Normalise(column));

    /// <summary><c>csv</c> or <c>json</c>: as forced, else by extension, else by the first character (<c>[</c>/<c>{</c> is JSON).</summary>
    public static string FormatOf(string path, string? forced) => forced ?? Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "json",
        ".csv" => "csv",
        _ => ReturnsFileReader.FirstChar(path) is '[' or '{' ? "json" : "csv",
    };

    /// <summary>
    /// Every record of the file, and the columns (or keys) that name no field. A file that cannot be read at all, or
    /// lacks a required column, throws <see cref="ReturnsFileException"/>.
    /// </summary>
    public static (List<RawClaim> Records, List<string> Unknown) Read(string path, string format, int maxFieldChars) =>
        format == "json" ? ReadJson(path, maxFieldChars) : ReadCsv(path, maxFieldChars);

    private static (List<RawClaim>, List<string>) ReadCsv(string path, int maxFieldChars)
    {
        using var reader = ReturnsFileReader.OpenAsCsv(path);
        var fieldOf = reader.Columns.Select(FieldOf).ToArray();
        var problems = new List<string>();
        foreach (var f in Fields)
        {
            var columns = reader.Columns.Where((_, i) => fieldOf[i] == f.Name).ToList();
            if (columns.Count > 1)
            {
                problems.Add($"columns {string.Join(" and ", columns.Select(c => $"'{c}'"))} both mean {f.Name}");
            }
            else if (columns.Count == 0 && f.Required)
            {
                problems.Add($"no {f.Name} column (accepted: {string.Join(", ", new[] { f.Name }.Concat(f.Aliases))})");
            }
        }

        if (problems.Count > 0)
        {
            throw new ReturnsFileException($"the header does not fit a claims file: {string.Join("; ", problems)}");
        }

        var unknown = reader.Columns.Where((_, i) => fieldOf[i] is null).ToList();
        var records = new List<RawClaim>();
        foreach (var record in reader.Records(maxFieldChars))
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < fieldOf.Length; i++)
            {
                if (fieldOf[i] is { } name)
                {
                    fields[name] = record.Values[i];
                }
            }

            var ids = new List<RawIdentifier>();
            foreach (var part in (fields.GetValueOrDefault(Identifiers) ?? "").Split(';'))
            {
                if (string.IsNullOrWhiteSpace(part))
                {
                    continue;
                }

                var colon = part.IndexOf(':', StringComparison.Ordinal);
                ids.Add(colon <= 0
                    ? new RawIdentifier(null, part.Trim(), $"'{Clip(part.Trim())}' is not type:value")
                    : new RawIdentifier(part[..colon].Trim(), part[(colon + 1)..].Trim(), null));
            }

            records.Add(new RawClaim(record.At, fields, ids, record.Problem, record.ProblemColumn));
        }

        return (records, unknown);
    }

    private static (List<RawClaim>, List<string>) ReadJson(string path, int maxFieldChars)
    {
        var document = ReturnsFileReader.ParseJson(path, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });

        using (document)
        {
            var root = document.RootElement;
            var array = root.ValueKind == JsonValueKind.Array ? root
                : root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).ToList() is [var only] ? only.Value
                : throw new ReturnsFileException("JSON claims are an array of objects, or an object with one property holding that array");
            var unknown = new List<string>();
            var records = new List<RawClaim>();
            var index = -1;
            foreach (var item in array.EnumerateArray())
            {
                index++;
                var at = string.Create(CultureInfo.InvariantCulture, $"record {index}");
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                var ids = new List<RawIdentifier>();
                if (item.ValueKind != JsonValueKind.Object)
                {
                    records.Add(new RawClaim(at, fields, ids, $"a JSON {item.ValueKind.ToString().ToLowerInvariant()}, not an object", "(record)"));
                    continue;
                }

                string? problem = null, problemField = null;
                foreach (var p in item.EnumerateObject())
                {
                    var name = FieldOf(p.Name);
                    if (name is null)
                    {
                        if (!unknown.Contains(p.Name))
                        {
                            unknown.Add(p.Name);
                        }

                        continue;
                    }

                    if (name == Identifiers)
                    {
                        if (p.Value.ValueKind != JsonValueKind.Array)
                        {
                            problem ??= "identifiers is not an array of {\"type\", \"value\"} objects";
                            problemField ??= Identifiers;
                            continue;
                        }

                        foreach (var id in p.Value.EnumerateArray())
                        {
                            ids.Add(Identifier(id, maxFieldChars));
                        }

                        fields[name] = "(array)";
                        continue;
                    }

                    if (fields.ContainsKey(name))
                    {
                        problem ??= $"two keys mean {name}";
                        problemField ??= name;
                    }

                    if (!TryScalar(p.Value, maxFieldChars, out var text, out var why))
                    {
                        problem ??= why;
                        problemField ??= name;
                    }

                    fields[name] = text;
                }

                records.Add(new RawClaim(at, fields, ids, problem, problemField));
            }

            return (records, unknown);
        }
    }

    private static RawIdentifier Identifier(JsonElement id, int maxFieldChars)
    {
        if (id.ValueKind != JsonValueKind.Object)
        {
            return new RawIdentifier(null, null, $"an identifier is a JSON {id.ValueKind.ToString().ToLowerInvariant()}, not an object {{\"type\", \"value\"}}");
        }

        string? type = null, value = null, name = null, dob = null;
        foreach (var p in id.EnumerateObject())
        {
            if (!TryScalar(p.Value, maxFieldChars, out var text, out var why))
            {
                return new RawIdentifier(null, null, $"identifier {p.Name}: {why}");
            }

            switch (ReturnsColumns.Normalise(p.Name))
            {
                case "type":
                    type = text;
                    break;
                case "value":
                    value = text;
                    break;
                case "name" or "fullname":
                    name = text;
                    break;
                case "dateofbirth" or "dob" or "birthdate":
                    dob = text;
                    break;
                default:
                    break;
            }
        }

        // name_dob may be written as {"type": "name_dob", "name": …, "dateOfBirth": …} instead of one value NAME|YYYY-MM-DD.
        if (value is null && (name is not null || dob is not null))
        {
            value = $"{name}|{dob}";
        }

        return new RawIdentifier(type, value, null);
    }

    private static bool TryScalar(JsonElement value, int maxFieldChars, out string? text, out string why)
    {
        why = string.Empty;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                text = value.GetString();
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                text = value.GetRawText();
                break;
            case JsonValueKind.Null:
                text = null;
                break;
            default:
                text = null;
                why = $"a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not a single value";
                return false;
        }

        if (text is not null && text.Length > maxFieldChars)
        {
            why = string.Create(CultureInfo.InvariantCulture, $"a value of {text.Length:N0} characters, over the limit of {maxFieldChars:N0}");
            text = null;
            return false;
        }

        text = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        return true;
    }

    public static string Clip(string s) => s.Length <= 70 ? s : s[..70] + "…";
}
