namespace Harrier.Web.Accounts;

/// <summary>
/// The three roles and the claims the workbench reads. A coordinator sees and does everything (builds packages, moves
/// targets); an analyst triages media, categorises and reads every country's persons and targets; a national-unit reader
/// sees only its own country's persons, targets and package, and no media at all.
/// </summary>
public static class WorkbenchRoles
{
    public const string Coordinator = "coordinator";
    public const string Analyst = "analyst";
    public const string Reader = "reader";

    /// <summary>Every role, in order of reach.</summary>
    public static readonly IReadOnlyList<string> All = [Coordinator, Analyst, Reader];

    /// <summary>The claim that carries a national-unit reader's country.</summary>
    public const string CountryClaim = "harrier:country";

    /// <summary>The claim present while the account still has its one-time password.</summary>
    public const string MustChangePasswordClaim = "harrier:must-change-password";
}

/// <summary>The authorisation policies every page and endpoint names.</summary>
public static class WorkbenchPolicies
{
    /// <summary>Any signed-in account that has replaced its one-time password.</summary>
    public const string SignedIn = "signed-in";

    /// <summary>Media (thumbnails, strips, reveals, categorisation) and every country's data: coordinators and analysts.</summary>
    public const string Media = "media";

    /// <summary>Every country's persons, targets and money: coordinators and analysts.</summary>
    public const string AllCountries = "all-countries";

    /// <summary>Changes that shape what goes to other countries (building packages, moving targets): coordinators.</summary>
    public const string Coordinator = "coordinator";

    /// <summary>The HMA-compatible API: coordinators and analysts, by cookie or API token.</summary>
    public const string Api = "api";
}
