using System.Net;
using System.Security.Claims;
using Harrier.Cases;
using Harrier.Web.Accounts;
using Harrier.Web.Api;
using Harrier.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Harrier.Web;

/// <summary>
/// The workbench: an ASP.NET Core app over one open case. <see cref="StartAsync"/> builds and starts it and returns once
/// it listens; <see cref="Address"/> is where. Every page and endpoint is authorised on the server (the fallback policy
/// refuses anything not explicitly opened), every form carries an antiforgery token, and every response carries the
/// security headers (<see cref="SecurityHeaders"/>).
/// </summary>
public sealed class Workbench : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Workbench(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Where the workbench listens (http://127.0.0.1:PORT/ by default).</summary>
    public Uri Address { get; }

    /// <summary>The app's services (tests reach the case and the options through it).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app over <paramref name="store"/> and starts listening.</summary>
    public static async Task<Workbench> StartAsync(CaseStore store, WorkbenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new CaseStoreException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"--port must be 0 (any free port) to 65535, not {options.Port}"));
        }

        if (!IPAddress.TryParse(options.BindAddress, out var bind))
        {
            throw new CaseStoreException($"--bind must be an IP address (127.0.0.1, ::1, 0.0.0.0), not {options.BindAddress}");
        }

        if (store.IsSigned)
        {
            _ = store.Key; // the workbench audits every view: refuse to start (naming where the key was looked for) rather than fail each request
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(Workbench).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.Verbose ? LogLevel.Information : LogLevel.Warning);
        // "No XML encryptor configured": the key ring is kept in memory on purpose (MemoryKeyRepository), never stored.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            k.Listen(bind, options.Port);
        });
        Configure(builder.Services, store, options);

        var app = builder.Build();
        Configure(app, options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new CaseStoreException($"cannot listen on {options.BindAddress}:{options.Port}: {e.Message} (choose another with --port)", e);
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Workbench(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl-C in <c>harrier serve</c>).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static void Configure(IServiceCollection services, CaseStore store, WorkbenchOptions options)
    {
        services.AddSingleton(store);
        services.AddSingleton(options);
        services.AddSingleton(store.Time);
        services.AddSingleton<WebAudit>();
        services.AddSingleton<TokenCache>();
        services.AddSingleton<Media.RevealGrants>();

        // Cookies are signed with keys that live only as long as the process: a restart ends every session.
        services.AddDataProtection().SetApplicationName("harrier-workbench");
        services.Configure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new MemoryKeyRepository());

        services.AddIdentityCore<WorkbenchUser>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequiredUniqueChars = 6;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789._-";
            })
            .AddUserStore<WorkbenchUserStore>()
            .AddSignInManager();
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "harrier";
                o.DefaultChallengeScheme = "harrier";
            })
            .AddPolicyScheme("harrier", "cookie or API token", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "harrier.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = options.IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.Events = new CookieAuthenticationEvents
            {
                // The API and the JSON endpoints answer 401/403; pages send a person to the login page, and show 403 as it is.
                OnRedirectToLogin = c =>
                {
                    if (IsApi(c.Request))
                    {
                        c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                    else
                    {
                        c.Response.Redirect(c.RedirectUri);
                    }

                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = c =>
                {
                    c.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                },
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(WorkbenchPolicies.SignedIn, p => p.RequireAuthenticatedUser().RequireAssertion(NotOnOneTimePassword))
            .AddPolicy(WorkbenchPolicies.Media, p => p.RequireAuthenticatedUser().RequireAssertion(NotOnOneTimePassword)
                .RequireRole(WorkbenchRoles.Coordinator, WorkbenchRoles.Analyst))
            .AddPolicy(WorkbenchPolicies.AllCountries, p => p.RequireAuthenticatedUser().RequireAssertion(NotOnOneTimePassword)
                .RequireRole(WorkbenchRoles.Coordinator, WorkbenchRoles.Analyst))
            .AddPolicy(WorkbenchPolicies.Coordinator, p => p.RequireAuthenticatedUser().RequireAssertion(NotOnOneTimePassword)
                .RequireRole(WorkbenchRoles.Coordinator))
            .AddPolicy(WorkbenchPolicies.Api, p => p.RequireAuthenticatedUser().RequireAssertion(NotOnOneTimePassword)
                .RequireRole(WorkbenchRoles.Coordinator, WorkbenchRoles.Analyst))
            // Anything that names no policy needs a signed-in account that has set its own password.
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(NotOnOneTimePassword).Build());

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "harrier.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.HeaderName = "X-Harrier-Antiforgery";
        });
        services.AddRazorPages().AddApplicationPart(typeof(Workbench).Assembly);
        services.AddHmaApi(options);
    }

    private static void Configure(WebApplication app, WorkbenchOptions options)
    {
        app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                SecurityHeaders.Apply(http.Response);
                return Task.CompletedTask;
            });
            await next(http);
        });
        app.UseWhen(http => !IsApi(http.Request), b => b.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseRouting();
        app.UseAuthentication();
        // An account still on its one-time password may only set a new one (pages) or is refused (API).
        app.Use(async (http, next) =>
        {
            if (http.User.HasClaim(c => c.Type == WorkbenchRoles.MustChangePasswordClaim)
                && !http.Request.Path.StartsWithSegments("/account/password") && !http.Request.Path.StartsWithSegments("/logout")
                && !http.Request.Path.StartsWithSegments("/assets") && !http.Request.Path.StartsWithSegments("/status"))
            {
                if (IsApi(http.Request))
                {
                    http.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return;
                }

                http.Response.Redirect("/account/password");
                return;
            }

            await next(http);
        });
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapWorkbenchAssets(options);
        app.MapFlowApi();
        Media.TriageEndpoints.MapTriageMedia(app);
        app.MapRazorPages();
        app.MapHmaApi();
    }

    private static bool NotOnOneTimePassword(Microsoft.AspNetCore.Authorization.AuthorizationHandlerContext c) =>
        !c.User.HasClaim(x => x.Type == WorkbenchRoles.MustChangePasswordClaim);

    /// <summary>The HMA-compatible API (<c>/m</c>, <c>/h</c>, <c>/c</c>) and the pages' JSON (<c>/api</c>): answered with status codes, never redirects.</summary>
    internal static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/m") || request.Path.StartsWithSegments("/h") || request.Path.StartsWithSegments("/c")
        || request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/openapi")
        || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>The signed-in account's name, or "anonymous".</summary>
    internal static string NameOf(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
