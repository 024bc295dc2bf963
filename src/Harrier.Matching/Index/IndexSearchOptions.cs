namespace Harrier.Matching.Index;

/// <summary>Options of one search call.</summary>
public sealed record IndexSearchOptions
{
    /// <summary>The defaults: automatic strategy, no quality filter, all cores.</summary>
    public static IndexSearchOptions Default { get; } = new();

    /// <summary>Strategy to use; <see cref="SearchStrategy.Auto"/> asks the cost model.</summary>
    public SearchStrategy Strategy { get; init; } = SearchStrategy.Auto;

    /// <summary>
    /// Entries whose stored quality is below this are skipped. Entries stored without a quality
    /// (<see cref="HammingIndex.NoQuality"/>) always pass. 0 disables the filter.
    /// </summary>
    public int MinQuality { get; init; }

    /// <summary>
    /// Parts of <see cref="SearchStrategy.MultiIndex"/> (8..32); 0 uses the tables the planner chose for the index.
    /// </summary>
    public int MultiIndexParts
    {
        get => _parts;
        init
        {
            if (value != 0 && value is < MultiIndexTable.MinParts or > MultiIndexTable.MaxParts)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"a multi-index has {MultiIndexTable.MinParts} to {MultiIndexTable.MaxParts} parts");
            }

            _parts = value;
        }
    }

    private readonly int _parts;

    /// <summary>Worker threads; 0 or less means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Pins the scan kernel (tests and benchmarks); null uses the best the CPU supports.</summary>
    internal KernelKind? Kernel { get; init; }

    internal KernelKind ScanKernelKind => Kernel is { } k && ScanKernel.IsSupported(k) ? k : ScanKernel.Best;

    internal int Threads => MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Environment.ProcessorCount;
}
