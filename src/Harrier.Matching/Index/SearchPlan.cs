namespace Harrier.Matching.Index;

/// <summary>
/// What the cost model decided for one search and why: the estimated wall time of each strategy
/// (seconds; <see cref="double.PositiveInfinity"/> where a strategy does not apply) and the
/// multi-index candidate counts it sampled from the data. MultiIndex16/MultiIndex32 are the 16- and 8-part
/// multi-indexes where the planner compared them (+∞ otherwise).
/// </summary>
public sealed record SearchPlan(
    SearchStrategy Strategy,
    double ScanSeconds,
    double MultiIndex16Seconds,
    double MultiIndex32Seconds,
    double JoinSeconds,
    double Candidates16PerQuery,
    double Candidates32PerQuery)
{
    /// <summary>The part count of the multi-index the plan uses or compared (0 when none was considered).</summary>
    public int MultiIndexParts { get; init; }

    /// <summary>Estimated seconds of the best multi-index (<see cref="MultiIndexParts"/> parts), building its tables where they are missing.</summary>
    public double MultiIndexSeconds { get; init; } = double.PositiveInfinity;
}
