using Harrier.Chain.Tracing;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Evaluation;

/// <summary>
/// Payer → exchange attribution of a <c>chain trace</c> report scored against truth.json's payments (each payment's
/// txid and vout, and the exchange withdrawal that funded it). A payment's prediction is the exchange of its lead
/// with the largest FIFO share (ties: haircut share); precision = correct / predicted, recall = correct / known.
/// </summary>
public sealed record AttributionScore(
    int Known, int Predicted, int Correct, int WithdrawalExact, int Missed, int Wrong, double Precision, double Recall)
{
    public static AttributionScore Compute(TraceReport report, IReadOnlyCollection<TruthPayment> truth)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(truth);
        var byPayment = new Dictionary<(string, int), PaymentTrace>();
        foreach (var d in report.Deposits)
        {
            foreach (var p in d.Payments)
            {
                byPayment[(p.Txid, p.Vout)] = p;
            }
        }

        int predicted = 0, correct = 0, exact = 0, missed = 0, wrong = 0;
        foreach (var t in truth)
        {
            var leads = byPayment.TryGetValue((t.Txid, t.Vout), out var p) ? p.Leads.Where(l => l.IsExchange).ToList() : [];
            if (leads.Count == 0)
            {
                missed++;
                continue;
            }

            predicted++;
            var best = leads.OrderByDescending(l => l.FifoSats).ThenByDescending(l => l.HaircutSats).First();
            if (string.Equals(best.Actor, t.Exchange, StringComparison.OrdinalIgnoreCase))
            {
                correct++;
                if (best.Txid == t.WithdrawalTxid && best.Vout == t.WithdrawalVout)
                {
                    exact++;
                }
            }
            else
            {
                wrong++;
            }
        }

        return new AttributionScore(truth.Count, predicted, correct, exact, missed, wrong,
            predicted == 0 ? 0 : (double)correct / predicted, truth.Count == 0 ? 0 : (double)correct / truth.Count);
    }
}
