using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harrier.Matching.Banks;

/// <summary>
/// VICS (Project VIC / CAID) JSON-OData, 1.1–1.3 (<c>odata.metadata</c>) and 2.0 (<c>@odata.context</c>, dialects
/// Default/US/UK/CUSTOM), in the <c>#Media</c> and <c>#Cases</c> shapes. Reading keeps each Media object verbatim in
/// <see cref="BankEntry.Raw"/> so that writing it back preserves every property, known or not.
/// </summary>
public static class VicsFormat
{
    private const string V1Key = "odata.metadata";
    private const string V2Key = "@odata.context";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a VICS file.</summary>
    public static BankFile Read(string path)
    {
        // JsonNode checks a string's UTF-8 and a repeated property only when the value is first read, deep in the walk
        // below (an InvalidOperationException or ArgumentException there; found by fuzzing): both are checked here, up
        // front, so that every malformed file is a BankFormatException naming what is wrong.
        string text;
        try
        {
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new BankFormatException(string.Create(CultureInfo.InvariantCulture, $"not UTF-8 text: byte {e.Index} cannot be decoded"), e);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException e)
        {
            throw new BankFormatException($"not valid JSON: {e.Message}", e);
        }

        try
        {
            return Read(root);
        }
        catch (InvalidOperationException e)
        {
            // A string escape that is no UTF-16 text (a lone surrogate, "\ud800"): JsonNode refuses it only when read.
            throw new BankFormatException($"not valid JSON text: {e.Message}", e);
        }
    }

    private static BankFile Read(JsonNode? root)
    {

        if (root is not JsonObject obj)
        {
            throw new BankFormatException("a VICS file is a JSON object");
        }

        string key;
        string context;
        if (obj[V2Key] is JsonValue v2)
        {
            key = V2Key;
            context = v2.ToString();
        }
        else if (obj[V1Key] is JsonValue v1)
        {
            key = V1Key;
            context = v1.ToString();
        }
        else
        {
            throw new BankFormatException("no odata.metadata or @odata.context: not VICS");
        }

        var (version, scheme) = Describe(key, context);
        var shape = context.EndsWith("#Cases", StringComparison.OrdinalIgnoreCase) ? "Cases" : "Media";
        if (obj["value"] is not JsonArray values)
        {
            throw new BankFormatException("a VICS file has a 'value' array");
        }

        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        var degraded = new List<string>();
        var index = 0;
        foreach (var item in values)
        {
            index++;
            var where = string.Create(CultureInfo.InvariantCulture, $"value[{index}]");
            if (item is not JsonObject o)
            {
                warnings.Add(where + ": skipped: not an object");
                continue;
            }

            // A Cases file nests Media[] in each case; a record with MD5 at the top level is a Media object.
            IEnumerable<(string Where, JsonNode? Node)> media = Get(o, "Media") is JsonArray nested && shape == "Cases"
                ? nested.Select((m, i) => (string.Create(CultureInfo.InvariantCulture, $"{where}.Media[{i + 1}]"), m))
                : [(where, o)];
            foreach (var (at, node) in media)
            {
                if (node is not JsonObject m)
                {
                    warnings.Add(at + ": skipped: not an object");
                    continue;
                }

                var problems = new List<string>();
                var entry = ReadMedia(m, scheme, problems);
                if (entry is null)
                {
                    var why = problems.Count == 0 ? string.Empty : " (" + string.Join("; ", problems) + ")";
                    warnings.Add($"{at}: skipped: no valid MD5, SHA-1 or SHA-256{why}");
                    continue;
                }

                degraded.AddRange(problems.Select(p => $"{at}: kept without {p}"));
                entries.Add(entry);
            }
        }

        return new BankFile(BankFormat.Vics, $"VICS {version} #{shape}", new KeyValuePair<string, string>(key, context), entries, warnings)
        {
            Degraded = degraded,
        };
    }

    /// <summary>
    /// Writes a VICS <c>#Media</c> file under <paramref name="envelope"/>: each entry's <see cref="BankEntry.Raw"/>
    /// verbatim when it has one, else a Media object built from its fields.
    /// </summary>
    public static void Write(Stream stream, KeyValuePair<string, string> envelope, IEnumerable<BankEntry> entries)
    {
        var context = envelope.Value.EndsWith("#Cases", StringComparison.OrdinalIgnoreCase)
            ? envelope.Value[..^"#Cases".Length] + "#Media"
            : envelope.Value;
        var values = new JsonArray();
        var id = 0;
        foreach (var e in entries)
        {
            id++;
            if (e.Raw is not null && e.Raw.TrimStart().StartsWith('{'))
            {
                values.Add(JsonNode.Parse(e.Raw));
                continue;
            }

            var m = new JsonObject { ["MediaID"] = id };
            if (e.Category is { } c)
            {
                m["Category"] = int.TryParse(c.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(c.Code);
            }

            if (e.Md5 is not null)
            {
                m["MD5"] = e.Md5;
            }

            if (e.Sha1 is not null)
            {
                m["SHA1"] = e.Sha1;
            }

            if (e.PhotoDna is not null)
            {
                m["PhotoDNA"] = e.PhotoDna;
            }

            if (e.Series is not null)
            {
                m["Series"] = e.Series;
            }

            values.Add((JsonNode)m);
        }

        var root = new JsonObject { [envelope.Key] = context, ["value"] = values };
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        root.WriteTo(writer);
    }

    /// <summary>The envelope of a VICS 2.0 US <c>#Media</c> file, for exports of banks that came from other formats.</summary>
    public static KeyValuePair<string, string> DefaultEnvelope { get; } =
        new(V2Key, "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media");

    private static (string Version, string Scheme) Describe(string key, string context)
    {
        if (key == V1Key)
        {
            var v = context.Contains("/1.1.xml", StringComparison.Ordinal) ? "1.1"
                : context.Contains("/1.2.xml", StringComparison.Ordinal) ? "1.2" : "1.3";
            return (v, "VICS-US");
        }

        foreach (var dialect in new[] { "US", "UK", "CUSTOM", "Default" })
        {
            if (context.Contains("/" + dialect + "/", StringComparison.OrdinalIgnoreCase))
            {
                return ("2.0 " + dialect, "VICS-" + dialect);
            }
        }

        return ("2.0", "VICS-Default");
    }

    /// <summary>
    /// One Media object as an entry, or null without a valid digest. Each property that is there but not usable (a digest
    /// that is not hex of its length, a list or object where a scalar belongs) is added to <paramref name="problems"/> as
    /// "FIELD: VALUE is not …", and left out of the entry.
    /// </summary>
    private static BankEntry? ReadMedia(JsonObject m, string scheme, List<string> problems)
    {
        var md5 = DigestField(m, "MD5", 32, problems);
        var sha1 = DigestField(m, "SHA1", 40, problems);
        var sha256 = DigestField(m, "SHA256", 64, problems);
        var photoDna = ScalarField(m, "PhotoDNA", "text", problems);
        if (Get(m, "AlternativeHashes") is JsonArray alternatives)
        {
            foreach (var a in alternatives.OfType<JsonObject>())
            {
                var name = Text(Get(a, "HashName"));
                var value = Text(Get(a, "HashValue"));
                if (string.Equals(name, "PhotoDNA", StringComparison.OrdinalIgnoreCase))
                {
                    photoDna ??= value;
                }
                else if (string.Equals(name, "SHA256", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "SHA-256", StringComparison.OrdinalIgnoreCase))
                {
                    var digest = BankReader.Digest(value, 64);
                    if (digest is null && !string.IsNullOrWhiteSpace(value))
                    {
                        problems.Add($"AlternativeHashes {name}: {Shown(Get(a, "HashValue"))} is not 64 hex digits");
                    }

                    sha256 ??= digest;
                }
            }
        }

        // A missing Category is uncategorised: it is never read as 0.
        var category = ScalarField(m, "Category", "a category code", problems);
        var mediaId = ScalarField(m, "MediaID", "an id", problems);
        var series = ScalarField(m, "Series", "text", problems);
        if (md5 is null && sha1 is null && sha256 is null)
        {
            return null;
        }

        return new BankEntry
        {
            Md5 = md5,
            Sha1 = sha1,
            Sha256 = sha256,
            PhotoDna = photoDna,
            Category = string.IsNullOrWhiteSpace(category) ? null : new BankCategory(scheme, category.Trim()),
            ExternalId = mediaId,
            Series = series,
            Raw = m.ToJsonString(),
        };
    }

    /// <summary>A digest property lower-cased; a value there that is not <paramref name="length"/> hex digits is a problem, an empty one is absent.</summary>
    private static string? DigestField(JsonObject m, string name, int length, List<string> problems)
    {
        var node = Get(m, name);
        var text = Text(node);
        var digest = BankReader.Digest(text, length);
        if (digest is null && node is not null && !(text is not null && string.IsNullOrWhiteSpace(text)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name}: {Shown(node)} is not {length} hex digits"));
        }

        return digest;
    }

    /// <summary>A scalar property as text; a list or object there is a problem (it is not <paramref name="expected"/>).</summary>
    private static string? ScalarField(JsonObject m, string name, string expected, List<string> problems)
    {
        var node = Get(m, name);
        if (node is JsonArray or JsonObject)
        {
            problems.Add($"{name}: {Shown(node)} is not {expected}");
        }

        return Text(node);
    }

    /// <summary>A value as written, for a message: its JSON (cut at 40 characters), and its kind when it is not a string.</summary>
    private static string Shown(JsonNode? node)
    {
        var json = node?.ToJsonString() ?? "null";
        if (json.Length > 40)
        {
            json = json[..40] + "…";
        }

        var kind = node?.GetValueKind() switch
        {
            JsonValueKind.String => null,
            JsonValueKind.Number => "a JSON number",
            JsonValueKind.Array => "a JSON array",
            JsonValueKind.Object => "a JSON object",
            JsonValueKind.True or JsonValueKind.False => "a JSON boolean",
            _ => null,
        };
        return kind is null ? json : $"{json} ({kind})";
    }

    /// <summary>A property by name, ignoring case (writers differ in the spelling of e.g. <c>Md5</c>).</summary>
    private static JsonNode? Get(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (k, v) in o)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>A scalar as text (numbers and booleans too: VICS writers put either in strings).</summary>
    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False =>
            v.ToJsonString(),
        _ => null,
    };

    /// <summary>Reads a VICS boolean written as JSON or as a string ("true", "False", "1").</summary>
    public static bool? ParseBool(JsonNode? node)
    {
        var t = Text(node)?.Trim();
        return t is null ? null
            : string.Equals(t, "true", StringComparison.OrdinalIgnoreCase) || t == "1" ? true
            : string.Equals(t, "false", StringComparison.OrdinalIgnoreCase) || t == "0" ? false
            : null;
    }
}
