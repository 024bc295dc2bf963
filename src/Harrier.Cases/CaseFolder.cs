using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harrier.Cases;

/// <summary>
/// The case folder's manifest, <c>case.json</c>: which case this is and where its database lives. Together with
/// <c>case.db</c> (SQLite) and <c>audit.head</c> it makes the folder self-describing, so it can be archived and
/// verified on its own. The folder's layout is named here and nowhere else:
/// <code>
/// case.json      this manifest
/// case.db        the SQLite database (absent when the case lives in PostgreSQL)
/// audit.head     the audit chain's anchor
/// chain/         the columnar chain store, its clusters (chain/clusters/) and the last trace (chain/trace.json)
/// tags/          imported tag and actor packs
/// derived/       blurred thumbnails and keyframe strips
/// </code>
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

    /// <summary>The chain store's folder name.</summary>
    public const string ChainFolderName = "chain";

    /// <summary>The imported tag packs' folder name.</summary>
    public const string TagsFolderName = "tags";

    /// <summary>The derived files' (thumbnails, keyframe strips) folder name.</summary>
    public const string DerivedFolderName = "derived";

    /// <summary>The last trace's file name, inside <see cref="ChainFolderName"/>.</summary>
    public const string TraceFileName = "trace.json";

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

    /// <summary>The chain store's folder in <paramref name="caseDir"/>.</summary>
    public static string ChainDirectory(string caseDir) => Path.Combine(caseDir, ChainFolderName);

    /// <summary>The imported tag packs' folder in <paramref name="caseDir"/>.</summary>
    public static string TagsDirectory(string caseDir) => Path.Combine(caseDir, TagsFolderName);

    /// <summary>The derived files' folder in <paramref name="caseDir"/>.</summary>
    public static string DerivedDirectory(string caseDir) => Path.Combine(caseDir, DerivedFolderName);

    /// <summary>The last trace in <paramref name="caseDir"/>.</summary>
    public static string TraceFile(string caseDir) => Path.Combine(ChainDirectory(caseDir), TraceFileName);
}
