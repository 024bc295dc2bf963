using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harrier.Cases.Keys;

/// <summary>
/// The audit chain's head (its last entry's sequence number and hash) signed by the case key. <c>audit.head</c> holds
/// one as JSON, and so does a checkpoint (<c>harrier audit checkpoint</c>). The signature covers <see cref="SignedText"/>
/// (see docs/security.md), never the JSON text, so a receiver can check it without Harrier.
/// </summary>
/// <param name="Seq">The entry the head stands for.</param>
/// <param name="Hash">That entry's hash (lower-case hex SHA-256).</param>
/// <param name="SignedUtc">When it was signed, as <see cref="Timestamps.Format"/> text.</param>
/// <param name="KeyFingerprint">The signing key's fingerprint (<see cref="CaseKey.FingerprintOf"/>).</param>
/// <param name="PublicKeyBase64">The signing key's raw 32-byte public key, base64.</param>
/// <param name="SignatureBase64">The 64-byte Ed25519 signature of <see cref="SignedText"/>, base64.</param>
/// <param name="CaseId">The case the chain belongs to.</param>
public sealed record SignedAuditHead(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("hash")] string Hash,
    [property: JsonPropertyName("signedUtc")] string SignedUtc,
    [property: JsonPropertyName("keyFingerprint")] string KeyFingerprint,
    [property: JsonPropertyName("publicKey")] string PublicKeyBase64,
    [property: JsonPropertyName("signature")] string SignatureBase64,
    [property: JsonPropertyName("caseId")] string CaseId)
{
    /// <summary>The first line of the signed text, and the <c>format</c> of the JSON documents, for a head without <see cref="Tables"/>.</summary>
    public const string FormatName = "harrier-audit-head/1";

    /// <summary>The format of a head that also commits to the case's tables (<see cref="Tables"/>).</summary>
    public const string FormatWithTables = "harrier-audit-head/2";

    // Relaxed escaping keeps base64's '+' readable for a receiver copying values by hand; the document is never HTML.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The format marker written into the JSON document.</summary>
    [JsonPropertyName("format")]
    [JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    /// <summary>
    /// The case's tables as they stood when the head was signed (format 2; null in format 1: heads of cases made before
    /// schema 16, and of cases made before case keys). The signed text carries <see cref="TableState.Digest"/>.
    /// </summary>
    [JsonPropertyName("tables")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TableState? Tables { get; init; }

    /// <summary>
    /// The exact bytes signed: UTF-8 of <c>harrier-audit-head/1\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n</c>
    /// (seq in decimal, no padding; every line ends with one LF, the last one too).
    /// </summary>
    public static byte[] SignedBytes(string caseId, long seq, string hash, string signedUtc) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{FormatName}\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n"));

    /// <summary>
    /// The exact bytes signed for a head that commits to <paramref name="tables"/>: UTF-8 of
    /// <c>harrier-audit-head/2\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n{tables digest}\n</c> (<see cref="TableState.Digest"/>);
    /// with no tables, the format 1 bytes of <see cref="SignedBytes(string, long, string, string)"/>.
    /// </summary>
    public static byte[] SignedBytes(string caseId, long seq, string hash, string signedUtc, TableState? tables) =>
        tables is null
            ? SignedBytes(caseId, seq, hash, signedUtc)
            : Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $"{FormatWithTables}\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n{tables.Digest()}\n"));

    /// <summary>The bytes this head's signature covers (its format's).</summary>
    public byte[] SignedText() => SignedBytes(CaseId, Seq, Hash, SignedUtc, Tables);

    /// <summary>The head of <paramref name="caseId"/>'s chain at (<paramref name="seq"/>, <paramref name="hash"/>), signed now by <paramref name="key"/>.</summary>
    public static SignedAuditHead Create(CaseKey key, string caseId, long seq, string hash, DateTimeOffset now) =>
        Create(key, caseId, seq, hash, now, null);

    /// <summary>As <see cref="Create(CaseKey, string, long, string, DateTimeOffset)"/>, committing to <paramref name="tables"/> too (format 2) when given.</summary>
    public static SignedAuditHead Create(CaseKey key, string caseId, long seq, string hash, DateTimeOffset now, TableState? tables)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signedUtc = Timestamps.Format(now);
        var signature = key.Sign(SignedBytes(caseId, seq, hash, signedUtc, tables));
        return new SignedAuditHead(seq, hash, signedUtc, key.Fingerprint, key.PublicKeyBase64, Convert.ToBase64String(signature), caseId)
        {
            Format = tables is null ? FormatName : FormatWithTables,
            Tables = tables,
        };
    }

    /// <summary>
    /// Whether the signature is a valid Ed25519 signature of <see cref="SignedText"/> by the public key it names, and that
    /// key's fingerprint is <see cref="KeyFingerprint"/>. Whether that key is the case's key is the caller's check.
    /// </summary>
    public bool HasValidSignature()
    {
        var expected = Tables is null ? FormatName : FormatWithTables;
        if (!string.Equals(Format, expected, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] publicKey, signature;
        try
        {
            publicKey = Convert.FromBase64String(PublicKeyBase64);
            signature = Convert.FromBase64String(SignatureBase64);
        }
        catch (FormatException)
        {
            return false;
        }

        return string.Equals(CaseKey.FingerprintOf(publicKey), KeyFingerprint, StringComparison.Ordinal)
            && CaseKey.Verify(publicKey, SignedText(), signature);
    }

    /// <summary>The JSON document (<c>audit.head</c>, a checkpoint file).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options) + "\n";

    /// <summary>Reads a JSON document <see cref="ToJson"/> wrote; null when it is not one.</summary>
    public static SignedAuditHead? TryParse(string json)
    {
        try
        {
            var head = JsonSerializer.Deserialize<SignedAuditHead>(json, Options);
            return head is { Hash: not null, SignedUtc: not null, KeyFingerprint: not null, PublicKeyBase64: not null, SignatureBase64: not null, CaseId: not null, Format: not null }
                && (head.Tables is null || (head.Tables.Tables is not null && head.Tables.Tables.All(t => t is { Table: not null, Digest: not null })))
                ? head
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the document to <paramref name="path"/> atomically (a temp file beside it, then a rename).</summary>
    public void WriteTo(string path)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, ToJson());
        File.Move(tmp, path, overwrite: true);
    }
}
