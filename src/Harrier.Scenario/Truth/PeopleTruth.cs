namespace Harrier.Scenario.Truth;

/// <summary>
/// truth.json's <c>people</c> section: who is behind which accounts and what the data shows of them, the shared
/// infrastructure, the deliberate username near-collisions, the e-mail providers' rules, and the returns. Written
/// by the people stage; absent (not null) in truth files made before it.
/// </summary>
public sealed record TruthPeople
{
    /// <summary>How <see cref="TruthPeoplePerson.Tier"/> follows from the shown roles.</summary>
    public string TierRule { get; init; } = string.Empty;

    /// <summary>Which spellings reach one mailbox at each provider (the rule <see cref="TruthPeopleAccount.NormalisedEmail"/> applies).</summary>
    public IReadOnlyList<TruthEmailProvider> EmailProviders { get; init; } = [];

    public IEnumerable<TruthPeoplePerson> Persons { get; init; } = [];

    /// <summary>Addresses many persons share: VPN and Tor exits (in the published exit lists) and mobile carrier-grade NAT.</summary>
    public IEnumerable<TruthSharedAddress> SharedInfrastructure { get; init; } = [];

    /// <summary>Username pairs made one edit apart on purpose; always different persons.</summary>
    public IEnumerable<TruthNearCollision> NearCollisions { get; init; } = [];

    /// <summary>Prior-record rows the people stage added (reused usernames): true hits besides the top-level <c>priorRecordHits</c>.</summary>
    public IEnumerable<TruthRecordHit> PriorRecordHits { get; init; } = [];

    public TruthReturns Returns { get; init; } = new();

    /// <summary>
    /// The claims under deconfliction/ and whom each targets (<see cref="TruthClaim.PersonId"/> null: an identifier no
    /// account has). Empty in truth files made before the deconfliction stage.
    /// </summary>
    public IEnumerable<TruthClaim> Claims { get; init; } = [];
}

/// <summary>
/// A claim of another agency: the file it is in, its reference, agency and the agency's country, status, the identifier
/// claimed (type and value), the truth person it targets (null: none) and that person's country; <paramref name="Kind"/> is
/// <c>home</c>, <c>other-country</c>, <c>second-agency</c> or <c>unknown-identifier</c>.
/// </summary>
public sealed record TruthClaim(string File, string ClaimReference, string Agency, string AgencyCountry, string Status, string IdentifierType, string Identifier,
    int? PersonId, string? PersonCountry, string Kind);

/// <summary>A mail provider's normalisation rule (case is always ignored).</summary>
public sealed record TruthEmailProvider(string Domain, bool IgnoresDots, bool PlusTags);

/// <summary>
/// A person as the people stage made them: country and time zone (standard UTC offset in minutes), the roles the
/// data shows and the tier those give, their accounts, home provider, household addresses with the leases during
/// which they logged in from them, and devices.
/// </summary>
public sealed record TruthPeoplePerson(int Id, string Country, string TimeZone, int UtcOffsetMinutes, string Roles, int Tier,
    IReadOnlyList<TruthPeopleAccount> Accounts, string Isp, IReadOnlyList<TruthLease> HouseholdIps, IReadOnlyList<string> Devices, string? Anonymiser);

/// <summary>An account's username and e-mail as on the platform, and the mailbox the e-mail reaches.</summary>
public sealed record TruthPeopleAccount(int Id, string Username, string Email, string NormalisedEmail);

/// <summary>A household address and the lease (UTC, ISO 8601, end exclusive) during which the person held it.</summary>
public sealed record TruthLease(string Ip, string From, string To);

/// <summary>A shared address: <paramref name="Kind"/> is <c>vpn</c>, <c>tor</c> or <c>cgnat</c>; <paramref name="Persons"/> counts distinct persons who logged in through it.</summary>
public sealed record TruthSharedAddress(string Ip, string Kind, string Operator, string? Country, int Persons);

/// <summary>Two usernames one edit apart, of different persons (<paramref name="Kind"/>: appended-digit, appended-underscore, o-to-zero, i-to-one).</summary>
public sealed record TruthNearCollision(int AccountA, string UsernameA, int PersonA, int AccountB, string UsernameB, int PersonB, string Kind);

/// <summary>What the returns under returns/ answer and whom they name.</summary>
public sealed record TruthReturns
{
    /// <summary>Exchanges that never answer (no file under returns/exchanges/).</summary>
    public IReadOnlyList<string> SilentExchanges { get; init; } = [];

    public IEnumerable<TruthKycReturn> Exchanges { get; init; } = [];

    public IEnumerable<TruthIspReturn> Isps { get; init; } = [];
}

/// <summary>A KYC row: the exchange customer and the withdrawal it answers belong to <paramref name="PersonId"/> (the payer); the holder's name is a relative's when <paramref name="InRelativeName"/>.</summary>
public sealed record TruthKycReturn(string Exchange, string CustomerId, string WithdrawalTxid, int WithdrawalVout, int PersonId, bool InRelativeName);

/// <summary>An ISP row: the household at <paramref name="Ip"/> is <paramref name="PersonId"/>'s; the subscriber is another household member when <paramref name="SubscriberIsRelative"/>.</summary>
public sealed record TruthIspReturn(string Isp, string Ip, string LeaseFrom, int PersonId, bool SubscriberIsRelative);
