using System.Text.Json.Serialization;

namespace Harrier.Cases.Keys;

/// <summary>What <c>case.json</c> records of the case key: never the private key, only what checks its signatures.</summary>
/// <param name="Algorithm">Always <c>ed25519</c>.</param>
/// <param name="Fingerprint">The key's fingerprint (<see cref="CaseKey.FingerprintOf"/>).</param>
/// <param name="PublicKeyBase64">The raw 32-byte public key, base64.</param>
public sealed record CaseKeyInfo(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("publicKey")] string PublicKeyBase64)
{
    /// <summary>The record of <paramref name="key"/>.</summary>
    public static CaseKeyInfo Of(CaseKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new CaseKeyInfo("ed25519", key.Fingerprint, key.PublicKeyBase64);
    }
}
