using System.Security.Claims;
using Harrier.Cases.Accounts;

namespace Harrier.Web.Accounts;

/// <summary>The ASP.NET Core Identity user: a mutable copy of an <see cref="AccountRow"/> that Identity's managers change and the store writes back.</summary>
public sealed class WorkbenchUser
{
    internal WorkbenchUser(AccountRow row)
    {
        UserName = row.UserName;
        NormalizedName = row.NormalizedName;
        Role = row.Role;
        Country = row.Country;
        PasswordHash = row.PasswordHash;
        MustChangePassword = row.MustChangePassword;
        SecurityStamp = row.SecurityStamp;
        AccessFailed = row.AccessFailed;
        LockoutEndUtc = row.LockoutEndUtc;
        TokenHash = row.TokenHash;
        TokenCreatedUtc = row.TokenCreatedUtc;
        CreatedUtc = row.CreatedUtc;
        CreatedBy = row.CreatedBy;
    }

    public string UserName { get; set; }
    public string NormalizedName { get; set; }
    public string Role { get; set; }
    public string? Country { get; set; }
    public string PasswordHash { get; set; }
    public bool MustChangePassword { get; set; }
    public string SecurityStamp { get; set; }
    public int AccessFailed { get; set; }
    public string? LockoutEndUtc { get; set; }
    public string? TokenHash { get; set; }
    public string? TokenCreatedUtc { get; set; }
    public string CreatedUtc { get; }
    public string CreatedBy { get; }

    /// <summary>Why the next write of this account happens, for its audit entry (set by whoever changes it).</summary>
    internal string? ChangeReason { get; set; }

    internal AccountRow ToRow() => new(UserName, NormalizedName, Role, Country, PasswordHash, MustChangePassword, SecurityStamp, AccessFailed,
        LockoutEndUtc, TokenHash, TokenCreatedUtc, CreatedUtc, CreatedBy);

    /// <summary>The role and country claims the principal carries.</summary>
    internal IEnumerable<Claim> Claims()
    {
        yield return new Claim(ClaimTypes.Role, Role);
        if (Country is not null)
        {
            yield return new Claim(WorkbenchRoles.CountryClaim, Country);
        }

        if (MustChangePassword)
        {
            yield return new Claim(WorkbenchRoles.MustChangePasswordClaim, "true");
        }
    }
}
