namespace Harrier.Cases.Triage;

/// <summary>One code of a categorisation scheme and what it means.</summary>
public sealed record CategoryCode(string Code, string Label);

/// <summary>
/// A categorisation scheme analysts categorise in. A category is always (scheme, code): the same code means different
/// things in different schemes (0 is Non-Pertinent in VICS-US, Uncategorized in the legacy DHS scheme).
/// </summary>
public sealed record CategoryScheme(string Id, string Name, IReadOnlyList<CategoryCode> Codes)
{
    /// <summary>
    /// Project VIC's US scheme (VICS 2.0 US and Default dialects), as the bank readers name it (<c>VICS-US</c>); codes and
    /// labels from /work/shared/formats/categories/category-schemes.json (Autopsy's ImageGalleryService). Uncategorised is
    /// the absence of a code, never 0.
    /// </summary>
    public static readonly CategoryScheme VicsUs = new("VICS-US", "Project VIC (US)",
    [
        new("0", "Non-Pertinent"),
        new("1", "Child Abuse Material (CAM)"),
        new("2", "Child Exploitive (Non-CAM), Age Difficult"),
        new("3", "CGI/Animation, Child Exploitive"),
        new("4", "Comparison Images"),
    ]);

    /// <summary>The schemes the workbench offers, the default first.</summary>
    public static readonly IReadOnlyList<CategoryScheme> All = [VicsUs];

    /// <summary>The scheme named <paramref name="id"/> (case-insensitive), or null.</summary>
    public static CategoryScheme? Find(string? id) => All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <paramref name="code"/> is one of this scheme's codes.</summary>
    public bool Has(string? code) => Codes.Any(c => c.Code == code);

    /// <summary>The label of <paramref name="code"/>, or null when the scheme has no such code.</summary>
    public string? LabelOf(string? code) => Codes.FirstOrDefault(c => c.Code == code)?.Label;
}
