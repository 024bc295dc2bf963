using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harrier.Cases.Keys;

namespace Harrier.Operations.Packages;

/// <summary>One file of a package as its manifest lists it (path relative to the package folder, '/'-separated).</summary>
public sealed record ManifestFile(string Path, string Sha256, long Size);

/// <summary>
/// manifest.json: what a package holds and who signed it. <c>manifest.sig</c> is the Ed25519 signature of the
/// manifest's exact bytes by the case key, so a change to any listed file, to the list, or to the key is caught.
/// </summary>
public sealed record PackageManifest(
    string Schema,
    string Country,
    string CaseId,
    string BuiltUtc,
    string KeyFingerprint,
    string PublicKey,
    PackageAuditHead AuditHead,
    IReadOnlyList<ManifestFile> Files)
{
    public const string SchemaName = "harrier-package-manifest/1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // Keys, digests and names as people read and copy them ('+' in base64 not escaped as \u002B); files, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Lists every file under <paramref name="dir"/> (but the manifest and its signature) with its SHA-256, writes
    /// manifest.json and signs it into manifest.sig. Returns the manifest's own SHA-256 (what the audit entry records).
    /// </summary>
    internal static string WriteAndSign(string dir, string country, string caseId, string builtUtc, CaseKey key, PackageAuditHead head)
    {
        var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Select(f => Relative(dir, f))
            .Where(p => p is not PackageFiles.Manifest and not PackageFiles.Signature)
            .Order(StringComparer.Ordinal)
            .Select(p => new ManifestFile(p, Sha256(Path.Combine(dir, p)), new FileInfo(Path.Combine(dir, p)).Length))
            .ToList();
        var manifest = new PackageManifest(SchemaName, country, caseId, builtUtc, key.Fingerprint, key.PublicKeyBase64, head, files);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        File.WriteAllBytes(Path.Combine(dir, PackageFiles.Manifest), bytes);
        File.WriteAllText(Path.Combine(dir, PackageFiles.Signature), Convert.ToBase64String(key.Sign(bytes)) + "\n");
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>
    /// Checks a package folder: the manifest's signature with its key, that key against <paramref name="expectedFingerprint"/>,
    /// the audit head's signature, and every file against the manifest (changed, added, removed). Problems come in a
    /// fixed order (manifest first, then files by path), so the first one names the first thing that is wrong.
    /// </summary>
    internal static (PackageManifest? Manifest, List<PackageProblem> Problems) Verify(string dir, string expectedFingerprint)
    {
        var problems = new List<PackageProblem>();
        var manifestPath = Path.Combine(dir, PackageFiles.Manifest);
        var sigPath = Path.Combine(dir, PackageFiles.Signature);
        if (!File.Exists(manifestPath))
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "removed", "the package has no manifest"));
            return (null, problems);
        }

        var bytes = File.ReadAllBytes(manifestPath);
        PackageManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PackageManifest>(bytes, Json);
        }
        catch (JsonException e)
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", "not a package manifest: " + e.Message));
            return (null, problems);
        }

        if (manifest is null || manifest.Schema != SchemaName || manifest.Files is null || manifest.AuditHead is null)
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", $"not a {SchemaName} manifest"));
            return (null, problems);
        }

        byte[] publicKey;
        try
        {
            publicKey = Convert.FromBase64String(manifest.PublicKey);
        }
        catch (FormatException)
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", "its public key is not base64"));
            return (manifest, problems);
        }

        var fingerprint = CaseKey.FingerprintOf(publicKey);
        if (!string.Equals(fingerprint, expectedFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "other key", $"signed with key {fingerprint}, not the expected {expectedFingerprint}"));
        }
        else if (!string.Equals(manifest.KeyFingerprint, fingerprint, StringComparison.Ordinal))
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", $"states fingerprint {manifest.KeyFingerprint} for a key whose fingerprint is {fingerprint}"));
        }

        if (!File.Exists(sigPath))
        {
            problems.Add(new PackageProblem(PackageFiles.Signature, "removed", "the manifest's signature is missing"));
        }
        else if (!TryBase64(File.ReadAllText(sigPath).Trim(), out var sig) || !CaseKey.Verify(publicKey, bytes, sig))
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", "the signature in manifest.sig does not verify over manifest.json with the package's key"));
        }

        var head = manifest.AuditHead;
        if (!TryBase64(head.Signature, out var headSig) || !CaseKey.Verify(publicKey, Encoding.UTF8.GetBytes(head.SignedText), headSig))
        {
            problems.Add(new PackageProblem(PackageFiles.Manifest, "changed", "the audit head's signature does not verify with the package's key"));
        }

        var listed = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var f in manifest.Files)
        {
            listed[f.Path] = f;
        }

        var present = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Relative(dir, f))
            .Where(p => p is not PackageFiles.Manifest and not PackageFiles.Signature).ToHashSet(StringComparer.Ordinal);
        foreach (var path in listed.Keys.Union(present).Order(StringComparer.Ordinal))
        {
            if (!present.Contains(path))
            {
                problems.Add(new PackageProblem(path, "removed", "listed in the manifest, not in the folder"));
            }
            else if (!listed.TryGetValue(path, out var f))
            {
                problems.Add(new PackageProblem(path, "added", "in the folder, not in the manifest"));
            }
            else
            {
                var actual = Sha256(Path.Combine(dir, path));
                if (!string.Equals(actual, f.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(new PackageProblem(path, "changed", $"SHA-256 {actual}, the manifest says {f.Sha256}"));
                }
            }
        }

        return (manifest, problems);
    }

    private static bool TryBase64(string text, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static string Relative(string dir, string file) => Path.GetRelativePath(dir, file).Replace(Path.DirectorySeparatorChar, '/');

    private static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}

/// <summary>One thing wrong with a package: the file, what happened to it (<c>changed</c>, <c>added</c>, <c>removed</c>, <c>other key</c>), and in words.</summary>
public sealed record PackageProblem(string File, string Kind, string Detail);
