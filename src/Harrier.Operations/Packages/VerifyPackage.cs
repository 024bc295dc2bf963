namespace Harrier.Operations.Packages;

/// <summary>
/// Checks a package folder without the case (a receiving unit has none): the manifest's Ed25519 signature, that the key
/// is the one expected (its fingerprint, given by the sending unit by another channel, or the case's key), the audit
/// head's signature, and every file against the manifest. Reads only; audits nothing (it reveals nothing of a case).
/// </summary>
public static class VerifyPackage
{
    public static VerifyPackageResult Run(VerifyPackageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dir = Path.GetFullPath(request.Directory);
        if (!Directory.Exists(dir))
        {
            throw new OperationException($"{dir}: no such package folder");
        }

        if (string.IsNullOrWhiteSpace(request.ExpectedFingerprint))
        {
            throw new OperationException("name the key you expect: --fingerprint ed25519:… as the sending unit gave it to you (or --case DIR of the case that built it)");
        }

        var (manifest, problems) = PackageManifest.Verify(dir, request.ExpectedFingerprint.Trim());
        return new VerifyPackageResult(dir, manifest?.Country, problems.Count == 0, manifest?.KeyFingerprint, request.ExpectedFingerprint.Trim(),
            manifest?.Files.Count ?? 0, manifest?.AuditHead.Seq, manifest?.BuiltUtc, problems.FirstOrDefault(), problems);
    }
}

/// <summary>Which folder, and the fingerprint of the key it must be signed with.</summary>
public sealed record VerifyPackageRequest(string Directory, string? ExpectedFingerprint);

/// <summary>Whether the package is intact and signed by the expected key (<c>Files</c>: the files its manifest lists, all but manifest.json and manifest.sig); the first problem names the first file changed, added or removed.</summary>
public sealed record VerifyPackageResult(string Directory, string? Country, bool Valid, string? KeyFingerprint, string ExpectedFingerprint, int Files, long? AuditHeadSeq,
    string? BuiltUtc, PackageProblem? First, IReadOnlyList<PackageProblem> Problems);
