using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harrier.Web;

/// <summary>
/// The workbench's own CSS and scripts (embedded from Assets/) at <c>/assets/…</c>, and the vendored browser libraries
/// at <c>/vendor/…</c>. Both are served from a fixed list looked up by name: no request path ever reaches the file system.
/// </summary>
internal static class WorkbenchAssets
{
    /// <summary>The vendored libraries the pages may load, by file name (scripts/lib.sh fetches them).</summary>
    public static readonly IReadOnlyList<string> VendorFiles = ["cytoscape.min.js"];

    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Embedded = Load();

    public static IEndpointRouteBuilder MapWorkbenchAssets(this IEndpointRouteBuilder app, WorkbenchOptions options)
    {
        app.MapGet("/assets/{**path}", (string path, HttpContext http) =>
        {
            if (!Embedded.TryGetValue(path, out var asset))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=300";
            return Results.Bytes(asset.Bytes, asset.Type);
        }).AllowAnonymous();
        app.MapGet("/vendor/{name}", (string name, HttpContext http) =>
        {
            if (options.VendorDir is null || !VendorFiles.Contains(name))
            {
                return Results.NotFound();
            }

            var file = Path.Combine(options.VendorDir, name);
            if (!File.Exists(file))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.File(file, "text/javascript");
        }).AllowAnonymous();
        return app;
    }

    /// <summary>True when the vendored library <paramref name="name"/> is installed.</summary>
    public static bool HasVendor(WorkbenchOptions options, string name) =>
        options.VendorDir is not null && File.Exists(Path.Combine(options.VendorDir, name));

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(WorkbenchAssets).Assembly;
        var map = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css",
                ".js" => "text/javascript",
                ".svg" => "image/svg+xml",
                ".png" => "image/png",
                _ => "application/octet-stream",
            };
            map[name["assets/".Length..].Replace('\\', '/')] = (buffer.ToArray(), type);
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
