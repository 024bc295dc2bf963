using System.Globalization;
using System.Text;
using System.Text.Json;
using Harrier.Media.Hashing;

namespace Harrier.Media.Vpdq;

/// <summary>
/// Every text form of a vPDQ hash, reader and writer in one place. Parsers are strict (hashes are 64 lowercase hex
/// digits) and say which line is wrong.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Reference lines</b> (<c>vpdq-hash-video</c>, the upstream sample hashes): one frame per line,
/// <c>frameNumber,quality,hex,timestamp</c>, the timestamp with 3 decimals, e.g. <c>0,100,e271…055c,0.000</c>.</item>
/// <item><b>pytx signal</b>: a JSON array of strings <c>"hex,quality,timestamp"</c> where the timestamp is Python's
/// <c>format(t, '.3')</c>, i.e. 3 significant digits (18.767 → <c>18.8</c>, 100.5 → <c>1e+02</c>). Timestamps read
/// back from it are therefore coarse; matching ignores them.</item>
/// </list>
/// </remarks>
public static class VpdqFormats
{
    /// <summary>The signal type name pytx uses for vPDQ.</summary>
    public const string SignalTypeName = "vpdq";

    /// <summary>One reference line: <c>frameNumber,quality,hex,timestamp</c> (timestamp to 3 decimals).</summary>
    public static string ToLine(VpdqFeature feature) =>
        string.Create(CultureInfo.InvariantCulture, $"{feature.FrameNumber},{feature.Quality},{feature.Hash},{feature.TimestampSeconds:F3}");

    /// <summary>Parses one reference line.</summary>
    /// <exception cref="FormatException">Not four comma-separated fields of the right kinds.</exception>
    public static VpdqFeature ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(',');
        if (parts.Length != 4)
        {
            throw new FormatException($"expected frameNumber,quality,hash,timestamp (4 fields), got {parts.Length}");
        }

        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var frame))
        {
            throw new FormatException($"frame number must be a non-negative integer, got \"{Truncate(parts[0])}\"");
        }

        return new VpdqFeature(frame, ParseQuality(parts[1]), ParseHash(parts[2]), ParseTimestamp(parts[3]));
    }

    /// <summary>Writes reference lines (LF line ends).</summary>
    public static void Write(TextWriter writer, IEnumerable<VpdqFeature> features)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(features);
        foreach (var f in features)
        {
            writer.Write(ToLine(f));
            writer.Write('\n');
        }
    }

    /// <summary>Writes a reference hash file.</summary>
    public static void WriteFile(string path, IEnumerable<VpdqFeature> features)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        Write(writer, features);
    }

    /// <summary>Reads reference lines; blank lines are skipped, CRLF accepted.</summary>
    /// <exception cref="FormatException">A malformed line; the message gives its number.</exception>
    public static IReadOnlyList<VpdqFeature> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var features = new List<VpdqFeature>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            line = line.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                features.Add(ParseLine(line));
            }
            catch (FormatException e)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"line {lineNumber}: {e.Message}"), e);
            }
        }

        return features;
    }

    /// <summary>Reads a reference hash file; errors name the file and line.</summary>
    public static IReadOnlyList<VpdqFeature> ReadFile(string path)
    {
        using var reader = new StreamReader(path);
        try
        {
            return Read(reader);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The largest vPDQ hash file read (64 MiB): a line is about 90 bytes, so this is some 700,000 frames, a day of video
    /// at 8 frames a second; the reference hashes 1 frame a second.
    /// </summary>
    public const int MaxFileBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Reads a hash file in either form: a pytx signal (the file's first non-blank character is <c>[</c>) or reference lines.
    /// </summary>
    /// <remarks>
    /// A bank's vPDQ list names these files by path, so the path may be anything: it is opened as evidence is (a FIFO,
    /// socket or character device such as <c>/dev/zero</c> is refused without blocking) and a file over
    /// <see cref="MaxFileBytes"/> is refused before it is read.
    /// </remarks>
    /// <exception cref="IOException">Not a regular file, or unreadable.</exception>
    /// <exception cref="FormatException">Over <see cref="MaxFileBytes"/>, or not a vPDQ hash file.</exception>
    public static IReadOnlyList<VpdqFeature> ReadAnyFile(string path)
    {
        string text;
        using (var stream = Digests.FileDigester.OpenEvidence(path))
        {
            if (stream.Length > MaxFileBytes)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: {stream.Length} bytes, more than a vPDQ hash file holds ({MaxFileBytes / (1024 * 1024)} MiB)"));
            }

            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            // UTF-8 never decodes to more characters than bytes: one more than the length tells a file that grew meanwhile.
            var buffer = new char[stream.Length + 1];
            var n = reader.ReadBlock(buffer, 0, buffer.Length);
            if (n > stream.Length)
            {
                throw new FormatException($"{path}: grew while it was read");
            }

            text = new string(buffer, 0, n);
        }

        try
        {
            return text.AsSpan().TrimStart().StartsWith("[", StringComparison.Ordinal)
                ? ParsePytxSignal(text)
                : Read(new StringReader(text));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The pytx signal string: <c>["hex,quality,ts", …]</c> with Python's 3-significant-digit timestamps.</summary>
    public static string ToPytxSignal(IEnumerable<VpdqFeature> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var sb = new StringBuilder("[");
        var first = true;
        foreach (var f in features)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            sb.Append('"').Append(f.Hash.ToString()).Append(',')
                .Append(f.Quality.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(PythonFormat3(f.TimestampSeconds)).Append('"');
        }

        return sb.Append(']').ToString();
    }

    /// <summary>
    /// Parses a pytx signal string. Frame numbers are not in the signal: features are numbered by position (0, 1, …).
    /// </summary>
    public static IReadOnlyList<VpdqFeature> ParsePytxSignal(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("a pytx vPDQ signal is a JSON array of \"hash,quality,timestamp\" strings", e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("a pytx vPDQ signal is a JSON array of \"hash,quality,timestamp\" strings");
            }

            var features = new List<VpdqFeature>();
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var index = features.Count;
                var parts = item.ValueKind == JsonValueKind.String ? item.GetString()!.Split(',') : [];
                if (parts.Length != 3)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"element {index}: expected \"hash,quality,timestamp\""));
                }

                try
                {
                    features.Add(new VpdqFeature(index, ParseQuality(parts[1]), ParseHash(parts[0]), ParseTimestamp(parts[2])));
                }
                catch (FormatException e)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"element {index}: {e.Message}"), e);
                }
            }

            return features;
        }
    }

    /// <summary>
    /// Python's <c>format(x, '.3')</c>: 3 significant digits; scientific when the decimal exponent is below −4 or at
    /// least 2, with trailing zeros dropped; fixed notation otherwise, keeping at least one digit after the point.
    /// </summary>
    public static string PythonFormat3(double value)
    {
        const int precision = 3;
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "E2" rounds the exact binary value to 3 significant digits, so its exponent is the one Python decides on.
        var sci = value.ToString("E" + (precision - 1).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var ePos = sci.IndexOf('E', StringComparison.Ordinal);
        var exponent = int.Parse(sci.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision - 1)
        {
            var mantissa = sci[..ePos];
            if (mantissa.Contains('.', StringComparison.Ordinal))
            {
                mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            }

            var sign = exponent < 0 ? '-' : '+';
            return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{sign}{Math.Abs(exponent):00}");
        }

        var decimals = precision - 1 - exponent;
        var text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0');
            if (text.EndsWith('.'))
            {
                text += "0";
            }
        }
        else
        {
            text += ".0";
        }

        return text;
    }

    private static Hash256 ParseHash(string s) =>
        Hash256.TryParse(s, out var h) ? h : throw new FormatException($"not a PDQ hash (64 lowercase hex digits): \"{Truncate(s)}\"");

    private static int ParseQuality(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q <= 100
            ? q
            : throw new FormatException($"quality must be an integer 0..100, got \"{Truncate(s)}\"");

    private static double ParseTimestamp(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t >= 0 && double.IsFinite(t)
            ? t
            : throw new FormatException($"timestamp must be a non-negative number of seconds, got \"{Truncate(s)}\"");

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
