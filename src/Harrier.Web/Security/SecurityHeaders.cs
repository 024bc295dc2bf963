using Microsoft.AspNetCore.Http;

namespace Harrier.Web.Security;

/// <summary>
/// The headers on every response: a content security policy that allows no inline script or style and no other origin,
/// no framing (clickjacking), no MIME sniffing, no referrer, no caching of case data, and no browser features the
/// workbench does not use.
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public static void Apply(HttpResponse response)
    {
        var h = response.Headers;
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XFrameOptions = "DENY";
        h.XContentTypeOptions = "nosniff";
        h["Referrer-Policy"] = "no-referrer";
        h["Cross-Origin-Opener-Policy"] = "same-origin";
        h["Cross-Origin-Resource-Policy"] = "same-origin";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        if (!h.ContainsKey("Cache-Control"))
        {
            h.CacheControl = "no-store";
        }
    }
}
