using System.Globalization;
using Harrier.Cases;

namespace Harrier.Operations.Platform;

/// <summary>
/// Reads one source value as a field kind. Every parser returns false with a reason instead of throwing, so a bad
/// row is reported and the import goes on.
/// </summary>
public static class PlatformValues
{
    /// <summary>Whether <paramref name="format"/> is a usable time format: <c>auto</c>, <c>unix</c>, <c>unix_ms</c> or a .NET custom format.</summary>
    public static bool IsTimeFormat(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format is "auto" or "unix" or "unix_ms")
        {
            return true;
        }

        try
        {
            return format.Length > 1 && DateTime.UnixEpoch.ToString(format, CultureInfo.InvariantCulture).Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// A time as case text (UTC). <c>auto</c> (the default): a date-time column as it is; a whole number as Unix seconds;
    /// text in ISO 8601 or <c>yyyy-MM-dd HH:mm:ss</c>, UTC unless it carries an offset. <c>unix</c>/<c>unix_ms</c>: seconds
    /// or milliseconds since 1970. Anything else: a .NET custom format for text (UTC unless it has an offset).
    /// </summary>
    public static bool TryTime(object value, string? format, out string utc, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        utc = problem = string.Empty;
        format ??= "auto";
        DateTimeOffset t;
        switch (value)
        {
            case DateTime dt when format == "auto":
                t = new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind));
                break;
            case DateTimeOffset dto when format == "auto":
                t = dto;
                break;
            default:
                var text = Text(value);
                if (format is "unix" or "unix_ms" || (format == "auto" && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
                {
                    if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                    {
                        problem = $"'{Clip(text)}' is not a Unix time";
                        return false;
                    }

                    try
                    {
                        t = format == "unix_ms" ? DateTimeOffset.FromUnixTimeMilliseconds(n) : DateTimeOffset.FromUnixTimeSeconds(n);
                    }
                    catch (ArgumentOutOfRangeException)
                    {
                        problem = $"'{Clip(text)}' is out of range as a Unix time";
                        return false;
                    }
                }
                else
                {
                    const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;
                    var ok = format == "auto"
                        ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out t)
                        : DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, styles, out t);
                    if (!ok)
                    {
                        problem = $"'{Clip(text)}' is not a time{(format == "auto" ? string.Empty : $" in the format {format}")}";
                        return false;
                    }
                }

                break;
        }

        utc = Timestamps.Format(t);
        return true;
    }

    /// <summary>A decimal amount in invariant form (a number column as it is; text with a point as decimal separator).</summary>
    public static bool TryAmount(object value, out string amount, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        amount = problem = string.Empty;
        decimal d;
        switch (value)
        {
            case long or int or short or byte or decimal:
                d = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                break;
            case double or float:
                var dbl = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (!double.IsFinite(dbl) || Math.Abs(dbl) > 7.9e28)
                {
                    problem = $"'{Text(value)}' is not an amount";
                    return false;
                }

                d = (decimal)dbl;
                break;
            default:
                var text = Text(value).Trim();
                if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                        CultureInfo.InvariantCulture, out d))
                {
                    problem = $"'{Clip(text)}' is not an amount";
                    return false;
                }

                break;
        }

        amount = d.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>A whole number.</summary>
    public static bool TryInteger(object value, out long n, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        problem = string.Empty;
        if (value is long or int or short or byte)
        {
            n = Convert.ToInt64(value, CultureInfo.InvariantCulture);
            return true;
        }

        if (long.TryParse(Text(value).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n))
        {
            return true;
        }

        problem = $"'{Clip(Text(value))}' is not a whole number";
        return false;
    }

    /// <summary>True or false: a boolean column, 1/0, true/false, t/f, yes/no, y/n (any case).</summary>
    public static bool TryBoolean(object value, out bool b, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        problem = string.Empty;
        if (value is bool v)
        {
            b = v;
            return true;
        }

        switch (Text(value).Trim().ToUpperInvariant())
        {
            case "1" or "TRUE" or "T" or "YES" or "Y":
                b = true;
                return true;
            case "0" or "FALSE" or "F" or "NO" or "N":
                b = false;
                return true;
            default:
                b = false;
                problem = $"'{Clip(Text(value))}' is not true or false";
                return false;
        }
    }

    /// <summary>A digest of <paramref name="bytes"/> bytes as lower-case hex (from hex text in any case, or raw bytes).</summary>
    public static bool TryDigest(object value, int bytes, out string hex, out string problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        problem = string.Empty;
        if (value is byte[] raw)
        {
            hex = raw.Length == bytes ? Convert.ToHexStringLower(raw) : string.Empty;
            problem = raw.Length == bytes ? string.Empty : $"{raw.Length} bytes, not a {bytes}-byte digest";
            return raw.Length == bytes;
        }

        hex = Text(value).Trim().ToLowerInvariant();
        if (hex.Length == bytes * 2 && hex.All(char.IsAsciiHexDigit))
        {
            return true;
        }

        problem = $"'{Clip(hex)}' is not {bytes * 2} hex digits";
        hex = string.Empty;
        return false;
    }

    /// <summary>A value as text: numbers and times in invariant form.</summary>
    public static string Text(object value) => value switch
    {
        string s => s,
        byte[] b => Convert.ToHexStringLower(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
