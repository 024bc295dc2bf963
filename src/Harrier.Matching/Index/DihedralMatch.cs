namespace Harrier.Matching.Index;

/// <summary>
/// One hit of a dihedral search: the best of a query's eight variants against one entry.
/// </summary>
/// <param name="QueryIndex">Index of the query group (variants 8·i .. 8·i+7 of the input), 0-based.</param>
/// <param name="Id">The 64-bit id stored with the matching entry.</param>
/// <param name="Distance">The smallest distance over the eight variants.</param>
/// <param name="Variant">The first variant (0..7, in the caller's order) that reaches <paramref name="Distance"/>.</param>
public readonly record struct DihedralMatch(int QueryIndex, long Id, int Distance, int Variant);
