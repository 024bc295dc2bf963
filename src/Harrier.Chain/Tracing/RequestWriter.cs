using System.Globalization;
using System.Text;
using System.Text.Json;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tracing;

/// <summary>
/// Writes one data-request document per exchange (<c>ACTOR.json</c> and <c>ACTOR.csv</c>: the withdrawals to identify, with
/// amounts in satoshis and BTC and UTC times) and an index grouped by jurisdiction.
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
            var csv = new StringBuilder("txid,vout,address,amount_sats,amount_btc,time_utc,hops,fifo_sats,haircut_sats,tag,confidence,source,basis\n");
            foreach (var l in r.Leads)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{l.Txid},{l.Vout},{l.Address},{l.AmountSats},{ChainStore.Btc(l.AmountSats)},")
                    .Append(CultureInfo.InvariantCulture, $"{l.TimeUtc.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{l.Hops},{l.FifoSats},{l.HaircutSats},")
                    .Append(Csv(l.TagLabel)).Append(',').Append(Csv(l.Confidence)).Append(',').Append(Csv(l.TagSource)).Append(',').Append(Csv(l.Basis)).Append('\n');
            }

            File.WriteAllText(stem + ".csv", csv.ToString());
            files.Add(stem + ".json");
            files.Add(stem + ".csv");
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

    private static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
