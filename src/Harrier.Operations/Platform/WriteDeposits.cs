using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Platform;
using Harrier.Chain.Tracing;

namespace Harrier.Operations.Platform;

/// <summary>
/// Writes the deposit addresses of an imported platform's accounts as a deposit list (<c>address,account</c> a line,
/// <see cref="DepositList"/>'s format) for <c>chain cluster --deposits</c> and <c>chain trace --deposits</c>: the money
/// half starts from what the platform import recorded, not from the seized database again. Accounts in their key order
/// (numerically where every key is a number); an address shared by several accounts is written once, with the first.
/// Audited as <c>platform.deposits</c>, since it writes case data out.
/// </summary>
public sealed class WriteDeposits(CaseStore store)
{
    /// <summary>Writes the list; refuses a case with no platform import, or an import id it does not hold.</summary>
    public async Task<WriteDepositsResult> RunAsync(WriteDepositsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var platform = new PlatformStore(store);
        var imports = await platform.ListAsync(cancellationToken);
        var import = request.ImportId is { } id
            ? imports.FirstOrDefault(i => i.ImportId == id) ?? throw new OperationException($"no platform import {id} in this case")
            : imports.Count > 0 ? imports[^1] : throw new OperationException("no platform import in this case; run 'harrier platform import' first");

        var accounts = await platform.AccountsAsync(import.ImportId, cancellationToken);
        var numeric = accounts.All(a => long.TryParse(a.AccountKey, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        var ordered = numeric
            ? accounts.OrderBy(a => long.Parse(a.AccountKey, CultureInfo.InvariantCulture))
            : accounts.OrderBy(a => a.AccountKey, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deposits = ordered.Where(a => !string.IsNullOrWhiteSpace(a.DepositAddress) && seen.Add(a.DepositAddress!))
            .Select(a => new DepositAddress(a.DepositAddress!, a.AccountKey)).ToList();

        var path = Path.GetFullPath(request.OutFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var writer = new StreamWriter(path))
        {
            DepositList.Write(writer, deposits);
        }

        var without = accounts.Count(a => string.IsNullOrWhiteSpace(a.DepositAddress));
        await store.RecordAsync(context.Intent("platform.deposits", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{deposits.Count} deposit addresses of platform import {import.ImportId} ({import.Source}) to {path}"), cancellationToken);
        return new WriteDepositsResult(path, import.ImportId, deposits.Count, without, accounts.Count - without - deposits.Count);
    }
}

/// <summary>The file to write, and which import (default: the latest).</summary>
public sealed record WriteDepositsRequest(string OutFile, long? ImportId = null, string? Justification = null);

/// <summary>
/// The file written; <paramref name="Deposits"/> addresses written, <paramref name="AccountsWithoutAddress"/> accounts
/// with none, <paramref name="SharedAddresses"/> accounts whose address an earlier account already had.
/// </summary>
public sealed record WriteDepositsResult(string Path, long ImportId, int Deposits, int AccountsWithoutAddress, int SharedAddresses);
