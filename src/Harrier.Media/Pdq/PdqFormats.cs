using System.Globalization;
using System.Text.Json;
using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>
/// Every text form of a PDQ hash that Harrier reads or writes, in one place. All parsers are strict: the hash is
/// exactly 64 lowercase hex digits (as pytx and HMA require); anything else is a <see cref="FormatException"/> that
/// says what is wrong (and on which line, for lists).
/// </summary>
/// <remarks>
/// Forms:
/// <list type="bullet">
/// <item><b>hex</b>: <c>f8f8f0ce…9b22</c> (<see cref="Hash256.ToString"/>).</item>
/// <item><b>pytx signal</b>: <c>pdq &lt;hex&gt;</c>, the python-threatexchange CLI's <c>&lt;SignalType&gt; &lt;hash&gt;</c> output line.</item>
/// <item><b>HMA</b>: the JSON object <c>{"pdq":"&lt;hex&gt;"}</c> that HMA's <c>/h/hash</c> returns.</item>
/// <item><b>Harrier line</b>: <c>hash&lt;TAB&gt;quality&lt;TAB&gt;path</c>, what <c>harrier hash pdq</c> prints.</item>
/// <item><b>Reference CLI line</b>: <c>hash,quality,path</c>, what the C++ <c>pdq-photo-hasher</c> prints.</item>
/// <item><b>Hash list</b>: one hash per line, optionally followed by a tab and anything; blank lines and <c>#</c> comments skipped.</item>
/// </list>
/// </remarks>
public static class PdqFormats
{
    /// <summary>The signal type name pytx and HMA use for PDQ.</summary>
    public const string SignalTypeName = "pdq";

    /// <summary>Upstream's recommended match distance (pytx <c>PDQ_CONFIDENT_MATCH_THRESHOLD</c>).</summary>
    public const int ConfidentMatchDistance = 31;

    /// <summary>Hashes below this quality are too unreliable to match on (pytx <c>PdqSignal.QUALITY_THRESHOLD</c>).</summary>
    public const int QualityThreshold = 50;

    /// <summary>64 lowercase hex digits.</summary>
    public static string ToHex(Hash256 hash) => hash.ToString();

    /// <summary>Strict hex parse.</summary>
    public static Hash256 ParseHex(string hex) => Hash256.Parse(hex);

    /// <summary>The pytx signal line <c>pdq &lt;hex&gt;</c>.</summary>
    public static string ToPytxSignal(Hash256 hash) => $"{SignalTypeName} {hash}";

    /// <summary>Parses <c>pdq &lt;hex&gt;</c> (one space; no other signal type).</summary>
    public static Hash256 ParsePytxSignal(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var prefix = SignalTypeName + " ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"a pytx PDQ signal starts with \"{prefix}\"");
        }

        return Hash256.Parse(line.AsSpan(prefix.Length));
    }

    /// <summary>HMA's hash response object: <c>{"pdq":"&lt;hex&gt;"}</c>.</summary>
    public static string ToHmaJson(Hash256 hash) => $"{{\"{SignalTypeName}\":\"{hash}\"}}";

    /// <summary>Reads the <c>pdq</c> member of an HMA hash response.</summary>
    /// <exception cref="FormatException">Not JSON, not such an object, or not a strict hash.</exception>
    public static Hash256 ParseHmaJson(string json)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // The documented bad-input error of every parser here, never the JSON reader's own (found by fuzzing).
            throw new FormatException($"an HMA hash response is JSON: {e.Message}", e);
        }

        using var doc = parsed;
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty(SignalTypeName, out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"an HMA hash response is an object with a string \"{SignalTypeName}\" member");
        }

        return Hash256.Parse(value.GetString());
    }

    /// <summary>The <c>harrier hash pdq</c> line: <c>hash&lt;TAB&gt;quality&lt;TAB&gt;path</c>.</summary>
    public static string ToLine(PdqResult result, string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Hash}\t{result.Quality}\t{path}");

    /// <summary>The <c>harrier hash pdq --dihedral</c> line: the 8 hashes comma-separated in reference order, then quality and path.</summary>
    public static string ToDihedralLine(PdqDihedralResult result, string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{string.Join(',', result.ToArray())}\t{result.Quality}\t{path}");

    /// <summary>Parses a <see cref="ToLine"/> line (the path may contain tabs: it is everything after the second tab).</summary>
    public static (PdqResult Result, string Path) ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split('\t', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("expected hash<TAB>quality<TAB>path");
        }

        return (new PdqResult(Hash256.Parse(parts[0]), ParseQuality(parts[1])), parts[2]);
    }

    /// <summary>Parses a <see cref="ToDihedralLine"/> line.</summary>
    public static (PdqDihedralResult Result, string Path) ParseDihedralLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split('\t', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("expected h0,h1,…,h7<TAB>quality<TAB>path");
        }

        var hashes = parts[0].Split(',');
        if (hashes.Length != PdqDihedralResult.Count)
        {
            throw new FormatException($"expected {PdqDihedralResult.Count} comma-separated hashes, got {hashes.Length}");
        }

        var h = hashes.Select(x => Hash256.Parse(x)).ToArray();
        return (PdqDihedralResult.FromSpan(h, ParseQuality(parts[1])), parts[2]);
    }

    /// <summary>The C++ <c>pdq-photo-hasher</c> line: <c>hash,quality,path</c>.</summary>
    public static string ToReferenceCliLine(PdqResult result, string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{result.Hash},{result.Quality},{path}");

    /// <summary>Parses a <c>pdq-photo-hasher</c> line (the path may contain commas).</summary>
    public static (PdqResult Result, string Path) ParseReferenceCliLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(',', 3);
        if (parts.Length != 3)
        {
            throw new FormatException("expected hash,quality,path");
        }

        return (new PdqResult(Hash256.Parse(parts[0]), ParseQuality(parts[1])), parts[2]);
    }

    /// <summary>
    /// Reads a hash list: each non-blank line that is not a <c>#</c> comment is a hash, optionally followed by a tab
    /// and anything (kept in <see cref="PdqHashListEntry.Rest"/>). Trailing CR is ignored.
    /// </summary>
    /// <exception cref="FormatException">A line does not start with a strict hash; the message gives the line number.</exception>
    public static IEnumerable<PdqHashListEntry> ReadHashList(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            var hex = tab < 0 ? line : line[..tab];
            if (!Hash256.TryParse(hex, out var hash))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"line {lineNumber}: not a PDQ hash (64 lowercase hex digits): \"{Truncate(hex)}\""));
            }

            yield return new PdqHashListEntry(lineNumber, hash, tab < 0 ? string.Empty : line[(tab + 1)..]);
        }
    }

    /// <summary>Reads a hash-list file (see <see cref="ReadHashList(TextReader)"/>).</summary>
    public static IReadOnlyList<PdqHashListEntry> ReadHashListFile(string path)
    {
        using var reader = new StreamReader(path);
        return ReadHashList(reader).ToList();
    }

    /// <summary>Writes one hash per line, each followed by a tab and its annotation when there is one.</summary>
    public static void WriteHashList(TextWriter writer, IEnumerable<PdqHashListEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var e in entries)
        {
            writer.Write(e.Hash.ToString());
            if (e.Rest.Length > 0)
            {
                writer.Write('\t');
                writer.Write(e.Rest);
            }

            writer.Write('\n');
        }
    }

    private static int ParseQuality(string s)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var q) || q > 100)
        {
            throw new FormatException($"quality must be an integer 0..100, got \"{Truncate(s)}\"");
        }

        return q;
    }

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
