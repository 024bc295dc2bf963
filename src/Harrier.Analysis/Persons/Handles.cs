using System.Globalization;
using System.Text;

namespace Harrier.Analysis.Persons;

/// <summary>String keys and metrics for handles and identities: what two spellings of one person have in common.</summary>
internal static class Handles
{
    /// <summary>
    /// A handle's stem: lower case, a trailing number dropped, then one short trailing part after a separator
    /// (<c>_x</c>, <c>-42</c>, <c>.uk</c>), then separators and digits at the end again: <c>DarkFox</c>, <c>darkfox2</c>,
    /// <c>darkfox_x</c> and <c>darkfox_42</c> all give <c>darkfox</c>. Null when under three letters remain (too common to mean anything).
    /// </summary>
    public static string? Stem(string? username)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return null;
        }

        var s = username.Trim().ToLowerInvariant();
        s = TrimTail(s);
        var sep = s.LastIndexOfAny(['_', '-', '.']);
        if (sep > 0 && s.Length - sep - 1 is >= 1 and <= 3)
        {
            s = TrimTail(s[..sep]);
        }

        return s.Length >= 3 ? s : null;
    }

    private static string TrimTail(string s)
    {
        var end = s.Length;
        while (end > 0 && (char.IsAsciiDigit(s[end - 1]) || s[end - 1] is '_' or '-' or '.'))
        {
            end--;
        }

        return s[..end];
    }

    /// <summary>Levenshtein distance, stopping early once it exceeds <paramref name="max"/> (returns max + 1 then).</summary>
    public static int EditDistance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous, current) = (current, previous);
        }

        return Math.Min(previous[b.Length], max + 1);
    }

    /// <summary>Every string made by deleting one character (and the string itself): two strings one edit apart share one of these keys.</summary>
    public static IEnumerable<string> DeletionKeys(string s)
    {
        yield return s;
        for (var i = 0; i < s.Length; i++)
        {
            yield return string.Concat(s.AsSpan(0, i), s.AsSpan(i + 1));
        }
    }

    /// <summary>Letters and digits only, lower case, accents removed: the form in which names and addresses are compared.</summary>
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    /// <summary>The person an identity names: folded given name + surname + date of birth (null without a name or a birth date).</summary>
    public static string? PersonKey(IdentityRecord id)
    {
        var name = NameOf(id);
        var dob = Fold(id.DateOfBirth);
        return name.Length == 0 || dob.Length == 0 ? null : name + "|" + dob;
    }

    /// <summary>The household an identity names: folded street + postcode + country (null without street and postcode).</summary>
    public static string? HouseholdKey(IdentityRecord id)
    {
        var street = Fold(id.Street);
        var postcode = Fold(id.Postcode);
        return street.Length == 0 || postcode.Length == 0 ? null : street + "|" + postcode + "|" + Fold(id.Country);
    }

    /// <summary>The folded name: given name and surname when both are given, else the full name.</summary>
    public static string NameOf(IdentityRecord id)
    {
        var given = Fold(id.GivenName);
        var surname = Fold(id.Surname);
        return given.Length > 0 && surname.Length > 0 ? given + " " + surname : Fold(id.FullName);
    }

    /// <summary>How an identity reads for an analyst: name, birth date, town, country.</summary>
    public static string Describe(IdentityRecord id)
    {
        var name = !string.IsNullOrWhiteSpace(id.FullName) ? id.FullName : $"{id.GivenName} {id.Surname}".Trim();
        var parts = new[] { name, id.DateOfBirth is null ? null : "born " + id.DateOfBirth, id.Town, id.Country }.Where(p => !string.IsNullOrWhiteSpace(p));
        return string.Join(", ", parts);
    }
}
