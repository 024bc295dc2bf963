using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases.Accounts;

/// <summary>One workbench account as stored (table <c>web_users</c>, migration 13). No password and no token is ever stored, only their hashes.</summary>
/// <param name="UserName">The name the account logs in with (lower-case letters, digits, '.', '_', '-').</param>
/// <param name="NormalizedName">The name as ASP.NET Core Identity normalises it for lookups.</param>
/// <param name="Role">coordinator, analyst or reader.</param>
/// <param name="Country">A national-unit reader's ISO 3166-1 alpha-2 country; null for the other roles.</param>
/// <param name="PasswordHash">The password hash in ASP.NET Core Identity's format (PBKDF2).</param>
/// <param name="MustChangePassword">True until the one-time password printed by <c>users add</c> has been replaced.</param>
/// <param name="SecurityStamp">Changes whenever the credentials change, which ends every cookie issued before.</param>
/// <param name="AccessFailed">Failed logins since the last success.</param>
/// <param name="LockoutEndUtc">Locked out until this time (<see cref="Timestamps.Format"/> text), or null.</param>
/// <param name="TokenHash">SHA-256 (hex) of the account's API token, or null when it has none.</param>
/// <param name="TokenCreatedUtc">When the token was issued.</param>
/// <param name="CreatedUtc">When the account was made.</param>
/// <param name="CreatedBy">Who made it.</param>
public sealed record AccountRow(
    string UserName,
    string NormalizedName,
    string Role,
    string? Country,
    string PasswordHash,
    bool MustChangePassword,
    string SecurityStamp,
    int AccessFailed,
    string? LockoutEndUtc,
    string? TokenHash,
    string? TokenCreatedUtc,
    string CreatedUtc,
    string CreatedBy);

/// <summary>The workbench's accounts in the case database. Every write goes through the case's write scope, so it is audited by its caller.</summary>
public sealed class AccountStore
{
    private const string Columns = "user_name, normalized_name, role, country, password_hash, must_change_password, security_stamp, access_failed, " +
                                   "lockout_end_utc, token_hash, token_created_utc, created_utc, created_by";

    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public AccountStore(CaseStore store) => _store = store;

    /// <summary>Adds an account; refuses a name already taken.</summary>
    public static async Task InsertAsync(CaseWrite write, AccountRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(row);
        if (await CaseDatabase.ScalarAsync(write.Connection, write.Transaction, "SELECT user_name FROM web_users WHERE normalized_name = @n",
                cancellationToken, ("@n", row.NormalizedName)) is not null)
        {
            throw new CaseStoreException($"there is already an account named {row.UserName}");
        }

        await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, $"""
            INSERT INTO web_users ({Columns})
            VALUES (@u, @n, @r, @c, @p, @m, @s, @f, @l, @t, @tc, @cu, @cb)
            """, cancellationToken, Parameters(row));
    }

    /// <summary>Replaces every mutable field of an existing account (found by its name).</summary>
    public static async Task UpdateAsync(CaseWrite write, AccountRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(row);
        var n = await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, """
            UPDATE web_users SET normalized_name = @n, role = @r, country = @c, password_hash = @p, must_change_password = @m, security_stamp = @s,
                access_failed = @f, lockout_end_utc = @l, token_hash = @t, token_created_utc = @tc
            WHERE user_name = @u
            """, cancellationToken, Parameters(row));
        if (n != 1)
        {
            throw new CaseStoreException($"there is no account named {row.UserName}");
        }
    }

    /// <summary>Removes an account; false when there was none of that name.</summary>
    public static async Task<bool> DeleteAsync(CaseWrite write, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, "DELETE FROM web_users WHERE user_name = @u", cancellationToken,
            ("@u", userName)) == 1;
    }

    /// <summary>The account with this normalised name, or null.</summary>
    public Task<AccountRow?> FindByNormalizedNameAsync(string normalizedName, CancellationToken cancellationToken) =>
        FindOneAsync("normalized_name = @v", normalizedName, cancellationToken);

    /// <summary>The account with this name, or null.</summary>
    public Task<AccountRow?> FindAsync(string userName, CancellationToken cancellationToken) => FindOneAsync("user_name = @v", userName, cancellationToken);

    /// <summary>The account whose API token hashes to <paramref name="tokenHash"/>, or null.</summary>
    public Task<AccountRow?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken) =>
        FindOneAsync("token_hash = @v", tokenHash, cancellationToken);

    /// <summary>Every account, by name.</summary>
    public async Task<IReadOnlyList<AccountRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, $"SELECT {Columns} FROM web_users ORDER BY user_name");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AccountRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    private async Task<AccountRow?> FindOneAsync(string where, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, $"SELECT {Columns} FROM web_users WHERE {where}", ("@v", value));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static AccountRow Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
        Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture) != 0, r.GetString(6), Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture),
        r.IsDBNull(8) ? null : r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.GetString(11), r.GetString(12));

    private static (string, object?)[] Parameters(AccountRow row) =>
    [
        ("@u", row.UserName), ("@n", row.NormalizedName), ("@r", row.Role), ("@c", row.Country), ("@p", row.PasswordHash),
        ("@m", row.MustChangePassword ? 1L : 0L), ("@s", row.SecurityStamp), ("@f", (long)row.AccessFailed), ("@l", row.LockoutEndUtc),
        ("@t", row.TokenHash), ("@tc", row.TokenCreatedUtc), ("@cu", row.CreatedUtc), ("@cb", row.CreatedBy),
    ];
}
