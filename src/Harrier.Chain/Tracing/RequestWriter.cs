using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tracing;

/// <summary>
/// Writes one data-request document per exchange (<c>ACTOR.json</c> and <c>ACTOR.csv</c>: the withdrawals to identify, with
/// amounts in satoshis and BTC and UTC times) and an index grouped by jurisdiction. The CSV is written by CsvHelper:
/// tag text with commas, quotes or line breaks is quoted.
/// </summary>
public static class RequestWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Writes the documents; returns the files written.</summary>
    public static IReadOnlyList<string> Write(TraceReport report, string directory, string caseName)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var r in report.Requests)
        {
            var stem = Path.Combine(directory, SafeName(r.Actor));
            var doc = new
            {
                kind = "harrier.chain.data-request",
                version = 1,
                @case = caseName,
                exchange = r.Actor,
                label = r.Label,
                legalName = r.LegalName,
                jurisdictions = r.Jurisdictions,
                chainTip = report.Tip,
                request = "Please identify the account holders behind these withdrawals (transaction, output, receiving address, amount, UTC time).",
                withdrawals = r.Leads.Select(l => new
                {
                    txid = l.Txid,
                    vout = l.Vout,
                    address = l.Address,
                    amountSats = l.AmountSats,
                    amountBtc = ChainStore.Btc(l.AmountSats),
                    timeUtc = l.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    hops = l.Hops,
                    fifoSats = l.FifoSats,
                    haircutSats = l.HaircutSats,
                    attribution = new { tag = l.TagLabel, source = l.TagSource, confidence = l.Confidence, pack = l.TagPack, viaCluster = l.ViaCluster, basis = l.Basis },
                    depositsReached = l.Deposits.Count,
                }),
            };
            File.WriteAllText(stem + ".json", JsonSerializer.Serialize(doc, Json));
            using (var csv = CsvWriter.ToFile(stem + ".csv", new CsvWriterOptions { NewLine = "\n" }))
            {
                csv.WriteRecord("txid", "vout", "address", "amount_sats", "amount_btc", "time_utc", "hops", "fifo_sats", "haircut_sats", "tag", "confidence", "source", "basis");
                foreach (var l in r.Leads)
                {
                    csv.WriteRecord(l.Txid, Invariant(l.Vout), l.Address, Invariant(l.AmountSats), ChainStore.Btc(l.AmountSats),
                        l.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Invariant(l.Hops), Invariant(l.FifoSats),
                        Invariant(l.HaircutSats), l.TagLabel, l.Confidence, l.TagSource, l.Basis);
                }
            }

            files.Add(stem + ".json");
            files.Add(stem + ".csv");
        }

        // The annex: payments whose trail was obscured (CoinJoin, swap or mixing service, untagged service cluster). They
        // are not requested; the annex says what was seen and where the trail ended, for the analyst.
        if (report.Obscured.Count > 0)
        {
            var annex = Path.Combine(directory, "obscured-annex");
            var doc = new
            {
                kind = "harrier.chain.obscured-annex",
                version = 1,
                @case = caseName,
                chainTip = report.Tip,
                note = "Payments traced but not attributed: their value went through something that hides who paid. Not part of any data request.",
                payments = report.Obscured.Select(o => new
                {
                    deposit = o.Deposit,
                    label = o.Label,
                    txid = o.Txid,
                    vout = o.Vout,
                    amountSats = o.AmountSats,
                    timeUtc = o.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    reason = o.Reason,
                    endedAtTxid = o.EndedAtTxid,
                    hops = o.Hops,
                    obscuredFifoSats = o.ObscuredFifoSats,
                    seenExchanges = o.SeenActors,
                }),
            };
            File.WriteAllText(annex + ".json", JsonSerializer.Serialize(doc, Json));
            using (var csv = CsvWriter.ToFile(annex + ".csv", new CsvWriterOptions { NewLine = "\n" }))
            {
                csv.WriteRecord("deposit", "label", "txid", "vout", "amount_sats", "time_utc", "reason", "ended_at_txid", "hops", "obscured_fifo_sats", "seen_exchanges");
                foreach (var o in report.Obscured)
                {
                    csv.WriteRecord(o.Deposit, o.Label ?? "", o.Txid, Invariant(o.Vout), Invariant(o.AmountSats),
                        o.TimeUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), o.Reason, o.EndedAtTxid ?? "", Invariant(o.Hops),
                        Invariant(o.ObscuredFifoSats), string.Join(' ', o.SeenActors));
                }
            }

            files.Add(annex + ".json");
            files.Add(annex + ".csv");
        }

        var index = report.Requests
            .GroupBy(r => r.Jurisdictions.Count == 0 ? "unknown" : string.Join("+", r.Jurisdictions))
            .Select(g => new { jurisdiction = g.Key, exchanges = g.Select(r => new { exchange = r.Actor, r.LegalName, withdrawals = r.Leads.Count, file = SafeName(r.Actor) + ".json" }) });
        var indexPath = Path.Combine(directory, "index.json");
        File.WriteAllText(indexPath, JsonSerializer.Serialize(new { @case = caseName, chainTip = report.Tip, byJurisdiction = index }, Json));
        files.Add(indexPath);
        return files;
    }

    /// <summary>A file-name-safe form of an actor id.</summary>
    public static string SafeName(string actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var sb = new StringBuilder(actor.Length);
        foreach (var c in actor)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return sb.Length == 0 ? "_" : sb.ToString();
    }

    private static string Invariant<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);
}
