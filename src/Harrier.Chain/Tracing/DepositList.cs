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
    public static IReadOnlyList<DepositAddress> Read(string path)
    {
        var separator = Separator(path);
        var result = new List<DepositAddress>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            CommentPrefix = '#',
            DetectSeparatorHint = false,
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

            // A label written with the separator unquoted (a space-separated "address some label") is one label.
            var label = fields.Length > 1 ? string.Join(separator, fields.Skip(1)).Trim().Trim('"') : null;
            if (seen.Add(address))
            {
                result.Add(new DepositAddress(address, string.IsNullOrEmpty(label) ? null : label));
            }
        }

        return result;
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
