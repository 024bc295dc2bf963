using System.Globalization;

namespace Harrier.Cases;

/// <summary>
/// Case timestamps are stored as text in one fixed UTC form, so the audit hash of an entry is the same on
/// SQLite and PostgreSQL and never depends on a driver's date handling.
/// </summary>
public static class Timestamps
{
    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>UTC, 100 ns precision, e.g. <c>2026-11-29T08:30:00.0000000Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Parses what <see cref="Format"/> wrote.</summary>
    public static DateTimeOffset Parse(string text) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal), DateTimeKind.Utc));
}
