using System.Globalization;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;

namespace Harrier.Web.Pages.Triage;

/// <summary>How a tile names its category (scheme, code and label) and its groups.</summary>
public static class TileView
{
    /// <summary><c>VICS-US 2 · Child Exploitive …</c>, or "uncategorised".</summary>
    public static string Describe(BankCategory? category) => category is not { } c
        ? "uncategorised"
        : CategoryScheme.Find(c.Scheme)?.LabelOf(c.Code) is { } label ? $"{c.Scheme} {c.Code} · {label}" : $"{c.Scheme} {c.Code}";

    /// <summary>The category as the grid's filter and the page's script write it: <c>SCHEME:CODE</c>, or empty.</summary>
    public static string Key(BankCategory? category) => category is { } c ? c.Scheme + ":" + c.Code : string.Empty;

    /// <summary>An evidence id as text.</summary>
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
