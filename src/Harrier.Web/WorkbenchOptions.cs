namespace Harrier.Web;

/// <summary>How <c>harrier serve</c> (or the demo) starts the workbench.</summary>
public sealed record WorkbenchOptions
{
    /// <summary>The address to listen on: loopback by default; anything else is the operator's explicit choice.</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>The port (0: any free port, as tests use).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>
    /// The folder with the vendored browser libraries (cytoscape.min.js), fetched from the npm registry at build time by
    /// scripts/lib.sh (never from a CDN at run time); null when the flow graph's library is not installed.
    /// </summary>
    public string? VendorDir { get; init; }

    /// <summary>
    /// Where country packages are listed from and built into (default: CASE/packages). A package is any folder below it,
    /// one or two levels down, named by its country code and holding package.json (a build from the workbench goes to
    /// a new folder named by its UTC time; the demo's packages sit directly in DIR/packages).
    /// </summary>
    public string? PackagesDir { get; init; }

    /// <summary>How long a revealed item stays unblurred before it blurs again on its own.</summary>
    public TimeSpan RevealFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body (an uploaded photo or video for the API).</summary>
    public long MaxUploadBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Idle time after which a session ends.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Log requests and framework messages at Information (default: warnings only).</summary>
    public bool Verbose { get; init; }

    /// <summary>
    /// Where the HMA-compatible lookups are served (null: an index of the case's banks in this process). The CLI's
    /// <c>serve --cluster</c> passes the case's cluster (Harrier.Cluster): any silo answers, with the same matches.
    /// </summary>
    public Harrier.Operations.Banks.IPdqLookup? Lookup { get; init; }
}
