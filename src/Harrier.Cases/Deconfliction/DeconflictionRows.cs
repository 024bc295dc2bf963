using System.Text.Json.Serialization;

namespace Harrier.Cases.Deconfliction;

/// <summary>A claim's lifecycle: <c>open</c> (as received), <c>confirmed</c> (the agency confirmed its interest), <c>withdrawn</c> (listed, raises no conflict).</summary>
public static class ClaimStatuses
{
    public const string Open = "open";
    public const string Confirmed = "confirmed";
    public const string Withdrawn = "withdrawn";

    public static IReadOnlyList<string> All { get; } = [Open, Confirmed, Withdrawn];
}

/// <summary>
/// The kinds of conflict the register raises (withdrawn claims raise none): <c>two-agencies</c> (two or more agencies
/// claim one person), <c>other-country</c> (an agency of one country claims a person placed in another), <c>ambiguous</c>
/// (one claim matches two or more persons).
/// </summary>
public static class ConflictKinds
{
    public const string TwoAgencies = "two-agencies";
    public const string OtherCountry = "other-country";
    public const string Ambiguous = "ambiguous";
}

/// <summary>One identifier of a claim: its type (<see cref="ClaimIdentifiers.Types"/>), the value as the agency wrote it, and the form it is compared in.</summary>
public sealed record ClaimIdentifier(string Type, string Value, string Normalised)
{
    /// <summary><c>type:value</c>, as a listing shows it (<c>email:a@example.invalid</c>); not part of the JSON documents (it repeats two fields).</summary>
    [JsonIgnore]
    public string Display => Type + ":" + Value;
}

/// <summary>A claims file about to be imported: its name (no folder), SHA-256 and format (<c>csv</c>/<c>json</c>).</summary>
public sealed record ClaimsImportSource(string FileName, string Sha256, string Format);

/// <summary>A claim read from a file, ready to store: where it was (<c>line N</c>, <c>record N</c>) and its fields, already checked.</summary>
public sealed record NewClaim(string Record, string ClaimReference, string Agency, string AgencyCountry, string CaseReference, string Status,
    string HandlingCode, string? ReceivedUtc, IReadOnlyList<ClaimIdentifier> Identifiers);

/// <summary>An import of a claims file (table <c>deconfliction_imports</c>): claims and identifiers stored, bad records left out.</summary>
public sealed record ClaimsImportInfo(long ImportId, string FileName, string Sha256, string Format, long Claims, long Identifiers, long BadRecords,
    string ImportedUtc, string ImportedBy);

/// <summary>A claim in the register with its current status and its identifiers in the file's order.</summary>
public sealed record RegisteredClaim(long ClaimId, long ImportId, string File, string Record, string ClaimReference, string Agency, string AgencyCountry,
    string CaseReference, string Status, string HandlingCode, string? ReceivedUtc, IReadOnlyList<ClaimIdentifier> Identifiers);

/// <summary>One step of a claim's lifecycle: who, when, from which status (null: imported) to which, and why.</summary>
public sealed record ClaimStatusChange(long ClaimId, int Seq, string TimeUtc, string Actor, string? From, string To, string Reason);

/// <summary>Why a claim matched a person: the claim's identifier (<c>type:value</c>) and where the person has it (<c>account 10 e-mail</c>, …).</summary>
public sealed record ClaimMatchEvidence(string Identifier, string Source);

/// <summary>A person a claim matches in the latest persons run, by which identifiers, and the conflicts of the claim on this person.</summary>
public sealed record ClaimPersonMatch(int PersonNumber, string? PersonCountry, IReadOnlyList<ClaimMatchEvidence> MatchedBy, IReadOnlyList<string> Conflicts);

/// <summary>An identifier of a claim that matched no person, and why (no person has it; a shared address identifies nobody).</summary>
public sealed record UnmatchedIdentifier(string Identifier, string Why);

/// <summary>A claim matched to the persons of the latest run: the persons, the identifiers that matched nobody, and the claim's conflicts (<see cref="ConflictKinds"/>).</summary>
public sealed record MatchedClaim(RegisteredClaim Claim, IReadOnlyList<ClaimPersonMatch> Persons, IReadOnlyList<UnmatchedIdentifier> Unmatched,
    IReadOnlyList<string> Conflicts);

/// <summary>One conflict: its kind, the person it concerns (null for an ambiguous claim), the claims involved, and a sentence for the analyst.</summary>
public sealed record DeconflictionConflict(string Kind, int? PersonNumber, IReadOnlyList<long> ClaimIds, string Detail);

/// <summary>
/// The register matched to the latest persons run (<paramref name="RunId"/> null: persons were never resolved, so nothing
/// matches): every claim, every conflict, and how many identifiers matched no person.
/// </summary>
public sealed record DeconflictionMatches(long? RunId, IReadOnlyList<MatchedClaim> Claims, IReadOnlyList<DeconflictionConflict> Conflicts, long UnmatchedIdentifiers);

/// <summary>
/// A claim on one person, as a per-country package states it: the claim, the identifier it matched by
/// (<c>email:x@y.z</c>; the first of the claim's identifiers that matched), and its conflicts on this person
/// (<see cref="ConflictKinds"/>; none for a withdrawn claim).
/// </summary>
public sealed record ClaimOnPerson(long ClaimId, string ClaimReference, string Agency, string AgencyCountry, string CaseReference,
    string Status, string HandlingCode, string MatchedBy, IReadOnlyList<string> Conflicts);
