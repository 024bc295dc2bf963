using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Harrier.Cases;
using Harrier.Cases.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Harrier.Web.Accounts;

/// <summary>An account as listed: never its password or token, only whether it has one.</summary>
public sealed record AccountInfo(string Name, string Role, string? Country, bool MustChangePassword, bool HasToken, string? TokenCreatedUtc,
    bool LockedOut, string CreatedUtc, string CreatedBy);

/// <summary>A new account and the one-time password to hand to its owner (shown once, stored only as a hash).</summary>
public sealed record NewAccount(AccountInfo Account, string OneTimePassword);

/// <summary>A new API token (shown once, stored only as its SHA-256).</summary>
public sealed record NewToken(string Name, string Token, string CreatedUtc);

/// <summary>
/// The account administration behind <c>harrier users add|token|reset|list|remove</c>, run by whoever holds the case on
/// its machine. Passwords are hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2-HMAC-SHA512,
/// 100,000 iterations); there is no default password: every account starts with a random one-time password that must be
/// replaced at the first login.
/// </summary>
public sealed partial class AccountAdmin
{
    /// <summary>The one-time password's alphabet: no 0/O, 1/l/I, so it can be read aloud or copied by hand.</summary>
    private const string PasswordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>20 characters of a 56-letter alphabet: about 116 bits.</summary>
    private const int OneTimePasswordLength = 20;

    /// <summary>The API token's prefix, so a leaked token is recognisable in logs and scanners.</summary>
    internal const string TokenPrefix = "hrt_";

    private readonly CaseStore _store;
    private readonly AccountStore _accounts;
    private readonly PasswordHasher<WorkbenchUser> _hasher = new(Options.Create(new PasswordHasherOptions()));

    /// <summary>Raised after any account change made through this class in this process (the token cache forgets what it knew).</summary>
    internal static event Action? Changed;

    public AccountAdmin(CaseStore store)
    {
        _store = store;
        _accounts = new AccountStore(store);
    }

    /// <summary>Adds an account with a one-time password; a reader needs a country, the other roles take none.</summary>
    public async Task<NewAccount> AddAsync(string name, string role, string? country, string actor, string? justification, CancellationToken cancellationToken)
    {
        CheckName(name);
        if (!WorkbenchRoles.All.Contains(role))
        {
            throw new CaseStoreException($"unknown role {role}: use one of {string.Join(", ", WorkbenchRoles.All)}");
        }

        var given = country;
        country = country?.Trim().ToUpperInvariant();
        if (role == WorkbenchRoles.Reader && country is null)
        {
            throw new CaseStoreException("a national-unit reader needs --country CC (the one country it may see)");
        }

        if (role != WorkbenchRoles.Reader && country is not null)
        {
            throw new CaseStoreException($"--country is for national-unit readers only; a {role} sees every country");
        }

        if (country is not null && !CountryPattern().IsMatch(country))
        {
            throw new CaseStoreException($"--country must be an ISO 3166-1 alpha-2 code such as DE, not {given}");
        }

        var password = RandomNumberGenerator.GetString(PasswordAlphabet, OneTimePasswordLength);
        var now = Timestamps.Format(_store.Time.GetUtcNow());
        var user = new WorkbenchUser(new AccountRow(name, Normalize(name), role, country, "", true, NewStamp(), 0, null, null, null, now, actor));
        user.PasswordHash = _hasher.HashPassword(user, password);
        await _store.WriteAsync(new AuditIntent(actor, "users.add", justification),
            async (w, ct) => { await AccountStore.InsertAsync(w, user.ToRow(), ct); return 0; },
            _ => $"user {name} role {role}" + (country is null ? "" : $" country {country}"), cancellationToken);
        Changed?.Invoke();
        return new NewAccount(Info(user.ToRow()), password);
    }

    /// <summary>Issues the account's API token, replacing any earlier one (which stops working at once).</summary>
    public async Task<NewToken> IssueTokenAsync(string name, string actor, string? justification, CancellationToken cancellationToken)
    {
        var row = await Existing(name, cancellationToken);
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = Timestamps.Format(_store.Time.GetUtcNow());
        var replaced = row.TokenHash is not null;
        await _store.WriteAsync(new AuditIntent(actor, "users.token", justification),
            async (w, ct) => { await AccountStore.UpdateAsync(w, row with { TokenHash = HashToken(token), TokenCreatedUtc = now }, ct); return 0; },
            _ => $"user {name}: API token issued" + (replaced ? " (the earlier one revoked)" : ""), cancellationToken);
        Changed?.Invoke();
        return new NewToken(name, token, now);
    }

    /// <summary>Gives the account a new one-time password (for a forgotten one), ends its sessions and lifts a lockout.</summary>
    public async Task<NewAccount> ResetPasswordAsync(string name, string actor, string? justification, CancellationToken cancellationToken)
    {
        var row = await Existing(name, cancellationToken);
        var password = RandomNumberGenerator.GetString(PasswordAlphabet, OneTimePasswordLength);
        var user = new WorkbenchUser(row);
        var updated = row with
        {
            PasswordHash = _hasher.HashPassword(user, password), MustChangePassword = true, SecurityStamp = NewStamp(), AccessFailed = 0, LockoutEndUtc = null,
        };
        await _store.WriteAsync(new AuditIntent(actor, "users.reset", justification),
            async (w, ct) => { await AccountStore.UpdateAsync(w, updated, ct); return 0; },
            _ => $"user {name}: new one-time password, sessions ended", cancellationToken);
        Changed?.Invoke();
        return new NewAccount(Info(updated), password);
    }

    /// <summary>Removes an account (its sessions and token stop working at the next request).</summary>
    public async Task RemoveAsync(string name, string actor, string? justification, CancellationToken cancellationToken)
    {
        await Existing(name, cancellationToken);
        await _store.WriteAsync(new AuditIntent(actor, "users.remove", justification),
            async (w, ct) => await AccountStore.DeleteAsync(w, name, ct), _ => $"user {name}", cancellationToken);
        Changed?.Invoke();
    }

    /// <summary>Every account.</summary>
    public async Task<IReadOnlyList<AccountInfo>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await _accounts.ListAsync(cancellationToken)).Select(Info)];

    /// <summary>SHA-256 (hex) of a token, as stored: a token is long and random, so a fast hash is enough (no salt, no stretching).</summary>
    internal static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>How ASP.NET Core Identity's default normaliser spells a name (upper case, invariant).</summary>
    internal static string Normalize(string name) => name.Normalize().ToUpperInvariant();

    internal static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private AccountInfo Info(AccountRow r) => new(r.UserName, r.Role, r.Country, r.MustChangePassword, r.TokenHash is not null, r.TokenCreatedUtc,
        r.LockoutEndUtc is { } end && Timestamps.Parse(end) > _store.Time.GetUtcNow(), r.CreatedUtc, r.CreatedBy);

    private async Task<AccountRow> Existing(string name, CancellationToken cancellationToken) =>
        await _accounts.FindAsync(name, cancellationToken) ?? throw new CaseStoreException($"there is no account named {name} (harrier users list)");

    private static void CheckName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                $"an account name is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit: {name} is not"));
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();
}
