using Harrier.Analysis.Persons;

namespace Harrier.Operations.Packages;

// The records of package.json (schema docs/package.schema.json, "harrier-package/1"). Every item a receiving unit may
// act on carries its grading (Europol's source reliability A/B/C/X and information accuracy 1–4, e.g. "B2") and its
// handling code (H0–H3); docs/packages.md says how each is assigned.

/// <summary>A whole country package: who, why, how sure, evidence by reference, requests and returns, claims by others, and how to verify it.</summary>
public sealed record Package(
    string Schema,
    string Country,
    PackageCase Case,
    PackageBuilt Built,
    PackageHandling Handling,
    PackageSigning Signing,
    PackageSummary Summary,
    IReadOnlyList<PackagePerson> Persons,
    IReadOnlyList<PackageReturnFile> Returns,
    IReadOnlyList<PackageGradingKey> GradingKey)
{
    /// <summary>The schema name and version every package.json states.</summary>
    public const string SchemaName = "harrier-package/1";
}

/// <summary>The case the package comes from.</summary>
public sealed record PackageCase(string Id, string Name);

/// <summary>When, by whom and with what the package was built; which persons and targets runs it shows.</summary>
public sealed record PackageBuilt(string Utc, string By, string Tool, long PersonsRun, long TargetsRun);

/// <summary>The package's handling code (items with their own code say so) and what it means.</summary>
public sealed record PackageHandling(string Code, string Meaning);

/// <summary>
/// The case key that signed <c>manifest.sig</c> and the case's signed audit head at build time: a receiving unit
/// compares <see cref="KeyFingerprint"/> with the one the sending unit gave it by another channel, then checks both
/// signatures with <see cref="PublicKey"/> (raw Ed25519, base64).
/// </summary>
public sealed record PackageSigning(string Algorithm, string KeyFingerprint, string PublicKey, PackageAuditHead AuditHead);

/// <summary>The case's audit chain head when the package was built, signed with the case key.</summary>
public sealed record PackageAuditHead(long Seq, string Hash, string SignedUtc, string Signature, string SignedText);

/// <summary>How many persons, by tier, identified, claimed by another agency, in conflict.</summary>
public sealed record PackageSummary(int Persons, int Tier1, int Tier2, int Tier3, int Identified, int Claimed, int InConflict);

/// <summary>A value with its grading and handling code.</summary>
public sealed record Graded<T>(T Value, string Grading, string Handling);

/// <summary>One person: tier, score and factors, country with its evidence, accounts, why they are one person, identities, prior records, evidence by reference, requests, claims.</summary>
public sealed record PackagePerson(
    int Number,
    int Tier,
    int ComputedTier,
    int Score,
    PackageMove? Move,
    IReadOnlyList<Graded<PackageFactor>> Factors,
    Graded<PackageCountry> Country,
    IReadOnlyList<Graded<PackageAccountItem>> Accounts,
    IReadOnlyList<Graded<PersonLink>> Links,
    IReadOnlyList<Graded<IdentityFinding>> Identities,
    IReadOnlyList<Graded<PriorRecordHit>> PriorRecords,
    PackageEvidenceSummary Evidence,
    IReadOnlyList<Graded<PackageRequest>> Requests,
    IReadOnlyList<Graded<PackageClaim>> Claims);

/// <summary>An analyst's move of the person's tier: from, to, why, who, when.</summary>
public sealed record PackageMove(int FromTier, int ToTier, string Reason, string MovedUtc, string MovedBy);

/// <summary>One term of the person's score.</summary>
public sealed record PackageFactor(string Name, int Weight, string Evidence);

/// <summary>Where the person probably lives, how sure, and every piece of evidence.</summary>
public sealed record PackageCountry(string Code, double Confidence, IReadOnlyList<CountryEvidence> Evidence);

/// <summary>A platform account: its identifiers as the seized database holds them.</summary>
public sealed record PackageAccountItem(string AccountKey, string? Username, string? Email, string? DepositAddress, string? RegisteredUtc, bool IsAdmin);

/// <summary>The person's uploads' evidence files, counted and listed by reference (digests, triage status, category); never media, never titles.</summary>
public sealed record PackageEvidenceSummary(int Uploads, int Files, int FirstSeen, int Known, IReadOnlyDictionary<string, int> Categories,
    IReadOnlyList<Graded<PackageEvidenceFile>> List);

/// <summary>One evidence file by reference.</summary>
public sealed record PackageEvidenceFile(long EvidenceId, string ExhibitId, string UploadKey, string AccountKey, string? Sha256, string? Md5, long? Size, string Status,
    bool FirstSeen, string? Bank, string? Category, int? Distance);

/// <summary>A data request the case made for this person (an exchange lead of the chain trace), and whether a return answered it.</summary>
public sealed record PackageRequest(string To, string Kind, string Withdrawal, long AmountSats, string Deposit, bool Answered, string? Reference);

/// <summary>Another agency's claim on the person, from the deconfliction register.</summary>
public sealed record PackageClaim(long ClaimId, string ClaimReference, string Agency, string AgencyCountry, string CaseReference, string Status, string MatchedBy,
    IReadOnlyList<string> Conflicts);

/// <summary>A returns extract in the package: its path, kind (<c>kyc</c> or <c>isp</c>), rows and handling code.</summary>
public sealed record PackageReturnFile(string Path, string Kind, int Rows, string Handling);

/// <summary>One grading code used in the package and what it stands on.</summary>
public sealed record PackageGradingKey(string Code, string AppliesTo);
