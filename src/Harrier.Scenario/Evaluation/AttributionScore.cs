using Harrier.Chain.Tracing;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Evaluation;

/// <summary>
/// Payer → exchange attribution of a <c>chain trace</c> report scored against truth.json's payments (each payment's
/// txid and vout, and the exchange withdrawal that funded it). A payment's prediction is the trace's attribution (its
/// outcome <c>attributed</c>: the exchange lead with the largest FIFO share, ties by haircut share); a report written
/// before outcomes falls back to that lead whatever else was seen. Over the payments a careful analyst could attribute
/// (all of a direct scenario's; those the truth marks attributable in an adversarial one): precision = correct /
/// predicted, recall = correct / known. Over those that cannot be attributed (off-chain, through a CoinJoin, a swap
/// service or a decoy exchange): the abstention rate (the share left unattributed) and the count attributed anyway.
/// </summary>
public sealed record AttributionScore(
    int Known, int Predicted, int Correct, int WithdrawalExact, int Missed, int Wrong, double Precision, double Recall)
{
    /// <summary>Payments the truth marks as not attributable on chain.</summary>
    public int NonAttributable { get; init; }

    /// <summary>Of those, how many the trace left unattributed.</summary>
    public int Abstained { get; init; }

    /// <summary>Of those, how many the trace attributed anyway (to any exchange).</summary>
    public int AttributedAnyway { get; init; }

    /// <summary>Attributed anyway although the truth routes the payment through a CoinJoin.</summary>
    public int AttributedThroughCoinJoin { get; init; }

    /// <summary><see cref="Abstained"/> / <see cref="NonAttributable"/> (0 when there are none).</summary>
    public double AbstentionRate => NonAttributable == 0 ? 0 : (double)Abstained / NonAttributable;

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

        (string Actor, string Txid, int Vout)? Prediction(TruthPayment t)
        {
            if (!byPayment.TryGetValue((t.Txid, t.Vout), out var p))
            {
                return null;
            }

            if (p.Outcome is not null)
            {
                return p.Attribution is { } a ? (a.Actor, a.Txid, a.Vout) : null;
            }

            return p.Leads.Where(l => l.IsExchange).OrderByDescending(l => l.FifoSats).ThenByDescending(l => l.HaircutSats)
                .Select(l => ((string, string, int)?)(l.Actor, l.Txid, l.Vout)).FirstOrDefault();
        }

        int known = 0, predicted = 0, correct = 0, exact = 0, missed = 0, wrong = 0, hidden = 0, abstained = 0, anyway = 0, throughCoinJoin = 0;
        foreach (var t in truth)
        {
            var prediction = Prediction(t);
            if (t.Attributable == false)
            {
                hidden++;
                if (prediction is null)
                {
                    abstained++;
                }
                else
                {
                    anyway++;
                    if (t.Route?.StartsWith("coinjoin", StringComparison.Ordinal) == true)
                    {
                        throughCoinJoin++;
                    }
                }

                continue;
            }

            known++;
            if (prediction is not { } best)
            {
                missed++;
                continue;
            }

            predicted++;
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

        return new AttributionScore(known, predicted, correct, exact, missed, wrong,
            predicted == 0 ? 0 : (double)correct / predicted, known == 0 ? 0 : (double)correct / known)
        {
            NonAttributable = hidden,
            Abstained = abstained,
            AttributedAnyway = anyway,
            AttributedThroughCoinJoin = throughCoinJoin,
        };
    }
}
