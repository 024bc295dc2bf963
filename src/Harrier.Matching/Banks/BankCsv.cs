using System.Text;
using CsvHelper;

namespace Harrier.Matching.Banks;

/// <summary>
/// The CSV dialects of the bank formats, read and written through CsvHelper (RFC 4180: quoted fields, doubled quotes,
/// separators and line breaks inside quotes). Only CsvHelper's field-level reader and writer are used, never its record
/// mapping, so nothing here needs reflection.
/// </summary>
internal static class BankCsv
{
    /// <summary>One record: the line it starts on (1-based), its fields unquoted, and its text as written.</summary>
    internal readonly record struct Record(int LineNo, string[] Fields, string Raw);

    /// <summary>
    /// The records of <paramref name="path"/>, blank records (and, if asked, lines starting with '#', indented or not)
    /// left out. Malformed quoting is recovered, not fatal: a stray quote inside an unquoted field is kept as text.
    /// </summary>
    public static IEnumerable<Record> Read(string path, char separator, bool comments)
    {
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = separator,
            HasHeader = false,
            CommentPrefix = comments ? '#' : null,
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

            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var raw = Encoding.UTF8.GetString(reader.RawRecord);
            if (comments && raw.AsSpan().TrimStart().StartsWith("#", StringComparison.Ordinal))
            {
                continue; // an indented comment
            }

            yield return new Record(checked((int)reader.LineNumber), fields, raw);
        }
    }

    /// <summary>A writer of <paramref name="separator"/>-separated records with '\n' line ends, quoting only where needed unless <paramref name="quoteAll"/>.</summary>
    public static CsvWriter Writer(TextWriter writer, char separator, bool quoteAll = false) =>
        CsvWriter.Create(writer, new CsvWriterOptions
        {
            Separator = separator,
            NewLine = "\n",
            Quoting = quoteAll ? CsvQuoting.Always : CsvQuoting.WhenNeeded,
        }, leaveOpen: true);
}
