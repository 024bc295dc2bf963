namespace Harrier.Analysis.Persons;

/// <summary>
/// E-mail comparison rules. Every provider in <see cref="BuiltIn"/> or the case's own list says whether it ignores
/// dots in the local part (Gmail does) and whether it delivers <c>name+tag</c> to <c>name</c> (most large providers
/// do). Case is ignored everywhere (RFC 5321 allows case-sensitive local parts; no large provider uses that).
/// </summary>
public sealed class EmailRules
{
    /// <summary>Large real providers whose rules are documented by the providers themselves.</summary>
    public static IReadOnlyList<EmailProviderRule> BuiltIn { get; } =
    [
        new("gmail.com", IgnoresDots: true, PlusTags: true),
        new("googlemail.com", IgnoresDots: true, PlusTags: true),
        new("outlook.com", IgnoresDots: false, PlusTags: true),
        new("hotmail.com", IgnoresDots: false, PlusTags: true),
        new("live.com", IgnoresDots: false, PlusTags: true),
        new("icloud.com", IgnoresDots: false, PlusTags: true),
        new("proton.me", IgnoresDots: false, PlusTags: true),
        new("protonmail.com", IgnoresDots: false, PlusTags: true),
        new("fastmail.com", IgnoresDots: false, PlusTags: true),
    ];

    private readonly Dictionary<string, EmailProviderRule> _rules = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The built-in rules, overridden by <paramref name="extra"/> where a domain is named twice.</summary>
    public EmailRules(IEnumerable<EmailProviderRule>? extra = null)
    {
        foreach (var rule in BuiltIn.Concat(extra ?? []))
        {
            _rules[rule.Domain] = rule;
        }
    }

    /// <summary>
    /// The mailbox an address reaches: lower case; for a known provider its rules; for an unknown one only the plus
    /// tag is dropped (nearly every provider delivers it to the same mailbox). Null for something that is not an address.
    /// </summary>
    public string? Normalise(string? email)
    {
        if (!Split(email, out var local, out var domain))
        {
            return null;
        }

        var rule = _rules.GetValueOrDefault(domain);
        if (rule is null || rule.PlusTags)
        {
            local = StripTag(local);
        }

        if (rule is { IgnoresDots: true })
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
        }

        return local.Length == 0 ? null : local + "@" + domain;
    }

    /// <summary>
    /// A looser key: the normalised address with every dot of the local part removed, whatever the provider. Two
    /// addresses equal only under this key may be one mailbox (a provider that ignores dots but is not listed) or
    /// two people; the comparison weighs it lower.
    /// </summary>
    public string? DotlessKey(string? email)
    {
        var normal = Normalise(email);
        if (normal is null)
        {
            return null;
        }

        var at = normal.LastIndexOf('@');
        return normal[..at].Replace(".", "", StringComparison.Ordinal) + normal[at..];
    }

    /// <summary>The local part without its plus tag and dots, lower case: what a person's handle in an address usually is.</summary>
    public static string? LocalStem(string? email) =>
        Split(email, out var local, out _) ? StripTag(local).Replace(".", "", StringComparison.Ordinal) : null;

    private static string StripTag(string local)
    {
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? local[..plus] : local;
    }

    private static bool Split(string? email, out string local, out string domain)
    {
        local = domain = "";
        if (string.IsNullOrWhiteSpace(email))
        {
            return false;
        }

        var trimmed = email.Trim().ToLowerInvariant();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1)
        {
            return false;
        }

        local = trimmed[..at];
        domain = trimmed[(at + 1)..];
        return true;
    }
}
