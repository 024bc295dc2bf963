namespace Harrier.Matching.Index;

/// <summary>How a search runs. Every strategy returns exactly the same matches; they differ only in cost.</summary>
public enum SearchStrategy
{
    /// <summary>Let the cost model choose from the index size, the batch size, the radius and the data.</summary>
    Auto,

    /// <summary>Cache-blocked SIMD linear scan: query tiles against L1/L2-sized tiles of the database.</summary>
    Scan,

    /// <summary>Multi-index hashing with 16 tables of 16-bit substrings (the same as <see cref="MultiIndex"/> with 16 parts).</summary>
    MultiIndex16,

    /// <summary>Multi-index hashing with 8 tables of 32-bit substrings (the same as <see cref="MultiIndex"/> with 8 parts).</summary>
    MultiIndex32,

    /// <summary>
    /// Batch join: the query batch becomes a 16×16 multi-index and the database is streamed past it once.
    /// Pays off when the batch is large and the database is not much larger.
    /// </summary>
    Join,

    /// <summary>
    /// Multi-index hashing with m parts (8..32; <see cref="IndexSearchOptions.MultiIndexParts"/>, or the part count the
    /// planner chose for the index's tables when 0). <see cref="MultiIndex16"/> is 16 parts, <see cref="MultiIndex32"/> 8.
    /// </summary>
    MultiIndex,
}
