namespace Harrier.Matching.Banks;

/// <summary>
/// A category as (scheme, code): the same code means different things in different schemes (0 is Non-Pertinent in
/// VICS-US but Uncategorized in the legacy DHS scheme), so a code is never stored without its scheme.
/// </summary>
/// <param name="Scheme">The scheme, e.g. <c>VICS-US</c>, <c>VICS-UK</c>, <c>VICS-Default</c>.</param>
/// <param name="Code">The code as written in the source (kept as text: UK codes are letters).</param>
public readonly record struct BankCategory(string Scheme, string Code)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Scheme}:{Code}";
}
