namespace Harrier.Scenario.Evaluation;

/// <summary>Precision, recall and F1 with the counts behind them (0/0 counts as 1: nothing to find, nothing wrong).</summary>
public sealed record PairScore(long TruePositives, long FalsePositives, long FalseNegatives)
{
    /// <summary>TP / (TP + FP).</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>Harmonic mean of precision and recall.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
