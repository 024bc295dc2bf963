using System.Globalization;
using Harrier.Cases;
using Harrier.Chain.Tracing;

namespace Harrier.Operations.Chain;

/// <summary>Writes one data request per exchange (CSV and JSON) from the case's last trace; audited as <c>chain.requests</c>.</summary>
public sealed class WriteChainRequests(CaseStore store)
{
    /// <summary>Writes the requests into <see cref="WriteChainRequestsRequest.OutDir"/>.</summary>
    public async Task<WriteChainRequestsResult> RunAsync(WriteChainRequestsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var workspace = new ChainWorkspace(store);
        var report = workspace.ReadTrace()
            ?? throw new OperationException($"no trace in {workspace.ChainDirectory} (run chain trace first)");
        var dir = Path.GetFullPath(request.OutDir);
        var files = RequestWriter.Write(report, dir, store.Manifest.Name);
        await store.RecordAsync(context.Intent("chain.requests", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{dir}: {report.Requests.Count} exchanges, {report.Requests.Sum(r => r.Leads.Count)} withdrawals"), cancellationToken);
        return new WriteChainRequestsResult(dir, files,
            [.. report.Requests.Select(r => new ExchangeRequestSummary(r.Actor, r.Jurisdictions, r.Leads.Count))]);
    }
}

/// <summary>Where to write the request documents.</summary>
public sealed record WriteChainRequestsRequest(string OutDir, string? Justification = null);

/// <summary>The folder, the files written, and one line per exchange.</summary>
public sealed record WriteChainRequestsResult(string Directory, IReadOnlyList<string> Files, IReadOnlyList<ExchangeRequestSummary> Exchanges);

/// <summary>One exchange's request: who, where, and how many withdrawals it asks about.</summary>
public sealed record ExchangeRequestSummary(string Actor, IReadOnlyList<string> Jurisdictions, int Withdrawals);
