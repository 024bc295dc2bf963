using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harrier.Cases.Keys;

/// <summary>
/// The audit chain's head (its last entry's sequence number and hash) signed by the case key. <c>audit.head</c> holds
/// one as JSON, and so does a checkpoint (<c>harrier audit checkpoint</c>). The signature covers <see cref="SignedBytes"/>
/// (see docs/security.md), never the JSON text, so a receiver can check it without Harrier.
/// </summary>
/// <param name="Seq">The entry the head stands for.</param>
/// <param name="Hash">That entry's hash (lower-case hex SHA-256).</param>
/// <param name="SignedUtc">When it was signed, as <see cref="Timestamps.Format"/> text.</param>
/// <param name="KeyFingerprint">The signing key's fingerprint (<see cref="CaseKey.FingerprintOf"/>).</param>
/// <param name="PublicKeyBase64">The signing key's raw 32-byte public key, base64.</param>
/// <param name="SignatureBase64">The 64-byte Ed25519 signature of <see cref="SignedBytes"/>, base64.</param>
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
    /// <summary>The first line of the signed text, and the <c>format</c> of the JSON documents.</summary>
    public const string FormatName = "harrier-audit-head/1";

    // Relaxed escaping keeps base64's '+' readable for a receiver copying values by hand; the document is never HTML.
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The format marker written into the JSON document.</summary>
    [JsonPropertyName("format")]
    [JsonPropertyOrder(-1)]
    public string Format { get; init; } = FormatName;

    /// <summary>
    /// The exact bytes signed: UTF-8 of <c>harrier-audit-head/1\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n</c>
    /// (seq in decimal, no padding; every line ends with one LF, the last one too).
    /// </summary>
    public static byte[] SignedBytes(string caseId, long seq, string hash, string signedUtc) =>
        Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{FormatName}\n{caseId}\n{seq}\n{hash}\n{signedUtc}\n"));

    /// <summary>The head of <paramref name="caseId"/>'s chain at (<paramref name="seq"/>, <paramref name="hash"/>), signed now by <paramref name="key"/>.</summary>
    public static SignedAuditHead Create(CaseKey key, string caseId, long seq, string hash, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var signedUtc = Timestamps.Format(now);
        var signature = key.Sign(SignedBytes(caseId, seq, hash, signedUtc));
        return new SignedAuditHead(seq, hash, signedUtc, key.Fingerprint, key.PublicKeyBase64, Convert.ToBase64String(signature), caseId);
    }

    /// <summary>
    /// Whether the signature is a valid Ed25519 signature of <see cref="SignedBytes"/> by the public key it names, and that
    /// key's fingerprint is <see cref="KeyFingerprint"/>. Whether that key is the case's key is the caller's check.
    /// </summary>
    public bool HasValidSignature()
    {
        if (!string.Equals(Format, FormatName, StringComparison.Ordinal))
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
            && CaseKey.Verify(publicKey, SignedBytes(CaseId, Seq, Hash, SignedUtc), signature);
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
