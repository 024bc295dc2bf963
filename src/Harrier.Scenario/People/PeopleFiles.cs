using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Harrier.Scenario.People;

/// <summary>
/// The people stage's files: published exit lists (<c>network/</c>) and the answers to data requests
/// (<c>returns/exchanges/</c>, <c>returns/isp/</c>). Shapes are documented in docs/scenario.md.
/// </summary>
internal static class PeopleFiles
{
    private static string Ts(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static void Write(string outDir, World world, PeopleWorld people)
    {
        WriteExitLists(Path.Combine(outDir, "network"), world.Seed, people);
        WriteExchangeReturns(Path.Combine(outDir, "returns", "exchanges"), people);
        WriteIspReturns(Path.Combine(outDir, "returns", "isp"), people);
        WriteClaims(Path.Combine(outDir, "deconfliction"), people);
    }

    /// <summary>
    /// Other agencies' claims in the two shapes <c>harrier deconflict import</c> reads (docs/deconfliction.md): the claims
    /// at even positions in <c>claims.csv</c> (one row a claim, identifiers as <c>type:value</c>), the others in
    /// <c>claims.json</c> (an array of claims, each with an <c>identifiers</c> array).
    /// </summary>
    private static void WriteClaims(string dir, PeopleWorld people)
    {
        Directory.CreateDirectory(dir);
        using (var csv = CsvWriter.ToFile(Path.Combine(dir, DeconflictionBuilder.CsvFile), new CsvWriterOptions { NewLine = "\n" }))
        {
            csv.WriteRecord("claim_reference", "agency", "agency_country", "case_reference", "status", "handling_code", "received_at", "identifiers");
            foreach (var c in people.Claims.Where(c => c.File == DeconflictionBuilder.CsvFile))
            {
                csv.WriteRecord(c.Reference, c.Agency, c.AgencyCountry, c.CaseReference, c.Status, c.HandlingCode, c.ReceivedUtc, $"{c.IdentifierType}:{c.Identifier}");
            }
        }

        using var file = File.Create(Path.Combine(dir, DeconflictionBuilder.JsonFile));
        using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var c in people.Claims.Where(c => c.File == DeconflictionBuilder.JsonFile))
            {
                json.WriteStartObject();
                json.WriteString("claimReference", c.Reference);
                json.WriteString("agency", c.Agency);
                json.WriteString("agencyCountry", c.AgencyCountry);
                json.WriteString("caseReference", c.CaseReference);
                json.WriteString("status", c.Status);
                json.WriteString("handlingCode", c.HandlingCode);
                json.WriteString("receivedAt", c.ReceivedUtc);
                json.WriteStartArray("identifiers");
                json.WriteStartObject();
                json.WriteString("type", c.IdentifierType);
                json.WriteString("value", c.Identifier);
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        file.WriteByte((byte)'\n');
    }

    /// <summary>
    /// Like the Tor Project's bulk exit list: one address per line, no other fields; a first comment line says
    /// the list is synthetic. One file for Tor, one for the VPN providers' exits.
    /// </summary>
    private static void WriteExitLists(string dir, int seed, PeopleWorld people)
    {
        Directory.CreateDirectory(dir);
        foreach (var (file, kind) in new[] { ("tor-exit-list.txt", "tor"), ("vpn-exit-list.txt", "vpn") })
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"# SYNTHETIC {kind} exit list (Harrier scenario generator, seed {seed}); not real exit addresses\n");
            foreach (var ip in people.Anonymisers.Where(a => a.Kind == kind).SelectMany(a => a.Exits))
            {
                text.Append(ip).Append('\n');
            }

            File.WriteAllText(Path.Combine(dir, file), text.ToString(), new UTF8Encoding(false));
        }
    }

    private static readonly string[] KycColumns =
    [
        "exchange", "customer_id", "withdrawal_txid", "withdrawal_vout", "withdrawal_address", "full_name", "given_name", "surname", "date_of_birth", "street", "town",
        "postcode", "country", "id_type", "id_number", "registration_ip", "registered_at",
    ];

    private static string[] KycValues(KycRow k) =>
    [
        k.Exchange, k.CustomerId, k.WithdrawalTxid, k.WithdrawalVout.ToString(CultureInfo.InvariantCulture), k.WithdrawalAddress, $"{k.Holder.GivenName} {k.Holder.Surname}",
        k.Holder.GivenName, k.Holder.Surname, k.Holder.DateOfBirth, k.Holder.Street, k.Holder.Town, k.Holder.Postcode, k.Holder.Country, k.IdType,
        k.IdNumber, k.RegistrationIp, Ts(k.RegisteredUnix),
    ];

    /// <summary>One file per answering exchange: CSV for the first, third, fifth exchange, JSON (an array of objects) for the others.</summary>
    private static void WriteExchangeReturns(string dir, PeopleWorld people)
    {
        Directory.CreateDirectory(dir);
        foreach (var (exchange, index) in ChainBuilder.Exchanges.Select((e, i) => (e.Id, i)))
        {
            if (people.SilentExchanges.Contains(exchange))
            {
                continue;
            }

            var rows = people.Kyc.Where(k => k.Exchange == exchange).ToList();
            if (index % 2 == 0)
            {
                using var csv = CsvWriter.ToFile(Path.Combine(dir, exchange + ".csv"), new CsvWriterOptions { NewLine = "\n" });
                csv.WriteRecord(KycColumns);
                foreach (var row in rows)
                {
                    csv.WriteRecord(KycValues(row));
                }
            }
            else
            {
                using var file = File.Create(Path.Combine(dir, exchange + ".json"));
                using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
                {
                    json.WriteStartArray();
                    foreach (var row in rows)
                    {
                        json.WriteStartObject();
                        foreach (var (column, value) in KycColumns.Zip(KycValues(row)))
                        {
                            if (column == "withdrawal_vout")
                            {
                                json.WriteNumber(column, row.WithdrawalVout);
                            }
                            else
                            {
                                json.WriteString(column, value);
                            }
                        }

                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                file.WriteByte((byte)'\n');
            }
        }
    }

    /// <summary>One CSV per provider that was asked: who held each address during the lease that covers the asked time.</summary>
    private static void WriteIspReturns(string dir, PeopleWorld people)
    {
        Directory.CreateDirectory(dir);
        foreach (var group in people.IspReturns.GroupBy(x => x.Isp).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            using var csv = CsvWriter.ToFile(Path.Combine(dir, group.Key + ".csv"), new CsvWriterOptions { NewLine = "\n" });
            csv.WriteRecord("isp", "ip", "lease_from", "lease_to", "customer_ref", "subscriber_name", "street", "town", "postcode", "country", "service", "subscriber_since");
            foreach (var x in group)
            {
                csv.WriteRecord(x.Isp, x.Ip, Ts(x.LeaseFrom), Ts(x.LeaseTo), x.CustomerRef, $"{x.Subscriber.GivenName} {x.Subscriber.Surname}", x.Subscriber.Street,
                    x.Subscriber.Town, x.Subscriber.Postcode, x.Subscriber.Country, "fixed broadband", Ts(x.SubscriberSinceUnix));
            }
        }
    }
}
