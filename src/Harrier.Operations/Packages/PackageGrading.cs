using Harrier.Analysis.Persons;

namespace Harrier.Operations.Packages;

/// <summary>
/// How each kind of item is graded (Europol's 4×4: source reliability A–C/X, information accuracy 1–4) and which
/// handling code it carries beyond the package's own. One table, stated here and in docs/packages.md, so a receiving
/// unit can see why an item is graded as it is.
/// </summary>
internal static class PackageGrading
{
    /// <summary>Digests and triage results Harrier computed from the seized media: source beyond doubt, known to be true.</summary>
    public const string EvidenceFile = "A1";

    /// <summary>The seized platform's own records (accounts, administrators, uploads, categorisations, payments): authentic, not confirmed apart from the platform.</summary>
    public const string PlatformRecord = "A2";

    /// <summary>A link between accounts on identifying evidence (same KYC customer, same mailbox, same paying wallet, same subscriber).</summary>
    public const string StrongLink = "B2";

    /// <summary>A link on supporting evidence only (household address co-occurrence, device, handle, time zone).</summary>
    public const string SupportingLink = "B3";

    /// <summary>An exchange's KYC answer: the provider's record of its customer (may be a relative's name).</summary>
    public const string Kyc = "B2";

    /// <summary>An internet provider's subscriber answer: names the subscriber, who may be another member of the household.</summary>
    public const string Subscriber = "B3";

    /// <summary>A country from a return (KYC or subscriber country).</summary>
    public const string CountryFromReturn = "B2";

    /// <summary>A country from GeoIP and time zone only.</summary>
    public const string CountryInferred = "C3";

    /// <summary>A data request from the chain trace (exchange attribution by tag packs and clustering).</summary>
    public const string Request = "B2";

    /// <summary>A prior record matched exactly or through a normalised e-mail.</summary>
    public const string PriorExact = "B2";

    /// <summary>A prior record matched by a one-character handle difference: a weak signal.</summary>
    public const string PriorFuzzy = "B4";

    /// <summary>Another agency's claim as its register entry states it: not checked by this case.</summary>
    public const string Claim = "B3";

    /// <summary>Provider data (KYC and subscriber returns): not to be used in court without the provider's or the issuing authority's permission.</summary>
    public const string ProviderHandling = "H1";

    /// <summary>Handling codes and their meaning (Europol Regulation 2016/794, Art. 29).</summary>
    public static IReadOnlyDictionary<string, string> HandlingMeanings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["H0"] = "use only for the purpose of preventing and combating crime",
        ["H1"] = "not to be used as evidence in judicial proceedings without the permission of the provider",
        ["H2"] = "not to be disseminated further without the permission of the provider",
        ["H3"] = "other restrictions: see the covering letter",
    };

    /// <summary>The grading key a package prints.</summary>
    public static IReadOnlyList<PackageGradingKey> Key { get; } =
    [
        new(EvidenceFile, "evidence file references: digests and triage results computed by Harrier from the seized media"),
        new(PlatformRecord, "the seized platform's own records: accounts, administrators, uploads, categorisations, payments, and the ranking factors that rest on them"),
        new(StrongLink, "accounts linked on identifying evidence (KYC customer, mailbox, paying wallet, subscriber); exchange KYC answers; a country from a return; data requests from the chain trace; exact prior-record matches"),
        new(SupportingLink, "accounts linked on supporting evidence only (household address, device, handle); internet-provider subscriber answers; claims of other agencies as registered"),
        new(CountryInferred, "a country from GeoIP and time zone only"),
        new(PriorFuzzy, "a prior record matched by a one-character handle difference (a weak signal)"),
    ];

    private static readonly HashSet<string> Identifying = new(StringComparer.Ordinal) { "email", "kyc", "payer_wallet", "subscriber" };

    /// <summary>The grading of a link: strong when any positive evidence identifies.</summary>
    public static string Link(PersonLink link) =>
        link.Evidence.Any(e => e.Weight > 0 && Identifying.Contains(e.Comparison)) ? StrongLink : SupportingLink;

    /// <summary>The grading of a country finding: from a return, or inferred.</summary>
    public static string Country(CountryFinding? finding) =>
        finding is not null && finding.Evidence.Any(e => e.Country == finding.Country && e.Source is "kyc" or "isp") ? CountryFromReturn : CountryInferred;

    /// <summary>The grading of a ranking factor: the record it rests on (prior records graded by their match).</summary>
    public static string Factor(string name, string evidence) =>
        name != "prior-record" ? PlatformRecord : evidence.Contains(", fuzzy match", StringComparison.Ordinal) ? PriorFuzzy : PriorExact;
}
