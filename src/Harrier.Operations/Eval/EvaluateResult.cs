using Harrier.Scenario.Evaluation;

namespace Harrier.Operations.Eval;

/// <summary>
/// The evaluation: media triage against the truth's files, and payer → exchange attribution against its payments
/// (null when the case has no trace), and accounts → persons against its people section (null when the case has no
/// persons run or the truth no people section), and the ranking and package membership against the people section
/// (null when the latest persons run has no ranking). <see cref="Report"/> is the JSON contract (<c>eval --json</c>, <c>eval.json</c>).
/// </summary>
public sealed record EvaluateResult(MediaEvaluation Media, AttributionScore? Chain, PeopleScore? People = null, TargetsScore? Targets = null)
{
    /// <summary>The document form: keys and values as <c>eval --json</c> prints them.</summary>
    public EvalReport Report => EvalReport.From(Media, Chain, People, Targets);
}
