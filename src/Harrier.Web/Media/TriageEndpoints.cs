using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Operations;
using Harrier.Operations.Triage;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harrier.Web.Media;

/// <summary>What the page posts to categorise a file: a code in a scheme (null: VICS-US).</summary>
public sealed record CategoryBody(string? Code, string? Scheme);

/// <summary>
/// The triage grid's media routes, every one for coordinators and analysts only (<see cref="WorkbenchPolicies.Media"/>):
/// <list type="bullet">
/// <item><c>GET /media/{id}/thumb</c>: the blurred greyscale thumbnail or keyframe strip ingest derived, from the case's
/// derived folder by evidence id; never the original.</item>
/// <item><c>POST /api/media/{id}/reveal</c> (antiforgery): audits <c>web.media.reveal</c> and returns a one-use URL for the
/// original, valid for <see cref="RevealGrants.Lifetime"/> and only for the account that asked.</item>
/// <item><c>GET /media/original/{grant}</c>: the original bytes of the granted file, once; the file is found by evidence
/// id in the registry and opened read-only.</item>
/// <item><c>POST /api/triage/{id}/category</c> (antiforgery): sets the analyst category (audited <c>web.categorise</c>).</item>
/// </list>
/// No route takes a path: every file is looked up by evidence id, so there is nothing to traverse.
/// </summary>
internal static class TriageEndpoints
{
    public const string RevealAction = "web.media.reveal";

    public static IEndpointRouteBuilder MapTriageMedia(this IEndpointRouteBuilder app)
    {
        app.MapGet("/media/{id:long}/thumb", async (long id, CaseStore store, CancellationToken ct) =>
            await new TriageGridStore(store).DerivedFileAsync(id, ct) is { } file ? Results.File(file, "image/png") : Results.NotFound())
            .RequireAuthorization(WorkbenchPolicies.Media);

        app.MapPost("/api/media/{id:long}/reveal", async (long id, HttpContext http, IAntiforgery antiforgery, CaseStore store, RevealGrants grants,
                WebAudit audit, WorkbenchOptions options, CancellationToken ct) =>
            {
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return Error(StatusCodes.Status400BadRequest, "the antiforgery token (header X-Harrier-Antiforgery) is missing or not this session's");
                }

                if (await store.Evidence.OriginalAsync(id, ct) is not { } original)
                {
                    return Error(StatusCodes.Status404NotFound, string.Create(CultureInfo.InvariantCulture, $"no evidence file {id} in this case"));
                }

                var (kind, _) = MediaSniffer.Sniff(original.Path);
                if (kind is not (MediaKinds.Image or MediaKinds.Video))
                {
                    return Error(StatusCodes.Status400BadRequest, string.Create(CultureInfo.InvariantCulture, $"evidence {id} is not an image or video this browser can show"));
                }

                await audit.RecordAsync(http.User, RevealAction, string.Create(CultureInfo.InvariantCulture, $"evidence {id} ({kind})"), ct);
                var grant = grants.Issue(Workbench.NameOf(http.User), id, RevealGrants.Lifetime);
                return Results.Json(new { evidenceId = id, url = "/media/original/" + grant, kind, seconds = options.RevealFor.TotalSeconds });
            })
            .RequireAuthorization(WorkbenchPolicies.Media);

        app.MapGet("/media/original/{grant}", async (string grant, HttpContext http, CaseStore store, RevealGrants grants, CancellationToken ct) =>
            {
                if (grants.Use(grant, Workbench.NameOf(http.User)) is not { } id || await store.Evidence.OriginalAsync(id, ct) is not { } original)
                {
                    return Results.NotFound();
                }

                var type = MediaSniffer.Sniff(original.Path).Format switch
                {
                    "jpeg" => "image/jpeg",
                    "png" => "image/png",
                    "gif" => "image/gif",
                    "bmp" => "image/bmp",
                    "webp" => "image/webp",
                    "ico" => "image/x-icon",
                    "mp4" => "video/mp4",
                    "mov" => "video/quicktime",
                    "matroska" => "video/webm",
                    "avi" => "video/x-msvideo",
                    "flv" => "video/x-flv",
                    "mpeg-ps" => "video/mpeg",
                    _ => "application/octet-stream",
                };
                http.Response.Headers.CacheControl = "no-store";
                // Evidence is never modified: read-only, shared with readers. What is shown must be what was registered: the
                // open file is hashed first and served from the same handle only when its SHA-256 is the registered one.
                var stream = new FileStream(original.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                var now = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, ct));
                if (!string.Equals(now, original.File.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    await stream.DisposeAsync();
                    return Error(StatusCodes.Status409Conflict, string.Create(CultureInfo.InvariantCulture,
                        $"evidence {id} changed since registration (SHA-256 now {now}, registered {original.File.Sha256}): not shown; run harrier evidence verify"));
                }

                stream.Position = 0;
                return Results.Stream(stream, type);
            })
            .RequireAuthorization(WorkbenchPolicies.Media);

        app.MapPost("/api/triage/{id:long}/category", async (long id, CategoryBody body, HttpContext http, IAntiforgery antiforgery, CaseStore store,
                TimeProvider time, CancellationToken ct) =>
            {
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return Error(StatusCodes.Status400BadRequest, "the antiforgery token (header X-Harrier-Antiforgery) is missing or not this session's");
                }

                var scheme = CategoryScheme.Find(body.Scheme ?? CategoryScheme.VicsUs.Id);
                if (scheme is null)
                {
                    return Error(StatusCodes.Status400BadRequest, $"unknown category scheme '{body.Scheme}' (known: {string.Join(", ", CategoryScheme.All.Select(s => s.Id))})");
                }

                if (!scheme.Has(body.Code))
                {
                    return Error(StatusCodes.Status400BadRequest, $"'{body.Code}' is not a {scheme.Id} code (codes: {string.Join(", ", scheme.Codes.Select(c => c.Code))})");
                }

                try
                {
                    var set = await new CategoriseMedia(store).RunAsync(new CategoriseMediaRequest(id, body.Code, scheme.Id),
                        new OperationContext(WebAudit.ActorOf(http.User), time), ct);
                    return Results.Json(new
                    {
                        evidenceId = id,
                        scheme = set.Category.Scheme,
                        code = set.Category.Code,
                        label = scheme.LabelOf(set.Category.Code),
                        previous = set.Previous?.ToString(),
                    });
                }
                catch (OperationException e)
                {
                    return Error(StatusCodes.Status404NotFound, e.Message);
                }
            })
            .RequireAuthorization(WorkbenchPolicies.Media);
        return app;
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
