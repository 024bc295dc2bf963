using System.Text;
using CsvHelper;

namespace Harrier.Chain.Tracing;

/// <summary>
/// Reads a deposit-address list: one address a record, optionally followed by a label, separated by a comma, tab,
/// semicolon or space (whichever the first record uses first); '#' comments; an <c>address</c> header is skipped.
/// Parsed with CsvHelper, so a quoted label may hold the separator, quotes and line breaks.
/// </summary>
public static class DepositList
{
    /// <summary>The valid deposits of <paramref name="path"/> (records that are not a Bitcoin address are left out: see the overload that reports them).</summary>
    public static IReadOnlyList<DepositAddress> Read(string path) => Read(path, out _);

    /// <summary>
    /// The deposits of <paramref name="path"/>, and each record left out because its address is not a Bitcoin address
    /// (base58check P2PKH/P2SH or bech32/bech32m, of mainnet, testnet or regtest, as NBitcoin parses them) with its line.
    /// </summary>
    public static IReadOnlyList<DepositAddress> Read(string path, out IReadOnlyList<DepositListProblem> problems)
    {
        var separator = Separator(path);
        var result = new List<DepositAddress>();
        var bad = new List<DepositListProblem>();
        problems = bad;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            CommentPrefix = '#',
            DetectSeparatorHint = false,
            TrackLineNumbers = true,
        });
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i);
            }

            var address = fields[0].Trim().TrimStart('\uFEFF').Trim('"');
            if (address.Length == 0 || address.StartsWith('#') || address.Equals("address", StringComparison.OrdinalIgnoreCase))
            {
                continue; // blank, an indented comment, or the header
            }

            if (!IsAddress(address))
            {
                bad.Add(new DepositListProblem(reader.LineNumber, address.Length > 100 ? address[..100] + "…" : address,
                    "not a Bitcoin address (base58check or bech32 of mainnet, testnet or regtest)"));
                continue;
            }

            // A label written with the separator unquoted (a space-separated "address some label") is one label.
            var label = fields.Length > 1 ? string.Join(separator, fields.Skip(1)).Trim().Trim('"') : null;
            if (seen.Add(address))
            {
                result.Add(new DepositAddress(address, string.IsNullOrEmpty(label) ? null : label));
            }
        }

        return result;
    }

    /// <summary>True when <paramref name="address"/> parses as a Bitcoin address of mainnet, testnet or regtest (NBitcoin: checksums included).</summary>
    public static bool IsAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Length is < 14 or > 90)
        {
            return false;
        }

        foreach (var network in new[] { NBitcoin.Network.Main, NBitcoin.Network.TestNet, NBitcoin.Network.RegTest })
        {
            try
            {
                _ = NBitcoin.BitcoinAddress.Create(address, network);
                return true;
            }
            catch (FormatException)
            {
            }
            catch (NotSupportedException)
            {
            }
        }

        return false;
    }

    /// <summary>Writes a deposit list: <c>address,label</c> per deposit, no header, quoted where needed.</summary>
    public static void Write(TextWriter writer, IEnumerable<DepositAddress> deposits)
    {
        ArgumentNullException.ThrowIfNull(deposits);
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n", ValidateFieldCount = false }, leaveOpen: true);
        foreach (var d in deposits)
        {
            if (d.Label is null)
            {
                csv.WriteRecord(d.Address);
            }
            else
            {
                csv.WriteRecord(d.Address, d.Label);
            }
        }
    }

    /// <summary>The first of ',', tab, ';' and space in the first record that is not blank or a comment (',' when none).</summary>
    private static char Separator(string path)
    {
        foreach (var raw in File.ReadLines(path, Encoding.UTF8))
        {
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cut = line.IndexOfAny([',', '\t', ';', ' ']);
            return cut < 0 ? ',' : line[cut];
        }

        return ',';
    }
}

/// <summary>A record of a deposit list left out: its line, the value as written (at most 100 characters) and why.</summary>
public sealed record DepositListProblem(long Line, string Value, string Problem);
