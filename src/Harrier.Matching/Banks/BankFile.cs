namespace Harrier.Matching.Banks;

/// <summary>A parsed hash-set file.</summary>
/// <param name="Format">The format it was read as.</param>
/// <param name="Version">The format's version or dialect as found (e.g. <c>VICS 2.0 US #Media</c>).</param>
/// <param name="Envelope">VICS: the root key and its value (<c>@odata.context</c> or <c>odata.metadata</c>), for a faithful export.</param>
/// <param name="Entries">The records.</param>
/// <param name="Warnings">Lines or records that were skipped, each with where it is (line or record) and why (no hash values).</param>
public sealed record BankFile(
    BankFormat Format,
    string Version,
    KeyValuePair<string, string>? Envelope,
    IReadOnlyList<BankEntry> Entries,
    IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Records kept with a field left out because its value was not valid (a digest that is not hex of the right length, a
    /// category that is a list): each says where (line or record), which field, the value as written and why.
    /// </summary>
    public IReadOnlyList<string> Degraded { get; init; } = [];
}
