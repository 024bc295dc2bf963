namespace Harrier.Operations.Packages;

/// <summary>The files of a package folder (docs/packages.md).</summary>
public static class PackageFiles
{
    public const string Json = "package.json";

    public const string Html = "package.html";

    public const string Pdf = "package.pdf";

    /// <summary>The case key's public half as a PEM SubjectPublicKeyInfo, for checking <see cref="Signature"/> with common tools.</summary>
    public const string PublicKeyPem = "signing-key.pem";

    public const string KycExtract = "returns/kyc.csv";

    public const string SubscriberExtract = "returns/isp.csv";

    /// <summary>Every other file's SHA-256 and size, the key and the audit head; what <see cref="Signature"/> signs.</summary>
    public const string Manifest = "manifest.json";

    /// <summary>The Ed25519 signature of <see cref="Manifest"/>'s bytes by the case key, base64.</summary>
    public const string Signature = "manifest.sig";
}
