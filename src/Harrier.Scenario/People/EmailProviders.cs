namespace Harrier.Scenario.People;

/// <summary>How a mail provider treats the local part of an address: which spellings reach one mailbox.</summary>
/// <param name="Domain">The provider's domain (all under <c>.invalid</c>).</param>
/// <param name="IgnoresDots">Dots in the local part are ignored (the Gmail rule).</param>
/// <param name="PlusTags">Everything from a <c>+</c> in the local part is a tag and ignored.</param>
public sealed record EmailProvider(string Domain, bool IgnoresDots, bool PlusTags);

/// <summary>The scenario's mail providers and the one normalisation rule the truth is stated in.</summary>
public static class EmailProviders
{
    /// <summary>
    /// mailbox.invalid behaves like Gmail (dots and plus tags ignored); post.invalid and inbox.invalid ignore plus tags;
    /// webmail.invalid only ignores case. Every provider ignores case.
    /// </summary>
    public static IReadOnlyList<EmailProvider> All { get; } =
    [
        new("mailbox.invalid", IgnoresDots: true, PlusTags: true),
        new("post.invalid", IgnoresDots: false, PlusTags: true),
        new("inbox.invalid", IgnoresDots: false, PlusTags: true),
        new("webmail.invalid", IgnoresDots: false, PlusTags: false),
    ];

    /// <summary>
    /// The mailbox an address reaches: lower case, then the provider's rules on the local part (plus tag cut, dots
    /// removed); an unknown domain is only lower-cased.
    /// </summary>
    public static string Normalise(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var lower = email.Trim().ToLowerInvariant();
        var at = lower.LastIndexOf('@');
        if (at <= 0)
        {
            return lower;
        }

        var local = lower[..at];
        var domain = lower[(at + 1)..];
        var provider = All.FirstOrDefault(p => p.Domain == domain);
        if (provider is null)
        {
            return lower;
        }

        if (provider.PlusTags && local.IndexOf('+', StringComparison.Ordinal) is var plus and > 0)
        {
            local = local[..plus];
        }

        if (provider.IgnoresDots)
        {
            local = local.Replace(".", string.Empty, StringComparison.Ordinal);
        }

        return local + "@" + domain;
    }
}
