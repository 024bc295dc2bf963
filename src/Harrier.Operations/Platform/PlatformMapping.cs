namespace Harrier.Operations.Platform;

/// <summary>
/// How a seized platform's tables and columns map onto Harrier's platform entities (docs/platform.md). Read and
/// written by <see cref="PlatformMappingFormat"/> (YAML). Each entity names one source table, the columns its fields come
/// from, constants for fields the platform never stored (a currency), and the key columns that name a row in reports.
/// An entity left out is not imported.
/// </summary>
public sealed class PlatformMapping
{
    /// <summary>The format's version; 1.</summary>
    public int Version { get; set; } = 1;

    /// <summary>How times are written in the source, for every entity that does not say otherwise (see <see cref="PlatformValues.TryTime"/>).</summary>
    public string? TimeFormat { get; set; }

    /// <summary>Accounts: <c>id</c>*, username, email, registered, role, admin, deposit_address.</summary>
    public PlatformTableMapping? Accounts { get; set; }

    /// <summary>Logins: id, <c>account</c>*, <c>time</c>*, ip, user_agent.</summary>
    public PlatformTableMapping? Logins { get; set; }

    /// <summary>Uploads (posts): <c>id</c>*, <c>account</c>*, time.</summary>
    public PlatformTableMapping? Uploads { get; set; }

    /// <summary>Stored files of uploads: <c>upload</c>*, path, sha256, md5 (at least one of the three).</summary>
    public PlatformTableMapping? UploadFiles { get; set; }

    /// <summary>Categorisations: id, <c>upload</c>*, <c>category</c>*, account, time.</summary>
    public PlatformTableMapping? Categorisations { get; set; }

    /// <summary>Ledger entries: id, <c>account</c>*, <c>amount</c>*, currency, kind, time, upload, txid.</summary>
    public PlatformTableMapping? Ledger { get; set; }

    /// <summary>Payments: id, <c>account</c>*, <c>amount</c>*, currency, deposit_address, txid, vout, time.</summary>
    public PlatformTableMapping? Payments { get; set; }

    /// <summary>Messages (metadata only): id, <c>from</c>*, <c>to</c>*, time.</summary>
    public PlatformTableMapping? Messages { get; set; }

    /// <summary>The mapping of the scenario generator's platform schema (<c>users</c>, <c>logins</c>, <c>videos</c>, …).</summary>
    public static PlatformMapping Default => new()
    {
        Accounts = new()
        {
            Table = "users",
            Columns = new() { ["id"] = "id", ["username"] = "username", ["email"] = "email", ["registered"] = "created_at", ["role"] = "role", ["deposit_address"] = "deposit_address" },
            AdminRoles = ["admin"],
        },
        Logins = new()
        {
            Table = "logins",
            Columns = new() { ["id"] = "id", ["account"] = "user_id", ["time"] = "logged_in_at", ["ip"] = "ip", ["user_agent"] = "user_agent" },
        },
        Uploads = new()
        {
            Table = "videos",
            Columns = new() { ["id"] = "id", ["account"] = "uploader_id", ["time"] = "uploaded_at" },
        },
        UploadFiles = new()
        {
            Table = "video_files",
            Key = ["video_id", "quality"],
            Columns = new() { ["upload"] = "video_id", ["path"] = "path" },
        },
        Categorisations = new()
        {
            Table = "video_categories",
            Key = ["video_id", "category", "assigned_by"],
            Columns = new() { ["upload"] = "video_id", ["category"] = "category", ["account"] = "assigned_by", ["time"] = "assigned_at" },
        },
        Ledger = new()
        {
            Table = "token_ledger",
            Columns = new() { ["id"] = "id", ["account"] = "user_id", ["amount"] = "tokens", ["kind"] = "kind", ["time"] = "created_at", ["upload"] = "video_id", ["txid"] = "txid" },
            Constants = new() { ["currency"] = "token" },
        },
        Payments = new()
        {
            Table = "payments",
            Columns = new()
            {
                ["id"] = "id", ["account"] = "user_id", ["amount"] = "satoshis", ["deposit_address"] = "deposit_address", ["txid"] = "txid", ["vout"] = "vout",
                ["time"] = "seen_at",
            },
            Constants = new() { ["currency"] = "sat" },
        },
        Messages = new()
        {
            Table = "messages",
            Key = ["from_user", "to_user", "sent_at"],
            Columns = new() { ["from"] = "from_user", ["to"] = "to_user", ["time"] = "sent_at" },
        },
    };
}

/// <summary>One entity's source table.</summary>
public sealed class PlatformTableMapping
{
    /// <summary>The source table (or view).</summary>
    public string Table { get; set; } = string.Empty;

    /// <summary>Columns whose values name a row in reports of rejected rows (default: the <c>id</c> field's column, else the row number).</summary>
    public List<string> Key { get; set; } = [];

    /// <summary>Field → source column.</summary>
    public Dictionary<string, string> Columns { get; set; } = [];

    /// <summary>Field → a value for every row (for what the platform never stored, e.g. <c>currency: sat</c>).</summary>
    public Dictionary<string, string> Constants { get; set; } = [];

    /// <summary>How this table writes times (overrides the mapping's <see cref="PlatformMapping.TimeFormat"/>).</summary>
    public string? TimeFormat { get; set; }

    /// <summary>Accounts only: role values that make an account an administrator (besides a true <c>admin</c> column).</summary>
    public List<string> AdminRoles { get; set; } = [];
}
