using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;

namespace Harrier.Operations.Returns;

/// <summary>One record of a returns file: where it is (CSV line, or JSON array index), and its values by column (null: absent or empty).</summary>
internal sealed record ReturnsRecord(long Line, string At, string?[] Values, string? Problem, string? ProblemColumn);

/// <summary>
/// A returns file opened for reading: its columns and its records. CSV: the first record is the header, records are
/// streamed through CsvHelper with their line numbers. JSON: an array of objects, or an object with one property that is
/// an array of objects; the columns are every key seen, in first-seen order. A file that cannot be read so throws
/// <see cref="ReturnsFileException"/>.
/// </summary>
internal abstract class ReturnsFileReader : IDisposable
{
    /// <summary>The largest CSV record read (a guard against an unclosed quote swallowing the file).</summary>
    private const int MaxCsvRecordBytes = 4 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public abstract string Format { get; }

    public abstract IReadOnlyList<string> Columns { get; }

    public abstract IEnumerable<ReturnsRecord> Records(int maxFieldChars);

    public virtual void Dispose()
    {
    }

    /// <summary>Opens <paramref name="path"/>: <c>.csv</c> or <c>.json</c> by extension, otherwise by its first character.</summary>
    public static ReturnsFileReader Open(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        var json = ext switch
        {
            ".json" => true,
            ".csv" => false,
            _ => FirstChar(path) is '[' or '{',
        };
        return json ? JsonReturns.Read(path) : CsvReturns.OpenCsv(path);
    }

    /// <summary>Opens <paramref name="path"/> as CSV whatever its name (the deconfliction import's <c>--format csv</c>).</summary>
    public static ReturnsFileReader OpenAsCsv(string path) => CsvReturns.OpenCsv(path);

    /// <summary>The first character of <paramref name="path"/> that is not white space (null for an empty file).</summary>
    internal static char? FirstChar(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (!char.IsWhiteSpace((char)c))
            {
                return (char)c;
            }
        }

        return null;
    }

    /// <summary>
    /// Parses a JSON returns or claims file. Text that is not UTF-8, or a string escape that is no UTF-16 text (a lone
    /// surrogate, <c>"\ud800"</c>), is refused here with the rest of the malformed JSON: JsonDocument checks neither
    /// until a value is read, and then throws InvalidOperationException (found by fuzzing).
    /// </summary>
    internal static JsonDocument ParseJson(string path, JsonDocumentOptions options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new ReturnsFileException(string.Create(CultureInfo.InvariantCulture, $"not UTF-8 text: byte {e.Index} cannot be decoded"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, options);
        }
        catch (JsonException e)
        {
            throw new ReturnsFileException(string.Create(CultureInfo.InvariantCulture,
                $"not valid JSON at line {(e.LineNumber ?? 0) + 1}: {e.Message.Split(" Path:", 2)[0]}"));
        }

        try
        {
            CheckStrings(document.RootElement);
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw new ReturnsFileException($"not valid JSON text: {e.Message}");
        }
    }

    private static void CheckStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CheckStrings(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    CheckStrings(property.Value);
                }

                break;
        }
    }

    private static string? TooLong(string? value, int maxFieldChars) =>
        value is not null && value.Length > maxFieldChars
            ? string.Create(CultureInfo.InvariantCulture, $"a value of {value.Length:N0} characters, over the limit of {maxFieldChars:N0}")
            : null;

    private sealed class CsvReturns : ReturnsFileReader
    {
        private readonly CsvReader _reader;
        private readonly string[] _columns;
        private readonly long _headerLine;

        private CsvReturns(CsvReader reader, string[] columns, long headerLine)
        {
            _reader = reader;
            _columns = columns;
            _headerLine = headerLine;
        }

        public override string Format => "csv";

        public override IReadOnlyList<string> Columns => _columns;

        public static CsvReturns OpenCsv(string path)
        {
            var reader = CsvReader.FromFile(path, new CsvReaderOptions
            {
                HasHeader = false,
                TrackLineNumbers = true,
                DetectSeparatorHint = false,
                MaxRecordSize = MaxCsvRecordBytes,
            });
            try
            {
                if (!Read(reader))
                {
                    throw new ReturnsFileException("the file is empty (a CSV returns file starts with a header line)");
                }

                var columns = Fields(reader).Select(c => c.Trim().TrimStart('\uFEFF').Trim()).ToArray();
                return new CsvReturns(reader, columns, reader.LineNumber);
            }
            catch
            {
                reader.Dispose();
                throw;
            }
        }

        public override IEnumerable<ReturnsRecord> Records(int maxFieldChars)
        {
            while (Read(_reader))
            {
                var fields = Fields(_reader);
                if (fields.All(string.IsNullOrWhiteSpace))
                {
                    continue;
                }

                var line = _reader.LineNumber;
                var at = string.Create(CultureInfo.InvariantCulture, $"line {line}");
                var values = new string?[_columns.Length];
                string? problem = null, column = null;
                for (var i = 0; i < fields.Length; i++)
                {
                    if (i >= _columns.Length)
                    {
                        if (!string.IsNullOrWhiteSpace(fields[i]))
                        {
                            problem ??= string.Create(CultureInfo.InvariantCulture,
                                $"{fields.Length} fields, more than the {_columns.Length} columns of the header (line {_headerLine})");
                            column ??= "(record)";
                        }

                        continue;
                    }

                    if (TooLong(fields[i], maxFieldChars) is { } tooLong)
                    {
                        problem ??= tooLong;
                        column ??= _columns[i];
                    }

                    values[i] = string.IsNullOrWhiteSpace(fields[i]) ? null : fields[i].Trim();
                }

                yield return new ReturnsRecord(line, at, values, problem, column);
            }
        }

        public override void Dispose()
        {
            _reader.Dispose();
            base.Dispose();
        }

        private static bool Read(CsvReader reader)
        {
            try
            {
                return reader.Read();
            }
            catch (CsvFormatException e)
            {
                throw new ReturnsFileException($"not readable as CSV: {e.Message}");
            }
        }

        private static string[] Fields(CsvReader reader)
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i);
            }

            return fields;
        }
    }

    private sealed class JsonReturns(JsonDocument document, JsonElement array, string[] columns) : ReturnsFileReader
    {
        public override string Format => "json";

        public override IReadOnlyList<string> Columns => columns;

        public static JsonReturns Read(string path)
        {
            var document = ParseJson(path, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });

            try
            {
                var root = document.RootElement;
                JsonElement array;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    array = root;
                }
                else if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).ToList() is [var only])
                {
                    array = only.Value;
                }
                else
                {
                    throw new ReturnsFileException("JSON returns are an array of objects, or an object with one property holding that array");
                }

                var columns = new List<string>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        continue; // reported as that record's problem
                    }

                    foreach (var p in item.EnumerateObject())
                    {
                        if (seen.Add(p.Name))
                        {
                            columns.Add(p.Name);
                        }
                    }
                }

                return new JsonReturns(document, array, [.. columns]);
            }
            catch
            {
                document.Dispose();
                throw;
            }
        }

        public override IEnumerable<ReturnsRecord> Records(int maxFieldChars)
        {
            var index = -1L;
            var columnIndex = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
            foreach (var item in array.EnumerateArray())
            {
                index++;
                var at = string.Create(CultureInfo.InvariantCulture, $"record {index}");
                var values = new string?[columns.Length];
                if (item.ValueKind != JsonValueKind.Object)
                {
                    yield return new ReturnsRecord(index, at, values, $"a JSON {item.ValueKind.ToString().ToLowerInvariant()}, not an object", "(record)");
                    continue;
                }

                string? problem = null, column = null;
                foreach (var p in item.EnumerateObject())
                {
                    var i = columnIndex[p.Name];
                    string? text;
                    switch (p.Value.ValueKind)
                    {
                        case JsonValueKind.String:
                            text = p.Value.GetString();
                            break;
                        case JsonValueKind.Number:
                        case JsonValueKind.True:
                        case JsonValueKind.False:
                            text = p.Value.GetRawText();
                            break;
                        case JsonValueKind.Null:
                            text = null;
                            break;
                        default:
                            problem ??= $"a JSON {p.Value.ValueKind.ToString().ToLowerInvariant()}, not a single value";
                            column ??= p.Name;
                            text = null;
                            break;
                    }

                    if (TooLong(text, maxFieldChars) is { } tooLong)
                    {
                        problem ??= tooLong;
                        column ??= p.Name;
                    }

                    values[i] = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
                }

                yield return new ReturnsRecord(index, at, values, problem, column);
            }
        }

        public override void Dispose()
        {
            document.Dispose();
            base.Dispose();
        }
    }
}

/// <summary>A returns file that cannot be read at all (format, header, columns): the file is rejected with this message.</summary>
internal sealed class ReturnsFileException(string message) : Exception(message);
