using Harrier.Analysis.Persons;

namespace Harrier.Cases.Persons;

/// <summary>
/// One input file a resolution run read besides the case's own tables: <c>Kind</c> is <c>prior-records</c>,
/// <c>exit-list</c> (with <c>ListKind</c> <c>tor</c>, <c>vpn</c> or <c>listed</c>), <c>email-providers</c> or <c>geoip</c>;
/// <c>Rows</c> the rows used, <c>BadLines</c> the lines refused.
/// </summary>
public sealed record PersonsRunInput(string Kind, string? ListKind, string Path, string Sha256, long Rows, long BadLines);

/// <summary>
/// A resolution run recorded in the case (table <c>persons_runs</c>): who ran it when, over which platform import, with
/// which input files and thresholds, and the engine's counts. The latest run is the one <c>persons list|show</c> read.
/// </summary>
public sealed record PersonsRunInfo(
    long RunId,
    string CreatedUtc,
    string CreatedBy,
    long ImportId,
    IReadOnlyList<PersonsRunInput> Inputs,
    ResolutionOptions Options,
    ResolutionStats Stats);

/// <summary>One person as a listing shows it: its number, accounts, country and whether a return names it.</summary>
public sealed record PersonSummary(int Number, IReadOnlyList<string> AccountKeys, string? Country, double? CountryConfidence, bool Identified);

/// <summary>Which persons a listing shows: of one country (ISO alpha-2), identified ones only, at least so many accounts.</summary>
public sealed record PersonsFilter(string? Country = null, bool IdentifiedOnly = false, int MinAccounts = 1);

/// <summary>A page of persons and how many match the filter in all.</summary>
public sealed record PersonsPage(IReadOnlyList<PersonSummary> Persons, long Total);
