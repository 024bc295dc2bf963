using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Harrier.Cases.Keys;

/// <summary>One table's committed content: its row count and the sum of its rows' HMACs (see <see cref="TableState"/>).</summary>
/// <param name="Table">The table's name.</param>
/// <param name="Rows">How many rows it holds.</param>
/// <param name="Digest">The sum, modulo 2^256, of HMAC-SHA256 over each row's canonical text, as 64 lower-case hex digits (big-endian).</param>
public sealed record TableDigest(
    [property: JsonPropertyName("table")] string Table,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("digest")] string Digest);

/// <summary>
/// What a signed audit head commits to of the case's tables: for every table but the audit log itself (which is chained),
/// its row count and an order-independent keyed digest of its rows, at schema version <see cref="Schema"/>. A row's
/// canonical text is the database's own rendering of the row (SQLite: <c>quote()</c> of each column joined by commas;
/// PostgreSQL: <c>row_to_json</c>); its HMAC-SHA256 (key derived from the case key, the table's name and a LF before the
/// text) is added to the table's sum when a row appears and subtracted when it goes, so a writer updates the digest in
/// proportion to what it changed, and <c>audit verify</c> recomputes it from every row. Being keyed, the sum cannot be
/// steered by choosing rows (as an unkeyed sum of hashes could, by a generalized birthday search); checking it needs the case
/// key. See docs/security.md.
/// </summary>
/// <param name="Schema">The case's schema version the digests were taken at (row texts change with the columns).</param>
/// <param name="Tables">Every committed table, by name (ordinal).</param>
public sealed record TableState(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("tables")] IReadOnlyList<TableDigest> Tables)
{
    /// <summary>Equal when the schema and every table's name, row count and digest are (in order).</summary>
    public bool Equals(TableState? other) =>
        other is not null && Schema == other.Schema && Tables.SequenceEqual(other.Tables);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Schema, Tables.Count);

    /// <summary>The purpose string of the HMAC key derived from the case key (<see cref="CaseKey.DeriveSecret"/>).</summary>
    public const string KeyPurpose = "harrier-table-digest/1";

    /// <summary>
    /// The one line a signed head carries for the whole state: lower-case hex SHA-256 over UTF-8 of
    /// <c>harrier-table-state/1\n{schema}\n</c> followed by <c>{table} {rows} {digest}\n</c> for each table in ordinal order.
    /// </summary>
    public string Digest()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"harrier-table-state/1\n{Schema}\n");
        foreach (var t in Tables.OrderBy(t => t.Table, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{t.Table} {t.Rows} {t.Digest}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
