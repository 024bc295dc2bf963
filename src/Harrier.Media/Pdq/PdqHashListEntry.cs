using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>One hash from a hash list, with the 1-based line it came from and the rest of the line (after the first tab).</summary>
public readonly record struct PdqHashListEntry(int Line, Hash256 Hash, string Rest);
