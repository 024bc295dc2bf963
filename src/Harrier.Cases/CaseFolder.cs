using System.Text.Json;
using System.Text.Json.Serialization;
using Harrier.Cases.Keys;

namespace Harrier.Cases;

/// <summary>
/// The case folder's manifest, <c>case.json</c>: which case this is and where its database lives. Together with
/// <c>case.db</c> (SQLite) and <c>audit.head</c> it makes the folder self-describing, so it can be archived and
/// verified on its own. The folder's layout is named here and nowhere else:
/// <code>
/// case.json      this manifest
/// case.db        the SQLite database (absent when the case lives in PostgreSQL)
/// audit.head     the audit chain's anchor: its head signed by the case key (JSON), or "seq hash" for cases made before keys
/// audit.head.next  the signed head of the entry being committed (written before its commit; see CaseStore.WriteAsync)
/// case.lock      the writer lock of a SQLite case: an OS file lock, held while a command writes (never deleted; its
///                presence means nothing, the lock dies with its process)
/// case.writer    who holds case.lock (JSON: pid, host, actor, command, since), so a refused writer can name it
/// chain/         the columnar chain store, its clusters (chain/clusters/) and the last trace (chain/trace.json)
/// tags/          imported tag and actor packs
/// derived/       blurred thumbnails and keyframe strips
/// </code>
/// Format 2 (cases made since case keys) adds <c>key</c>, the case key's public part, and <c>genesisEntryHash</c>, the hash of
/// audit entry 1 (<c>case.init</c>), so that a log wiped of every entry, or a swapped key, is caught; format 1 has neither.
/// </summary>
public sealed record CaseFolder(
    [property: JsonPropertyName("format")] int Format,
    [property: JsonPropertyName("caseId")] string CaseId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("createdUtc")] string CreatedUtc,
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CaseKeyInfo? Key = null,
    [property: JsonPropertyName("genesisEntryHash"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GenesisEntryHash = null)
{
    /// <summary>The format new cases are written in (2: with the case key and the genesis entry's hash).</summary>
    public const int CurrentFormat = 2;

    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "case.json";

    /// <summary>The SQLite database's file name.</summary>
    public const string DatabaseFileName = "case.db";

    /// <summary>The file holding the last audit entry's sequence number and hash (the chain's anchor).</summary>
    public const string AuditHeadFileName = "audit.head";

    /// <summary>The signed head of the entry being committed, written inside the write transaction before its commit.</summary>
    public const string AuditHeadNextFileName = "audit.head.next";

    /// <summary>The file a SQLite case's writer lock is taken on (an OS lock, released when its process ends).</summary>
    public const string LockFileName = "case.lock";

    /// <summary>Who holds <see cref="LockFileName"/>, written by the holder once it has the lock.</summary>
    public const string WriterFileName = "case.writer";

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

    /// <summary>Replaces the manifest atomically (a temp file beside it, then a rename): only case init does, once.</summary>
    internal void Replace(string caseDir)
    {
        var path = Path.Combine(caseDir, ManifestFileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, Options));
        File.Move(tmp, path, overwrite: true);
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
