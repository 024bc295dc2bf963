using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Harrier.Cases.Keys;

/// <summary>
/// A case's Ed25519 key (NSec, libsodium): it signs the audit head at every append and whatever else the case vouches
/// for (package manifests). The private key lives outside the case folder (<see cref="CaseKeyStore"/>); <c>case.json</c>
/// records only the public key and its <see cref="Fingerprint"/>.
/// </summary>
public sealed class CaseKey : IDisposable
{
    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;
    private readonly byte[] _publicKey;

    private CaseKey(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        Fingerprint = FingerprintOf(_publicKey);
        PublicKeyBase64 = Convert.ToBase64String(_publicKey);
    }

    /// <summary><c>ed25519:</c> and the first 16 bytes of SHA-256 over the raw 32-byte public key, as lower-case hex.</summary>
    public string Fingerprint { get; }

    /// <summary>The raw 32-byte Ed25519 public key (a copy).</summary>
#pragma warning disable CA1819 // the lead's API: raw bytes, returned as a fresh copy each time
    public byte[] PublicKey => (byte[])_publicKey.Clone();
#pragma warning restore CA1819

    /// <summary>The raw public key in standard base64 (as <c>case.json</c> records it).</summary>
    public string PublicKeyBase64 { get; }

    /// <summary>A new random key.</summary>
    public static CaseKey Generate() =>
        new(Key.Create(Algorithm, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>The key from its PKCS#8 PEM text (<c>-----BEGIN PRIVATE KEY-----</c>, RFC 8410).</summary>
    public static CaseKey ImportPkcs8Pem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!Key.TryImport(Algorithm, Encoding.ASCII.GetBytes(pem), KeyBlobFormat.PkixPrivateKeyText, out var key,
                new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }) || key is null)
        {
            throw new FormatException("not an Ed25519 private key in PKCS#8 PEM form");
        }

        return new CaseKey(key);
    }

    /// <summary>The private key as PKCS#8 PEM text (RFC 8410), readable by OpenSSL.</summary>
    public string ExportPkcs8Pem() => Encoding.ASCII.GetString(_key.Export(KeyBlobFormat.PkixPrivateKeyText));

    /// <summary>The public key as PEM SubjectPublicKeyInfo text (RFC 8410, <c>-----BEGIN PUBLIC KEY-----</c>), readable by OpenSSL: what a package carries.</summary>
    public string ExportPublicKeyPem() => Encoding.ASCII.GetString(_key.PublicKey.Export(KeyBlobFormat.PkixPublicKeyText));

    /// <summary>
    /// A 32-byte secret derived from the private key for one <paramref name="purpose"/> (HKDF-SHA256 over the key's raw
    /// 32-byte seed, the purpose as info): the key of the table digests' HMAC (<see cref="TableState"/>). Only a holder of the
    /// case key can compute it; the signing key itself is never used for anything but Ed25519.
    /// </summary>
    public byte[] DeriveSecret(string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        var seed = _key.Export(KeyBlobFormat.RawPrivateKey);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, 32, salt: [], info: Encoding.UTF8.GetBytes(purpose));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>A 64-byte Ed25519 signature over <paramref name="data"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => Algorithm.Sign(_key, data);

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/> by the raw <paramref name="publicKey"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Algorithm.PublicKeySize || signature.Length != Algorithm.SignatureSize
            || !NSec.Cryptography.PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null)
        {
            return false;
        }

        return Algorithm.Verify(key, data, signature);
    }

    /// <summary>The fingerprint of a raw public key (see <see cref="Fingerprint"/>).</summary>
    public static string FingerprintOf(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(publicKey, digest);
        return "ed25519:" + Convert.ToHexStringLower(digest[..16]);
    }

    public void Dispose() => _key.Dispose();
}
