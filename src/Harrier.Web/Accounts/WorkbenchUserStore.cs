using System.Globalization;
using System.Security.Claims;
using Harrier.Cases;
using Harrier.Cases.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Harrier.Web.Accounts;

/// <summary>
/// ASP.NET Core Identity's user store over the case's <c>web_users</c> table: accounts live in the case they give access
/// to, and every change of one is an audited write of the case (action <c>web.account.update</c>, with the reason).
/// Roles and the reader's country are claims read from the row, not separate tables.
/// </summary>
internal sealed class WorkbenchUserStore(CaseStore store) :
    IUserPasswordStore<WorkbenchUser>, IUserSecurityStampStore<WorkbenchUser>, IUserLockoutStore<WorkbenchUser>, IUserClaimStore<WorkbenchUser>
{
    private readonly AccountStore _accounts = new(store);

    public void Dispose()
    {
    }

    public Task<string> GetUserIdAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult(user.UserName);

    public Task<string?> GetUserNameAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(WorkbenchUser user, string? userName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("an account's name never changes: add a new account instead");

    public Task<string?> GetNormalizedUserNameAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.NormalizedName);

    public Task SetNormalizedUserNameAsync(WorkbenchUser user, string? normalizedName, CancellationToken cancellationToken)
    {
        user.NormalizedName = normalizedName ?? user.UserName.ToUpperInvariant();
        return Task.CompletedTask;
    }

    public Task<IdentityResult> CreateAsync(WorkbenchUser user, CancellationToken cancellationToken) =>
        throw new NotSupportedException("accounts are added with harrier users add");

    public async Task<IdentityResult> UpdateAsync(WorkbenchUser user, CancellationToken cancellationToken)
    {
        var reason = user.ChangeReason ?? "account changed";
        user.ChangeReason = null;
        try
        {
            await store.WriteAsync(new AuditIntent(WebAudit.ActorOf(user.UserName), "web.account.update", null),
                async (w, ct) => { await AccountStore.UpdateAsync(w, user.ToRow(), ct); return 0; },
                _ => $"user {user.UserName}: {reason}", cancellationToken);
            return IdentityResult.Success;
        }
        catch (CaseStoreException e)
        {
            return IdentityResult.Failed(new IdentityError { Code = "store", Description = e.Message });
        }
    }

    public Task<IdentityResult> DeleteAsync(WorkbenchUser user, CancellationToken cancellationToken) =>
        throw new NotSupportedException("accounts are removed with harrier users remove");

    public async Task<WorkbenchUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        await _accounts.FindAsync(userId, cancellationToken) is { } row ? new WorkbenchUser(row) : null;

    public async Task<WorkbenchUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        await _accounts.FindByNormalizedNameAsync(normalizedUserName, cancellationToken) is { } row ? new WorkbenchUser(row) : null;

    public Task SetPasswordHashAsync(WorkbenchUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash ?? throw new ArgumentException("an account always has a password", nameof(passwordHash));
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.PasswordHash);

    public Task<bool> HasPasswordAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SetSecurityStampAsync(WorkbenchUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(WorkbenchUser user, CancellationToken cancellationToken) =>
        Task.FromResult(user.LockoutEndUtc is null ? (DateTimeOffset?)null : Timestamps.Parse(user.LockoutEndUtc));

    public Task SetLockoutEndDateAsync(WorkbenchUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEndUtc = lockoutEnd is { } end ? Timestamps.Format(end) : null;
        user.ChangeReason ??= lockoutEnd is { } e2 ? string.Create(CultureInfo.InvariantCulture, $"locked out until {Timestamps.Format(e2)}") : "lockout ended";
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(WorkbenchUser user, CancellationToken cancellationToken)
    {
        user.AccessFailed++;
        user.ChangeReason ??= string.Create(CultureInfo.InvariantCulture, $"failed login {user.AccessFailed}");
        return Task.FromResult(user.AccessFailed);
    }

    public Task ResetAccessFailedCountAsync(WorkbenchUser user, CancellationToken cancellationToken)
    {
        user.AccessFailed = 0;
        user.ChangeReason ??= "failed logins reset";
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailed);

    public Task<bool> GetLockoutEnabledAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SetLockoutEnabledAsync(WorkbenchUser user, bool enabled, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IList<Claim>> GetClaimsAsync(WorkbenchUser user, CancellationToken cancellationToken) => Task.FromResult<IList<Claim>>([.. user.Claims()]);

    public Task AddClaimsAsync(WorkbenchUser user, IEnumerable<Claim> claims, CancellationToken cancellationToken) =>
        throw new NotSupportedException("claims come from the account's role and country");

    public Task ReplaceClaimAsync(WorkbenchUser user, Claim claim, Claim newClaim, CancellationToken cancellationToken) =>
        throw new NotSupportedException("claims come from the account's role and country");

    public Task RemoveClaimsAsync(WorkbenchUser user, IEnumerable<Claim> claims, CancellationToken cancellationToken) =>
        throw new NotSupportedException("claims come from the account's role and country");

    public Task<IList<WorkbenchUser>> GetUsersForClaimAsync(Claim claim, CancellationToken cancellationToken) =>
        throw new NotSupportedException("accounts are listed with harrier users list");
}
