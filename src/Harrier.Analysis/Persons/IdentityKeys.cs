namespace Harrier.Analysis.Persons;

/// <summary>
/// The forms in which this engine compares a handle and a person's name with birth date, for callers outside it that
/// must compare the same way (the deconfliction register matches other agencies' claims to persons with these).
/// </summary>
public static class IdentityKeys
{
    /// <summary>A handle as the engine compares it for equality (prior records, claims): trimmed, lower case; null when empty.</summary>
    public static string? Handle(string? username) =>
        string.IsNullOrWhiteSpace(username) ? null : username.Trim().ToLowerInvariant();

    /// <summary>
    /// A name and a birth date as one key: both folded as the engine folds names (letters and digits only, lower case,
    /// spaces and punctuation removed; accents only where the runtime decomposes them, which invariant globalization does
    /// not), joined by <c>|</c>. <c>Testa Quillfeather</c>, <c>1984-03-07</c> gives <c>testaquillfeather|19840307</c>. Null
    /// without a name or a birth date. A birth date is compared as its digits: the same date written in another order does not match.
    /// </summary>
    public static string? NameAndBirthDate(string? name, string? dateOfBirth)
    {
        var n = Handles.Fold(name);
        var d = Handles.Fold(dateOfBirth);
        return n.Length == 0 || d.Length == 0 ? null : n + "|" + d;
    }

    /// <summary>The key of <see cref="NameAndBirthDate(string?, string?)"/> for an identity a return states (given name and surname when both are given, else the full name).</summary>
    public static string? NameAndBirthDate(IdentityRecord identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return NameAndBirthDate(Handles.NameOf(identity), identity.DateOfBirth);
    }

    /// <summary>A document number as compared: letters and digits only, lower case (<c>P-1234 567</c> = <c>p1234567</c>); null when none remain.</summary>
    public static string? DocumentNumber(string? number) => Handles.Fold(number) is { Length: > 0 } folded ? folded : null;
}
