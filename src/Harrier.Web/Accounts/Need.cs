using System.Security.Claims;

namespace Harrier.Web.Accounts;

/// <summary>Need-to-know: which country's data a principal may see. Every page and endpoint that shows country data asks here, on the server.</summary>
public static class Need
{
    /// <summary>True for coordinators and analysts, who see every country.</summary>
    public static bool SeesAllCountries(this ClaimsPrincipal user) =>
        user.IsInRole(WorkbenchRoles.Coordinator) || user.IsInRole(WorkbenchRoles.Analyst);

    /// <summary>A national-unit reader's country, or null for the other roles.</summary>
    public static string? ReaderCountry(this ClaimsPrincipal user) =>
        user.IsInRole(WorkbenchRoles.Reader) ? user.FindFirstValue(WorkbenchRoles.CountryClaim) : null;

    /// <summary>
    /// True when the principal may see data placed in <paramref name="country"/>: always for coordinators and analysts;
    /// for a reader only its own country (never data with no country).
    /// </summary>
    public static bool MaySee(this ClaimsPrincipal user, string? country)
    {
        if (user.SeesAllCountries())
        {
            return true;
        }

        var own = user.ReaderCountry();
        return own is not null && country is not null && string.Equals(own, country, StringComparison.OrdinalIgnoreCase);
    }
}
