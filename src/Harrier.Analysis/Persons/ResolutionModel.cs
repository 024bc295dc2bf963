namespace Harrier.Analysis.Persons;

// The persons engine's contract: records in (what the case holds about accounts, logins, returns, prior records,
// shared infrastructure), persons out (accounts grouped, every link with its evidence and weight, country with its
// evidence, identities from returns, prior-record hits). Keys are the platform's own account keys, as text.

/// <summary>A platform account as the engine sees it.</summary>
/// <param name="Key">The platform's account key.</param>
/// <param name="Username">The handle, as the platform stored it.</param>
/// <param name="Email">The e-mail address, as the platform stored it.</param>
/// <param name="Registered">When the account was created, if known.</param>
/// <param name="IsAdmin">An administrator of the platform.</param>
/// <param name="DepositAddress">The account's deposit address, if the platform gave each account one.</param>
public sealed record AccountInput(string Key, string? Username, string? Email, DateTimeOffset? Registered, bool IsAdmin, string? DepositAddress = null);

/// <summary>One login of an account: when, from which address, with which client.</summary>
public sealed record LoginInput(string AccountKey, DateTimeOffset Time, string? Ip, string? UserAgent);

/// <summary>An identity as a return states it (exchange KYC holder, ISP subscriber). Every field may be missing.</summary>
public sealed record IdentityRecord(
    string? FullName,
    string? GivenName,
    string? Surname,
    string? DateOfBirth,
    string? Street,
    string? Town,
    string? Postcode,
    string? Country,
    string? IdType = null,
    string? IdNumber = null);

/// <summary>
/// An exchange's KYC answer tied to an account: the customer whose withdrawal funded a payment to this account.
/// It says who <em>paid</em>, which is usually, not always, who uses the account (a relative may pay).
/// </summary>
/// <param name="AccountKey">The account whose deposit the withdrawal funded.</param>
/// <param name="Exchange">The answering exchange.</param>
/// <param name="CustomerId">The exchange's customer id.</param>
/// <param name="Holder">The identity the exchange holds for the customer.</param>
/// <param name="RegistrationIp">The address the customer registered from, if given.</param>
/// <param name="Reference">Where the answer is in the case (e.g. <c>returns 3, kraken.csv line 17</c>), for the analyst.</param>
public sealed record KycInput(string AccountKey, string Exchange, string CustomerId, IdentityRecord Holder, string? RegistrationIp, string Reference);

/// <summary>
/// The wallet that paid an account, as the chain trace clusters it (<c>Wallet</c>: any stable name of the payer's
/// cluster). Like KYC it names who paid, not who uses the account; a wallet that paid very many accounts is a service.
/// </summary>
public sealed record PayerWalletInput(string AccountKey, string Wallet, string Reference);

/// <summary>An internet provider's answer: who held <paramref name="Ip"/> from <paramref name="LeaseFrom"/> to <paramref name="LeaseTo"/>.</summary>
public sealed record SubscriberInput(string Isp, string Ip, DateTimeOffset LeaseFrom, DateTimeOffset LeaseTo, string? CustomerRef, IdentityRecord Subscriber, string Reference);

/// <summary>A row of an earlier case's records: an identifier (<c>email</c>, <c>username</c>, <c>bitcoin_address</c>, …) and where it comes from.</summary>
public sealed record PriorRecordInput(string RecordId, string Type, string Value, string? EarlierCase);

/// <summary>An address known to be shared by strangers (a Tor or VPN exit from a published list, a carrier's NAT pool).</summary>
/// <param name="Ip">The address.</param>
/// <param name="Kind"><c>tor</c>, <c>vpn</c>, <c>cgnat</c>, or another word the list gives.</param>
/// <param name="Source">Where it is known from: a list file, or <c>detected</c> with the reason.</param>
public sealed record SharedAddress(string Ip, string Kind, string Source);

/// <summary>How an e-mail provider compares local parts (Gmail ignores dots; most providers ignore a <c>+tag</c>).</summary>
public sealed record EmailProviderRule(string Domain, bool IgnoresDots, bool PlusTags);

/// <summary>IP address → ISO 3166 country code (a GeoIP database); null when unknown.</summary>
public interface ICountryLookup
{
    /// <summary>The country of <paramref name="ip"/>, upper-case ISO 3166-1 alpha-2, or null.</summary>
    string? CountryOf(string ip);
}

/// <summary>Everything the engine works from.</summary>
public sealed record ResolutionInput
{
    public required IReadOnlyList<AccountInput> Accounts { get; init; }

    public IReadOnlyList<LoginInput> Logins { get; init; } = [];

    public IReadOnlyList<KycInput> Kyc { get; init; } = [];

    public IReadOnlyList<SubscriberInput> Subscribers { get; init; } = [];

    /// <summary>Payer wallets from the chain trace (one row per account and wallet that paid it).</summary>
    public IReadOnlyList<PayerWalletInput> PayerWallets { get; init; } = [];

    public IReadOnlyList<PriorRecordInput> PriorRecords { get; init; } = [];

    /// <summary>Published exit lists and other known shared addresses. The engine adds the ones it detects.</summary>
    public IReadOnlyList<SharedAddress> SharedAddresses { get; init; } = [];

    /// <summary>Provider rules beyond the built-in ones (<see cref="EmailRules.BuiltIn"/>).</summary>
    public IReadOnlyList<EmailProviderRule> EmailProviders { get; init; } = [];

    public ICountryLookup? Geo { get; init; }

    public ResolutionOptions Options { get; init; } = new();
}

/// <summary>Thresholds, each with the reason for its default in the engine's documentation (docs/persons.md).</summary>
public sealed record ResolutionOptions
{
    /// <summary>A pair of accounts is linked when its total match weight (log2 Bayes factor, prior included) reaches this.</summary>
    public double LinkThreshold { get; init; }

    /// <summary>An address used by more distinct accounts than this within <see cref="SharedWindow"/> is treated as shared infrastructure.</summary>
    public int SharedAccountsPerWindow { get; init; } = 4;

    public TimeSpan SharedWindow { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Two logins from one household address this close in time count as co-occurrence.</summary>
    public TimeSpan CoOccurrenceWindow { get; init; } = TimeSpan.FromHours(24);
}

/// <summary>One comparison's contribution to a pair's weight, Fellegi–Sunter style: its level, log2(m/u), and what was seen.</summary>
/// <param name="Comparison"><c>email</c>, <c>username</c>, <c>household_ip</c>, <c>device</c>, <c>kyc</c>, <c>payer_wallet</c>, <c>subscriber</c>.</param>
/// <param name="Level">The level reached (e.g. <c>normalised_equal</c>, <c>within_1h</c>).</param>
/// <param name="Weight">log2(m/u) of that level; negative for evidence against.</param>
/// <param name="Detail">What was compared, in words an analyst reads (values, times, the return row).</param>
public sealed record LinkEvidence(string Comparison, string Level, double Weight, string Detail);

/// <summary>Two accounts put in one person, and why.</summary>
/// <param name="Weight">The prior plus every evidence weight.</param>
public sealed record PersonLink(string AccountA, string AccountB, double Weight, IReadOnlyList<LinkEvidence> Evidence);

/// <summary>A pair the engine considered and did not link, with the reason (shared infrastructure only, conflicting evidence, weight under the threshold).</summary>
public sealed record RefusedLink(string AccountA, string AccountB, double Weight, string Reason, IReadOnlyList<LinkEvidence> Evidence);

/// <summary>One piece of evidence for a person's country.</summary>
/// <param name="Source"><c>kyc</c>, <c>isp</c>, <c>geoip</c>, <c>timezone</c>.</param>
public sealed record CountryEvidence(string Source, string Country, double Weight, string Detail);

/// <summary>The country the evidence points to, with a confidence in [0, 1] and every piece of evidence (also those for other countries).</summary>
public sealed record CountryFinding(string Country, double Confidence, IReadOnlyList<CountryEvidence> Evidence);

/// <summary>An identity a return gave for one of the person's accounts, and how it was reached.</summary>
/// <param name="Source"><c>kyc</c> or <c>isp</c>.</param>
/// <param name="AccountKey">The account it came through.</param>
/// <param name="Identity">The identity as the return stated it.</param>
/// <param name="Reference">The return row.</param>
/// <param name="Note">What the analyst must know (e.g. "the payer, not necessarily the user").</param>
public sealed record IdentityFinding(string Source, string AccountKey, IdentityRecord Identity, string Reference, string Note);

/// <summary>A prior record that names one of the person's identifiers.</summary>
/// <param name="Match"><c>exact</c>, <c>normalised</c> or <c>fuzzy</c> (a weak signal only).</param>
public sealed record PriorRecordHit(string AccountKey, string RecordId, string Type, string Value, string Match, string Reason);

/// <summary>A person: one or more accounts, the links that made it, its country, identities and prior-record hits.</summary>
/// <param name="Number">1-based, in order of the smallest account key (stable for the same input).</param>
/// <param name="Identified">True when a return names the person (KYC or subscriber).</param>
public sealed record ResolvedPerson(
    int Number,
    IReadOnlyList<string> AccountKeys,
    IReadOnlyList<PersonLink> Links,
    CountryFinding? Country,
    IReadOnlyList<IdentityFinding> Identities,
    IReadOnlyList<PriorRecordHit> PriorHits,
    bool Identified);

/// <summary>Counts that say how the run went.</summary>
public sealed record ResolutionStats(int Accounts, int Persons, long CandidatePairs, int Links, int Refused, int SharedAddressesListed, int SharedAddressesDetected);

/// <summary>The engine's answer.</summary>
public sealed record ResolutionResult(
    IReadOnlyList<ResolvedPerson> Persons,
    IReadOnlyList<RefusedLink> Refused,
    IReadOnlyList<SharedAddress> SharedAddresses,
    ResolutionStats Stats);
