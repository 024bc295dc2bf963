using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harrier.Cases;

/// <summary>
/// The case folder's manifest, <c>case.json</c>: which case this is and where its database lives. Together with
/// <c>case.db</c> (SQLite) and <c>audit.head</c> it makes the folder self-describing, so it can be archived and
/// verified on its own.
/// </summary>
public sealed record CaseFolder(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("caseId")] string CaseId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("createdUtc")] string CreatedUtc,
    [property: JsonPropertyName("database")] string Database)
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "case.json";

    /// <summary>The SQLite database's file name.</summary>
    public const string DatabaseFileName = "case.db";

    /// <summary>The file holding the last audit entry's sequence number and hash (the chain's anchor).</summary>
    public const string AuditHeadFileName = "audit.head";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    /// <summary>Reads <c>case.json</c> from <paramref name="caseDir"/>.</summary>
    public static CaseFolder Read(string caseDir)
    {
        var path = Path.Combine(caseDir, ManifestFileName);
        if (!File.Exists(path))
        {
            throw new CaseStoreException($"no case in {caseDir} ({ManifestFileName} not found); create one with 'harrier case init DIR --name NAME' or pass --case DIR");
        }

        try
        {
            return JsonSerializer.Deserialize<CaseFolder>(File.ReadAllText(path), Options)
                ?? throw new CaseStoreException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new CaseStoreException($"{path} is not a valid case manifest: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest, refusing to overwrite one.</summary>
    public void WriteNew(string caseDir)
    {
        var path = Path.Combine(caseDir, ManifestFileName);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        JsonSerializer.Serialize(stream, this, Options);
    }
}
