using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>A PDQ hash and its quality (0..100; upstream discards hashes with quality under 50 for matching).</summary>
/// <param name="Hash">The 256-bit hash (bit layout of PDQ spec §1.8).</param>
/// <param name="Quality">The gradient-sum quality metric of spec §1.5, 0..100.</param>
public readonly record struct PdqResult(Hash256 Hash, int Quality);
