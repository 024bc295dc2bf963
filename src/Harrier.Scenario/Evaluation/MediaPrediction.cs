namespace Harrier.Scenario.Evaluation;

/// <summary>What the pipeline decided for one file, as the evaluator needs it.</summary>
/// <param name="RelPath">The path relative to the registered media folder (e.g. <c>videos/000001-low.mp4</c>).</param>
/// <param name="PredictedKnown">Known or near-duplicate of known.</param>
/// <param name="KnownGood">Filtered as known-good.</param>
/// <param name="RenditionGroup">The predicted rendition group (null when alone).</param>
/// <param name="SceneGroup">The predicted scene group.</param>
public sealed record MediaPrediction(string RelPath, bool PredictedKnown, bool KnownGood, int? RenditionGroup, int? SceneGroup);
