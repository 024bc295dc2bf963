namespace Harrier.Matching.Index;

/// <summary>One hit of a radius or k-nearest search.</summary>
/// <param name="QueryIndex">Index of the query in the batch the caller passed (0-based).</param>
/// <param name="Id">The 64-bit id stored with the matching entry.</param>
/// <param name="Distance">Hamming distance between the query and the entry (0..256).</param>
public readonly record struct IndexMatch(int QueryIndex, long Id, int Distance);
