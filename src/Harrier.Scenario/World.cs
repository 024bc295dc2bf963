namespace Harrier.Scenario;

/// <summary>Roles a person plays on the platform (a person may have several).</summary>
[Flags]
public enum PersonRole
{
    None = 0,
    Viewer = 1,
    Payer = 2,
    Producer = 4,
    Uploader = 8,
    Categoriser = 16,
    Admin = 32,
}

/// <summary>A human behind one or more accounts (never in any input file; only in truth.json).</summary>
public sealed record Person(int Id, string Country, PersonRole Roles, bool UsesVpn, int? PaysForPersonId);

/// <summary>A platform account.</summary>
public sealed record Account(int Id, int PersonId, string Username, string Email, string UserAgent, string DepositAddress, long CreatedUnix);

/// <summary>A unique piece of content; rendered as a benign slideshow or a test pattern.</summary>
public sealed record ContentItem(int Id, string Source, IReadOnlyList<string> Photos, string Pattern, bool Known, string KnownCategory, int ProducerAccountId);

/// <summary>One upload event: an item (or a transformed copy, or a compilation) in three renditions.</summary>
public sealed record Upload(int Id, int ItemId, int AccountId, string Variant, IReadOnlyList<int> CompilationItemIds, long UnixTime, string Title, string Description);

/// <summary>One rendition file of an upload.</summary>
public sealed record Rendition(int UploadId, string Quality, int Height, string RelPath, bool Rendered);

/// <summary>A still image in the media folder (a frame-like photo of an item, possibly transformed).</summary>
public sealed record StillImage(string RelPath, int ItemId, string Transform, bool Known);

/// <summary>A token-ledger row.</summary>
public sealed record LedgerEntry(long Id, int AccountId, string Kind, long Tokens, long UnixTime, int? UploadId, string? PaymentTxid);

/// <summary>A login: address, agent and time.</summary>
public sealed record Login(long Id, int AccountId, string Ip, string UserAgent, long UnixTime, bool ViaAnonymiser);

/// <summary>A payment the platform saw arrive at a deposit address.</summary>
public sealed record Payment(int Id, int AccountId, int PayerPersonId, string DepositAddress, long Satoshis, long UnixTime, string Exchange, string Txid, int Vout);
