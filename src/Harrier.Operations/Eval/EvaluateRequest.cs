namespace Harrier.Operations.Eval;

/// <summary>Evaluate a case against a scenario's ground truth.</summary>
/// <param name="TruthPath">The scenario's <c>truth.json</c>.</param>
/// <param name="TracePath">The case's <c>trace.json</c> from <c>chain trace</c>; the chain half is skipped when it is null or absent.</param>
public sealed record EvaluateRequest(string TruthPath, string? TracePath);
