using System.Globalization;
using System.Text;
using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Banks;

/// <summary>
/// Reads every supported hash-set format into <see cref="BankEntry"/> records, recognising the format from the
/// content (never the file name) when asked to. Readers are tolerant where real files are sloppy (hash case, quoted
/// CSV fields, booleans as strings) and strict where a mistake would change a match (a digest of the wrong length is
/// a warning, never a truncated key).
/// </summary>
public static class BankReader
{
    /// <summary>The exact ICSE export header.</summary>
    public const string IcseHeader = "MD5;SHA1;PhotoDNA;Image ID;Is distributed;Victim identified;Offender identified;Series name;Number of submissions;File Available;Media Type;Baseline";

    /// <summary>Recognises the format of <paramref name="path"/> from its first bytes and lines.</summary>
    public static BankFormat Detect(string path)
    {
        string head;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            var buffer = new char[64 * 1024];
            var n = reader.ReadBlock(buffer, 0, buffer.Length);
            head = new string(buffer, 0, n);
        }

        var trimmed = head.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            if (head.Contains("odata.metadata", StringComparison.Ordinal) || head.Contains("@odata.context", StringComparison.Ordinal))
            {
                return BankFormat.Vics;
            }

            throw new BankFormatException("a JSON file that is not VICS (no odata.metadata or @odata.context)");
        }

        var lines = head.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith('#')).Take(20).ToList();
        if (lines.Count == 0)
        {
            throw new BankFormatException("the file is empty");
        }

        var first = lines[0];
        if (string.Equals(first.Trim(), IcseHeader, StringComparison.OrdinalIgnoreCase))
        {
            return BankFormat.Icse;
        }

        if (first.Contains("\"SHA-1\"", StringComparison.OrdinalIgnoreCase) && first.Contains("\"FileName\"", StringComparison.OrdinalIgnoreCase))
        {
            return BankFormat.Nsrl;
        }

        var data = lines.Where(l => !LooksLikeHeader(l)).ToList();
        if (data.Count == 0)
        {
            return BankFormat.Csv;
        }

        var firstFields = data[0].Split('\t', ',', ';', ' ');
        if (data.All(l => l.Split('\t').Length >= 2 && IsHex(l.Split('\t')[0], 32) && l.Split('\t')[1].Trim().Length > 0 && !IsHex(l.Split('\t')[1].Trim(), 40)))
        {
            return BankFormat.Vpdq;
        }

        if (IsHex(firstFields[0].Trim().Trim('"'), 64) && data.All(l => IsHex(l.Split('\t', ',', ' ')[0].Trim().Trim('"'), 64)) && !LooksLikeHeaderWithSha256(lines[0]))
        {
            return BankFormat.Pdq;
        }

        return BankFormat.Csv;
    }

    /// <summary>Reads <paramref name="path"/> as <paramref name="format"/> (detected when <see cref="BankFormat.Auto"/>).</summary>
    public static BankFile Read(string path, BankFormat format = BankFormat.Auto)
    {
        if (format == BankFormat.Auto)
        {
            format = Detect(path);
        }

        return format switch
        {
            BankFormat.Vics => VicsFormat.Read(path),
            BankFormat.Icse => ReadIcse(path),
            BankFormat.Csv => ReadCsv(path),
            BankFormat.Nsrl => ReadNsrl(path),
            BankFormat.Pdq => ReadPdq(path),
            BankFormat.Vpdq => ReadVpdq(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    private static BankFile ReadIcse(string path)
    {
        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        var degraded = new List<string>();
        var first = true;
        foreach (var (lineNo, f, raw) in BankCsv.Read(path, ';', comments: false))
        {
            if (first)
            {
                first = false;
                continue; // the fixed ICSE header
            }

            if (f.Length < 12)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: {f.Length} fields, expected 12"));
                continue;
            }

            var dropped = new List<string>();
            var md5 = Digest(f[0], 32, "MD5", dropped);
            var sha1 = Digest(f[1], 40, "SHA1", dropped);
            if (md5 is null && sha1 is null)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: no valid MD5 or SHA-1"));
                continue;
            }

            Kept(degraded, lineNo, dropped);
            entries.Add(new BankEntry
            {
                Md5 = md5,
                Sha1 = sha1,
                PhotoDna = Empty(f[2]),
                ExternalId = Empty(f[3]),
                Series = Empty(f[7]),
                Raw = raw,
            });
        }

        return new BankFile(BankFormat.Icse, "ICSE export", null, entries, warnings) { Degraded = degraded };
    }

    private static BankFile ReadNsrl(string path)
    {
        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        var degraded = new List<string>();
        string[]? header = null;
        foreach (var (lineNo, f, line) in BankCsv.Read(path, ',', comments: false))
        {
            if (header is null)
            {
                header = f;
                continue;
            }

            var dropped = new List<string>();
            var sha1 = Digest(Field(header, f, "SHA-1"), 40, "SHA-1", dropped);
            var md5 = Digest(Field(header, f, "MD5"), 32, "MD5", dropped);
            if (md5 is null && sha1 is null)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: no valid MD5 or SHA-1"));
                continue;
            }

            Kept(degraded, lineNo, dropped);
            entries.Add(new BankEntry { Md5 = md5, Sha1 = sha1, KnownGood = true, ExternalId = Empty(Field(header, f, "FileName")), Raw = line });
        }

        return new BankFile(BankFormat.Nsrl, "NSRL RDS", null, entries, warnings) { Degraded = degraded };
    }

    private static BankFile ReadCsv(string path)
    {
        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        var degraded = new List<string>();
        string[]? header = null;
        string[] written = [];
        foreach (var (lineNo, f, line) in BankCsv.Read(path, CsvSeparator(path), comments: true))
        {
            if (header is null && LooksLikeHeader(line))
            {
                header = f.Select(h => h.Trim().ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal)).ToArray();
                written = f.Select(h => h.Trim()).ToArray();
                continue;
            }

            string? md5 = null, sha1 = null, sha256 = null, category = null;
            var dropped = new List<string>();
            if (header is not null)
            {
                md5 = Digest(Field(header, f, "md5"), 32, Column(header, written, "md5"), dropped);
                sha1 = Digest(Field(header, f, "sha1"), 40, Column(header, written, "sha1"), dropped);
                sha256 = Digest(Field(header, f, "sha256"), 64, Column(header, written, "sha256"), dropped);
                category = Empty(Field(header, f, "category"));
            }
            else
            {
                // Headerless: every field that is a digest by its length.
                foreach (var v in f)
                {
                    md5 ??= Digest(v, 32);
                    sha1 ??= Digest(v, 40);
                    sha256 ??= Digest(v, 64);
                }
            }

            if (md5 is null && sha1 is null && sha256 is null)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: no valid MD5, SHA-1 or SHA-256"));
                continue;
            }

            Kept(degraded, lineNo, dropped);
            entries.Add(new BankEntry
            {
                Md5 = md5,
                Sha1 = sha1,
                Sha256 = sha256,
                Category = category is null ? null : new BankCategory("CSV", category),
                Raw = line,
            });
        }

        return new BankFile(BankFormat.Csv, "CSV", null, entries, warnings) { Degraded = degraded };
    }

    private static BankFile ReadPdq(string path)
    {
        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        // "hash,quality[,name]" (the reference CLI's form) or "hash<TAB>name" (a hash list with ids), decided by the first line.
        var comma = PdqSeparator(path) == ',';
        foreach (var (lineNo, fields, line) in BankCsv.Read(path, comma ? ',' : '\t', comments: true))
        {
            var f = fields.Select(x => x.Trim()).ToArray();
            if (!Hash256.TryParse(f[0].Trim().Trim('"').ToLowerInvariant(), out var hash))
            {
                if (lineNo > 1)
                {
                    warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: not a PDQ hash"));
                }

                continue;
            }

            int? quality = null;
            string? id = null;
            if (comma && f.Length > 1 && int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) && q is >= 0 and <= 100)
            {
                quality = q;
                id = f.Length > 2 ? f[2] : null;
            }
            else if (f.Length > 1)
            {
                id = f[1].Trim();
            }

            entries.Add(new BankEntry { Pdq = hash, PdqQuality = quality, ExternalId = id, Raw = line });
        }

        return new BankFile(BankFormat.Pdq, "PDQ list", null, entries, warnings);
    }

    private static BankFile ReadVpdq(string path)
    {
        var entries = new List<BankEntry>();
        var warnings = new List<string>();
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var (lineNo, fields, line) in BankCsv.Read(path, '\t', comments: true))
        {
            var f = fields.Select(x => x.Trim()).ToArray();
            if (f.Length < 2 || f[1].Length == 0)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: expected an id and a path"));
                continue;
            }

            if (f[1].Contains('\0', StringComparison.Ordinal))
            {
                // Not a path any file system allows (Path.GetFullPath would throw ArgumentException; found by fuzzing).
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: the vPDQ file's path holds a NUL character"));
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(dir, f[1]));
            IReadOnlyList<VpdqFeature> features;
            try
            {
                features = VpdqFormats.ReadAnyFile(target);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: cannot read the vPDQ file: {e.Message}"));
                continue;
            }

            entries.Add(new BankEntry { Md5 = Digest(f[0], 32), ExternalId = f[0], Vpdq = features, Raw = line });
        }

        return new BankFile(BankFormat.Vpdq, "vPDQ list", null, entries, warnings);
    }

    /// <summary>The value lower-cased when it is hex of exactly <paramref name="length"/> digits, else null.</summary>
    internal static string? Digest(string? value, int length)
    {
        var v = value?.Trim().Trim('"');
        return v is not null && IsHex(v, length) ? v.ToLowerInvariant() : null;
    }

    /// <summary>
    /// <see cref="Digest(string?, int)"/>, noting in <paramref name="dropped"/> a value that is there but not a digest
    /// (as "FIELD: "VALUE" is not N hex digits"); an empty field is absent, not dropped.
    /// </summary>
    private static string? Digest(string? value, int length, string field, List<string> dropped)
    {
        var digest = Digest(value, length);
        if (digest is null && !string.IsNullOrWhiteSpace(value))
        {
            var shown = value.Trim();
            shown = shown.Length > 40 ? shown[..40] + "…" : shown;
            dropped.Add(string.Create(CultureInfo.InvariantCulture, $"{field}: \"{shown}\" is not {length} hex digits"));
        }

        return digest;
    }

    /// <summary>Adds a kept record's dropped fields to <paramref name="degraded"/>, each as "line N: kept without FIELD: …".</summary>
    private static void Kept(List<string> degraded, int lineNo, List<string> dropped) =>
        degraded.AddRange(dropped.Select(d => string.Create(CultureInfo.InvariantCulture, $"line {lineNo}: kept without {d}")));

    /// <summary>The column named <paramref name="name"/> (normalised) as the file's header writes it.</summary>
    private static string Column(string[] header, string[] written, string name)
    {
        var i = Array.FindIndex(header, h => string.Equals(h.Trim().Trim('"'), name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i < written.Length ? written[i].Trim('"') : name;
    }

    /// <summary>The plain CSV's separator: ';' if its first data line has one, else a tab if it has one, else ','.</summary>
    private static char CsvSeparator(string path)
    {
        var line = FirstDataLine(path);
        return line.Contains(';', StringComparison.Ordinal) ? ';' : line.Contains('\t', StringComparison.Ordinal) ? '\t' : ',';
    }

    /// <summary>
    /// A PDQ list's separator: ',' when its first data line has a comma before any tab (the one after the hash), else a
    /// tab. A quoted name may hold the other separator, so only the first one counts.
    /// </summary>
    private static char PdqSeparator(string path)
    {
        var line = FirstDataLine(path).Trim();
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        return comma >= 0 && (tab < 0 || comma < tab) ? ',' : '\t';
    }

    private static string FirstDataLine(string path) =>
        File.ReadLines(path).FirstOrDefault(l => l.AsSpan().Trim().Length > 0 && l.AsSpan().Trim()[0] != '#') ?? string.Empty;

    private static bool IsHex(string s, int length) => s.Length == length && s.All(char.IsAsciiHexDigit);

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool LooksLikeHeader(string line)
    {
        var l = line.ToLowerInvariant();
        return l.Contains("md5", StringComparison.Ordinal) || l.Contains("sha1", StringComparison.Ordinal) || l.Contains("sha-1", StringComparison.Ordinal)
            || l.Contains("sha256", StringComparison.Ordinal) || l.Contains("sha-256", StringComparison.Ordinal) || l.Contains("hash", StringComparison.Ordinal);
    }

    private static bool LooksLikeHeaderWithSha256(string line) =>
        line.Contains("sha256", StringComparison.OrdinalIgnoreCase) || line.Contains("sha-256", StringComparison.OrdinalIgnoreCase);

    private static string? Field(string[] header, string[] fields, string name)
    {
        var i = Array.FindIndex(header, h => string.Equals(h.Trim().Trim('"'), name, StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i < fields.Length ? fields[i] : null;
    }
}
