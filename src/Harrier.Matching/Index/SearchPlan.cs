namespace Harrier.Matching.Index;

/// <summary>
/// What the cost model decided for one search and why: the estimated wall time of each strategy
/// (seconds; <see cref="double.PositiveInfinity"/> where a strategy does not apply) and the
/// multi-index candidate counts it sampled from the data.
/// </summary>
public sealed record SearchPlan(
    SearchStrategy Strategy,
    double ScanSeconds,
    double MultiIndex16Seconds,
    double MultiIndex32Seconds,
    double JoinSeconds,
    double Candidates16PerQuery,
    double Candidates32PerQuery);
