using System.Text.Json.Serialization;

namespace Harrier.Scenario.Truth;

/// <summary>
/// <c>truth.json</c>: what every input of a generated scenario really is (schema <c>harrier-scenario-truth/1</c>,
/// described in docs/scenario.md). The one model of the file: <see cref="TruthJson"/> writes and reads it, the
/// generator fills it and the evaluation scores against it. Properties are in file order; the sequences are
/// enumerated while writing (the large preset's file is over a gigabyte).
/// </summary>
public sealed record ScenarioTruth
{
    /// <summary>The schema name and version.</summary>
    public string Schema { get; init; } = TruthJson.Schema;

    public int Seed { get; init; }

    public string Preset { get; init; } = string.Empty;

    /// <summary>Where the login IP addresses came from (a GeoIP file, or the synthetic range).</summary>
    public string IpSource { get; init; } = string.Empty;

    public IEnumerable<TruthItem> Items { get; init; } = [];

    /// <summary>Every file under media/: videos, stills and known-good decoys.</summary>
    public IEnumerable<TruthFile>? Files { get; init; }

    public IEnumerable<TruthPerson> Persons { get; init; } = [];

    public IEnumerable<ScenarioExchange> Exchanges { get; init; } = [];

    /// <summary>Decoy exchanges and swap services (adversarial scenarios only; absent otherwise).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IEnumerable<TruthService>? Services { get; init; }

    /// <summary>Each payment's money trail: which exchange withdrawal funded it.</summary>
    public IEnumerable<TruthPayment>? Payments { get; init; }

    public IEnumerable<ChangeTruth> ChangeOutputs { get; init; } = [];

    public IEnumerable<TruthDecoyTransaction> DecoyTransactions { get; init; } = [];

    public IEnumerable<TruthAddressOwner> AddressOwners { get; init; } = [];

    /// <summary>The earlier case's bank copies (which content item, whether exact hashes can hit).</summary>
    public IEnumerable<TruthBankEntry> Bank { get; init; } = [];

    public IEnumerable<TruthRecordHit> PriorRecordHits { get; init; } = [];

    /// <summary>Per country code, the persons a country package should name, best first.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TruthTarget>> TargetsByCountry { get; init; } = new Dictionary<string, IReadOnlyList<TruthTarget>>();

    /// <summary>
    /// The people stage's truth (persons with time zones, shown roles and tiers, shared infrastructure, near-collisions,
    /// returns); last in the file and left out when null, so the keys above keep their bytes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TruthPeople? People { get; init; }
}

/// <summary>A content item.</summary>
public sealed record TruthItem(int Id, string Source, bool Known, string Category, int ProducerAccountId, bool Rendered);

/// <summary>A media file: <paramref name="Kind"/> is <c>video</c>, <c>image</c> or <c>decoy</c>; <paramref name="Path"/> is relative to the scenario folder.</summary>
public sealed record TruthFile(string Path, string Kind, int UploadId, IReadOnlyList<int>? Items, string Rendition, string Variant, bool Known);

/// <summary>A person behind accounts (never in any input file).</summary>
public sealed record TruthPerson(int Id, string Country, string Roles, bool UsesVpn, int? PaysForPersonId, IReadOnlyList<int> Accounts, IReadOnlyList<string> Exchanges);

/// <summary>
/// A payment (txid, vout to a platform deposit address) and the exchange withdrawal that funded it. Adversarial scenarios
/// add how the payer routed the money and whether a careful analyst could attribute it on chain (both absent, and read as
/// attributable, in a direct scenario); an off-chain payment has an empty txid and exchange.
/// </summary>
public sealed record TruthPayment(int PaymentId, string Exchange, string Jurisdiction, string? WithdrawalTxid, int? WithdrawalVout, string Txid, int Vout)
{
    /// <summary><c>direct</c>, <c>self-custody</c>, <c>coinjoin-whirlpool</c>, <c>coinjoin-wasabi</c>, <c>swap</c>, <c>exchange-batch</c>, <c>decoy-exchange</c> or <c>off-chain</c>; null in a direct scenario.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Route { get; init; }

    /// <summary>Whether a careful analyst could attribute the payment to <see cref="Exchange"/> on chain; null (a direct scenario) means yes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Attributable { get; init; }

    /// <summary>Self-custody hops between the withdrawal and the paying wallet (self-custody payers only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SelfCustodyHops { get; init; }
}

/// <summary>A service of an adversarial scenario besides the tagged exchanges: a decoy exchange (untagged) or a swap service (tagged, no KYC).</summary>
public sealed record TruthService(string Id, string Name, string Country, string Kind, bool Tagged);

/// <summary>A CoinJoin or PayJoin decoy transaction.</summary>
public sealed record TruthDecoyTransaction(string Txid, string Kind);

/// <summary>Who owns an address (<c>exchange:ID</c>, <c>person:ID</c>, …).</summary>
public sealed record TruthAddressOwner(string Address, string Owner);

/// <summary>One bank copy: its content item, MD5, whether a media file has its exact bytes, whether it has a PDQ hash, its vPDQ file.</summary>
public sealed record TruthBankEntry(int ItemId, string Md5, bool ExactInMedia, bool Pdq, string? Vpdq);

/// <summary>A prior record that names a person.</summary>
public sealed record TruthRecordHit(int PersonId, string Type, string Value);

/// <summary>A person a country package should name, with the score that orders them.</summary>
public sealed record TruthTarget(int PersonId, int Score);
