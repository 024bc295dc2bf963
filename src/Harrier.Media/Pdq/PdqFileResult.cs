namespace Harrier.Media.Pdq;

/// <summary>
/// The outcome for one file of a <see cref="PdqBatch"/>: a result (<see cref="Hashes"/> holds the dihedral set when
/// asked for), or an <see cref="Error"/> message that starts with the path.
/// </summary>
public sealed record PdqFileResult(string Path, PdqResult? Result, PdqDihedralResult? Hashes, string? Error)
{
    /// <summary>Whether the file was hashed.</summary>
    public bool Succeeded => Error is null;
}
