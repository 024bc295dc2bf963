using System.Buffers;
using System.Globalization;
using System.Text;

namespace Harrier.Cases;

/// <summary>
/// How Harrier shows a file's name, which on a seized disk is bytes, not text. The shown form (<see cref="Display(ReadOnlySpan{byte})"/>) is the
/// name's UTF-8 text with these escapes, and nothing else:
/// <list type="bullet">
/// <item><c>\\</c> for a backslash, so that every other backslash starts an escape;</item>
/// <item><c>\xHH</c> for a byte that is not part of valid UTF-8, and for an ASCII control character (U+0000–U+001F, U+007F:
/// a newline or tab in a name cannot start a forged line or column of a report);</item>
/// <item><c>\uHHHH</c> for the characters that change how text around them is shown or read: the C1 controls
/// (U+0080–U+009F), the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F, U+202A–U+202E,
/// U+2066–U+2069: <c>evil\u202Egnp.exe</c> would otherwise read as <c>evilexe.png</c>), the line and paragraph separators
/// (U+2028, U+2029) and U+FFFD (so the replacement character of a lossy decoding is never mistaken for a name's own bytes).</item>
/// </list>
/// The form is injective, and <see cref="Parse"/> is its inverse: two different names are never shown alike, so the shown
/// form can key a dictionary or a unique column. The bytes themselves are stored beside it (<c>rel_path_bytes</c>).
/// Normalisation is never applied: <c>café</c> in NFC and in NFD are two names, shown as their own characters.
/// </summary>
public static class EvidenceName
{
    /// <summary>The escaped characters beyond the ASCII controls, each shown as <c>\uHHHH</c>; the migration of old cases uses the same list.</summary>
    internal static readonly int[] EscapedUnicode =
    [
        .. Enumerable.Range(0x80, 0x20), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, .. Enumerable.Range(0x202A, 5), .. Enumerable.Range(0x2066, 4), 0xFFFD,
    ];

    private static readonly HashSet<int> Unicode = [.. EscapedUnicode];

    /// <summary>The shown form of <paramref name="name"/> (a file name or a relative path, '/' kept as it is).</summary>
    public static string Display(ReadOnlySpan<byte> name)
    {
        var sb = new StringBuilder(name.Length + 8);
        while (!name.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(name, out var rune, out var consumed);
            if (status != OperationStatus.Done)
            {
                // Each byte of an invalid (or cut) sequence on its own: the bytes come back exactly.
                foreach (var b in name[..consumed])
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
                }
            }
            else if (rune.Value == '\\')
            {
                sb.Append(@"\\");
            }
            else if (rune.Value < 0x20 || rune.Value == 0x7F)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:X2}");
            }
            else if (IsEscapedUnicode(rune.Value))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                sb.Append(rune.ToString());
            }

            name = name[consumed..];
        }

        return sb.ToString();
    }

    /// <summary>The shown form of a path held as text (an exhibit's source folder): its UTF-8 bytes, escaped as a name.</summary>
    public static string Display(string text) => Display(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))));

    /// <summary>The name's bytes from its shown form (the inverse of <see cref="Display(ReadOnlySpan{byte})"/>).</summary>
    /// <exception cref="FormatException">A backslash that starts no escape of the shown form.</exception>
    public static byte[] Parse(string shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        var bytes = new List<byte>(shown.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < shown.Length;)
        {
            if (shown[i] == '\\')
            {
                if (i + 1 < shown.Length && shown[i + 1] == '\\')
                {
                    bytes.Add((byte)'\\');
                    i += 2;
                }
                else if (i + 3 < shown.Length && shown[i + 1] == 'x' && byte.TryParse(shown.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    bytes.Add(b);
                    i += 4;
                }
                else if (i + 5 < shown.Length && shown[i + 1] == 'u' && int.TryParse(shown.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u)
                    && Rune.TryCreate(u, out var escaped))
                {
                    bytes.AddRange(utf8[..escaped.EncodeToUtf8(utf8)]);
                    i += 6;
                }
                else
                {
                    throw new FormatException($"not a shown name: a backslash at {i} starts no escape");
                }

                continue;
            }

            if (Rune.DecodeFromUtf16(shown.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                throw new FormatException($"not a shown name: a lone surrogate at {i}");
            }

            bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
            i += used;
        }

        return [.. bytes];
    }

    /// <summary>
    /// Whether <paramref name="shown"/> is the name itself (no escape in it, so its UTF-8 is the name's bytes); otherwise
    /// a consumer that must reopen the file needs the bytes (<see cref="EvidenceFile.RelPathBase64"/>).
    /// </summary>
    public static bool IsVerbatim(string shown) => shown is not null && !shown.Contains('\\', StringComparison.Ordinal);

    private static bool IsEscapedUnicode(int codePoint) => codePoint >= 0x80 && Unicode.Contains(codePoint);

    /// <summary>
    /// The SQL expression that turns a text column holding a name (as cases before migration 15 stored it: decoded,
    /// unescaped) into its shown form; <paramref name="chr"/> is the database's code-point function (SQLite <c>char</c>,
    /// PostgreSQL <c>chr</c>). The text of such a name is valid Unicode and holds no NUL, so only the escapes of characters
    /// apply; the backslash is replaced first so that no later escape is doubled.
    /// </summary>
    internal static string SqlDisplay(string column, string chr)
    {
        var sql = $"replace({column}, {chr}(92), '\\\\')";
        foreach (var c in Enumerable.Range(1, 0x1F).Append(0x7F))
        {
            sql = string.Create(CultureInfo.InvariantCulture, $"replace({sql}, {chr}({c}), '\\x{c:X2}')");
        }

        foreach (var c in EscapedUnicode)
        {
            sql = string.Create(CultureInfo.InvariantCulture, $"replace({sql}, {chr}({c}), '\\u{c:X4}')");
        }

        return sql;
    }
}
