namespace Harrier.Scenario.People;

/// <summary>A generated identity (plainly fake) as an exchange or an internet provider would hold it.</summary>
internal sealed record Identity(string GivenName, string Surname, string DateOfBirth, string Street, string Town, string Postcode, string Country);

/// <summary>What the people stage adds to a person: where and when they live, their connections and devices, their shown roles.</summary>
internal sealed class PersonProfile
{
    public required int PersonId { get; init; }

    public required string Country { get; init; }

    public required string TimeZone { get; init; }

    public required int UtcOffsetMinutes { get; init; }

    public required Isp Isp { get; init; }

    /// <summary>The household's index in its provider's block (fixed; the address changes per lease period).</summary>
    public required int Slot { get; init; }

    public required Carrier Carrier { get; init; }

    /// <summary>The VPN provider or Tor the person uses (null: none).</summary>
    public Anonymiser? Anonymiser { get; init; }

    public required string DesktopAgent { get; init; }

    public required string MobileAgent { get; init; }

    /// <summary>The roles the platform's data shows (see <c>PeopleBuilder.ShownRoles</c>).</summary>
    public PersonRole ShownRoles { get; set; }

    /// <summary>The tier the truth says the person should get (1 most urgent … 4).</summary>
    public int Tier { get; set; }

    public string HouseholdIp(long unix) => Isp.Address(Slot, Isp.Period(unix));

    /// <summary>Local time: seconds to add to UTC.</summary>
    public long OffsetSeconds => UtcOffsetMinutes * 60L;
}

/// <summary>Two usernames of different persons made one edit apart on purpose.</summary>
internal sealed record NearCollision(int AccountA, string UsernameA, int PersonA, int AccountB, string UsernameB, int PersonB, string Kind);

/// <summary>A prior-records row the people stage adds (a username reused from an earlier case).</summary>
internal sealed record PriorRecordRow(int PersonId, string Type, string Value, string EarlierCase);

/// <summary>One exchange's KYC answer for one withdrawal.</summary>
internal sealed record KycRow(string Exchange, string CustomerId, string WithdrawalTxid, int WithdrawalVout, string WithdrawalAddress, Identity Holder, string IdType, string IdNumber,
    string RegistrationIp, long RegisteredUnix, int PersonId, bool InRelativeName);

/// <summary>One internet provider's answer: who held a household address during a lease.</summary>
internal sealed record IspRow(string Isp, string Ip, long LeaseFrom, long LeaseTo, Identity Subscriber, string CustomerRef, long SubscriberSinceUnix, int PersonId, bool SubscriberIsRelative);

/// <summary>Everything the people stage generated beyond the world's own lists (which it rewrites in place: accounts' names, logins, times).</summary>
internal sealed class PeopleWorld
{
    public List<PersonProfile> Profiles { get; } = [];

    public List<Isp> Isps { get; } = [];

    public List<Carrier> Carriers { get; } = [];

    public List<Anonymiser> Anonymisers { get; } = [];

    public List<NearCollision> NearCollisions { get; } = [];

    public List<PriorRecordRow> PriorRecords { get; } = [];

    public List<string> SilentExchanges { get; } = [];

    public List<KycRow> Kyc { get; } = [];

    public List<IspRow> IspReturns { get; } = [];

    /// <summary>Other agencies' claims (the deconfliction stage, <see cref="DeconflictionBuilder"/>).</summary>
    public List<ClaimRow> Claims { get; } = [];
}
