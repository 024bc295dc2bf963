using System.Text.Json.Serialization;

namespace Harrier.Cases;

/// <summary>One registered file (or a path that could not be read, with the reason). <see cref="RelPath"/> is the shown (escaped) form of its name.</summary>
public sealed record EvidenceFile(
    long Id,
    string ExhibitId,
    string RelPath,
    string Status,
    long? Size,
    string? ModifiedUtc,
    string? CreatedUtc,
    string? Md5,
    string? Sha1,
    string? Sha256,
    string? Error)
{
    private readonly byte[]? _relPathBytes;

    /// <summary>
    /// The relative path exactly as the file system holds it (bytes, not necessarily UTF-8; column <c>rel_path_bytes</c>).
    /// <see cref="RelPath"/> is its shown form (<see cref="EvidenceName"/>), escaped where the bytes are not plain text.
    /// Not in JSON: see <see cref="RelPathBase64"/>.
    /// </summary>
    [JsonIgnore]
    public byte[] RelPathBytes
    {
        get => _relPathBytes ?? EvidenceName.Parse(RelPath);
        init => _relPathBytes = value;
    }

    /// <summary>
    /// <see cref="RelPathBytes"/> in base64 where <see cref="RelPath"/> holds an escape (so its text is not the name and
    /// cannot reopen the file); absent from JSON otherwise, where <see cref="RelPath"/> is the name itself.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RelPathBase64 => EvidenceName.IsVerbatim(RelPath) ? null : Convert.ToBase64String(RelPathBytes);
}

/// <summary>Status values of <see cref="EvidenceFile.Status"/>.</summary>
public static class EvidenceStatus
{
    /// <summary>Hashed and recorded.</summary>
    public const string Ok = "ok";

    /// <summary>Could not be read (permission denied, vanished, I/O error); <see cref="EvidenceFile.Error"/> says why. Retried on the next add.</summary>
    public const string Unreadable = "unreadable";

    /// <summary>Deliberately not read (a symbolic link or special file); <see cref="EvidenceFile.Error"/> says what it is.</summary>
    public const string Skipped = "skipped";
}

/// <summary>A path (its shown, escaped form, <see cref="EvidenceName"/>) and why it was not hashed.</summary>
public sealed record EvidenceProblem(string RelPath, string Reason);

/// <summary>What one <c>evidence add</c> did.</summary>
public sealed record EvidenceAddResult(
    string ExhibitId,
    int Found,
    int AlreadyRecorded,
    int Registered,
    long BytesHashed,
    IReadOnlyList<EvidenceProblem> Unreadable,
    IReadOnlyList<EvidenceProblem> Skipped,
    TimeSpan Elapsed);

/// <summary>What <c>evidence verify</c> found.</summary>
public sealed record EvidenceVerifyResult(
    int Checked,
    int Unchanged,
    IReadOnlyList<EvidenceProblem> Changed,
    IReadOnlyList<EvidenceProblem> Missing,
    IReadOnlyList<EvidenceProblem> Added,
    IReadOnlyList<EvidenceProblem> Unreadable)
{
    /// <summary>True when every registered file is present and unchanged and nothing was added.</summary>
    public bool Intact => Changed.Count == 0 && Missing.Count == 0 && Added.Count == 0 && Unreadable.Count == 0;
}

/// <summary>A progress report: <paramref name="Stage"/> is "scan", "hash" or "verify".</summary>
public readonly record struct EvidenceProgress(string Stage, long Done, long Total, long Bytes, long TotalBytes);

/// <summary>A registered exhibit.</summary>
public sealed record Exhibit(string ExhibitId, string? Description, string SourceRoot, string RegisteredUtc, string RegisteredBy, long Files, long Bytes, long Problems);
