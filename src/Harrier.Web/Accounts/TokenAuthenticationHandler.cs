using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Harrier.Web.Accounts;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c> for the API: the token's SHA-256 is looked up among the accounts (tokens are
/// issued by <c>harrier users token</c>), through <see cref="TokenCache"/>: a removed account or a replaced token stops
/// working at once when changed in this process, within <see cref="TokenCache.Lifetime"/> when changed by another.
/// </summary>
internal sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenCache tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "harrier-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is < 8 or > 200)
        {
            return AuthenticateResult.Fail("malformed API token");
        }

        var row = await tokens.FindAsync(AccountAdmin.HashToken(token), Context.RequestAborted);
        if (row is null)
        {
            return AuthenticateResult.Fail("unknown API token");
        }

        var user = new WorkbenchUser(row);
        var identity = new ClaimsIdentity(SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, row.UserName));
        identity.AddClaims(user.Claims().Where(c => c.Type != WorkbenchRoles.MustChangePasswordClaim)); // a token was issued on purpose
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
