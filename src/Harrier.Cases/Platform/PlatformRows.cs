namespace Harrier.Cases.Platform;

/// <summary>
/// One row of each platform entity as the case keeps it. Keys are the platform's own identifiers as text
/// (<c>17</c>, <c>a9f3…</c>); times are <see cref="Timestamps.Format"/> text or null when the platform had none;
/// amounts are invariant decimal text, exactly as the platform stored them (no unit conversion).
/// <c>RowKey</c> names the source row (its key columns' values) so an analyst can find it in the seized database.
/// </summary>
public sealed record PlatformAccount(string AccountKey, string? Username, string? Email, string? RegisteredUtc, string? Role, bool IsAdmin,
    string? DepositAddress);

/// <summary>A login: who, when, from which address, with which client.</summary>
public sealed record PlatformLogin(string? RowKey, string AccountKey, string TimeUtc, string? Ip, string? UserAgent);

/// <summary>An upload (a post): who published it and when; its files are <see cref="PlatformUploadFile"/> rows.</summary>
public sealed record PlatformUpload(string UploadKey, string AccountKey, string? TimeUtc);

/// <summary>One stored file of an upload, by path and/or digest (lower-case hex), as the platform recorded it.</summary>
public sealed record PlatformUploadFile(string UploadKey, string? Path, string? Sha256, string? Md5);

/// <summary>A category given to an upload (by an account, at a time, where the platform kept them).</summary>
public sealed record PlatformCategorisation(string? RowKey, string UploadKey, string Category, string? AccountKey, string? TimeUtc);

/// <summary>A ledger entry (tokens, credits): the platform's own bookkeeping of an account.</summary>
public sealed record PlatformLedgerEntry(string? RowKey, string AccountKey, string? Kind, string Amount, string? Currency, string? TimeUtc,
    string? UploadKey, string? Txid);

/// <summary>A payment the platform saw for an account (e.g. to its deposit address).</summary>
public sealed record PlatformPayment(string? RowKey, string AccountKey, string Amount, string? Currency, string? DepositAddress, string? Txid,
    long? Vout, string? TimeUtc);

/// <summary>A message's metadata only (from, to, when): the case never stores message content.</summary>
public sealed record PlatformMessage(string? RowKey, string FromKey, string ToKey, string? TimeUtc);

/// <summary>Rows written per entity by one import.</summary>
public sealed record PlatformCounts(
    long Accounts,
    long Logins,
    long Uploads,
    long UploadFiles,
    long LinkedFiles,
    long Categorisations,
    long Ledger,
    long Payments,
    long Messages);

/// <summary>What identifies an import's source and mapping.</summary>
/// <param name="Source">The source as shown (a path, or a connection without password).</param>
/// <param name="SourceKind"><c>sqlite</c>, <c>postgres</c> or <c>dump</c>.</param>
/// <param name="SourceId">What makes two imports the same source: <c>sha256:HEX</c> of a file, or <c>postgres:HOST:PORT/DB</c>.</param>
/// <param name="MappingSha256">SHA-256 of the mapping's canonical text.</param>
/// <param name="Mapping">The mapping's canonical text, kept with the import.</param>
public sealed record PlatformImportSource(string Source, string SourceKind, string SourceId, string MappingSha256, string Mapping);

/// <summary>A platform import recorded in the case.</summary>
public sealed record PlatformImportInfo(long ImportId, string Source, string SourceKind, string SourceId, string MappingSha256, PlatformCounts Counts,
    long RejectedRows, string ImportedUtc, string ImportedBy);

/// <summary>An upload file as linked to the case's evidence: <c>LinkedBy</c> is <c>sha256</c>, <c>md5</c>, <c>path</c> or null.</summary>
public sealed record PlatformLinkedFile(string UploadKey, string? Path, string? Sha256, string? Md5, long? EvidenceId, string? LinkedBy);

/// <summary>Entries counted and summed in one currency (null: the platform named none); <c>Sum</c> is invariant decimal text.</summary>
public sealed record PlatformAmount(string? Currency, long Count, string Sum);

/// <summary>What an account did on the platform (<see cref="PlatformStore.ActivityAsync"/>); login times are <see cref="Timestamps.Format"/> text.</summary>
public sealed record PlatformActivity(
    string? FirstLoginUtc,
    string? LastLoginUtc,
    long Logins,
    IReadOnlyList<string> LoginIps,
    long Uploads,
    long Categorisations,
    IReadOnlyList<PlatformAmount> Payments,
    IReadOnlyList<PlatformAmount> LedgerSpend);
