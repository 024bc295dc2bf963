using System.Globalization;
using Harrier.Cases;
using Harrier.Chain.Blocks;
using Harrier.Chain.Store;

namespace Harrier.Operations.Chain;

/// <summary>
/// Imports block files into the case's columnar chain store (extending it on a rerun); audited as <c>chain.import</c>
/// after the store's files are written. Read errors are reported, and the rest is imported.
/// </summary>
public sealed class ImportChain(CaseStore store)
{
    /// <summary>Imports <see cref="ImportChainRequest.Source"/>.</summary>
    public async Task<ImportChainResult> RunAsync(ImportChainRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var source = Path.GetFullPath(request.Source);
        var network = request.Network is { } name
            ? ChainNetworks.FromName(name) ?? throw new OperationException($"unknown network '{name}'")
            : null;
        var workspace = new ChainWorkspace(store);
        IProgress<(string Stage, long Done, long Total)>? progress = context.Progress is { } p ? new Forward(p) : null;
        ChainImportResult result;
        try
        {
            result = await Task.Run(() => ChainImporter.Import(workspace.ChainDirectory, source, new ChainImportOptions { Network = network },
                progress, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException)
        {
            throw new OperationException(e.Message, e);
        }

        var m = result.Manifest;
        await store.RecordAsync(context.Intent("chain.import", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{source}: {result.FilesRead} files, {result.BlocksAdded} blocks added, {result.Errors.Count} errors, tip {m.Tip} ({m.Blocks} blocks)"),
            cancellationToken);
        return new ImportChainResult(result.FilesRead, result.BlocksFound, result.BlocksAdded, result.AlreadyStored, result.StaleBlocks,
            result.UnlinkedBlocks, result.TransactionsAdded, result.InputsAdded, result.OutputsAdded, result.Errors, m,
            result.ReadTime.TotalSeconds, result.BuildTime.TotalSeconds);
    }

    private sealed class Forward(IProgress<OperationProgress> inner) : IProgress<(string Stage, long Done, long Total)>
    {
        public void Report((string Stage, long Done, long Total) value) => inner.Report(new OperationProgress(value.Stage, value.Done, value.Total));
    }
}

/// <summary>What to import.</summary>
/// <param name="Source">A blocks folder (<c>blk*.dat</c>, <c>xor.dat</c>; also .raw/.hex blocks) or one block file.</param>
/// <param name="Network">main, testnet, testnet4, signet or regtest; null: the store's, else the first block magic.</param>
/// <param name="Justification">Why, for the audit log.</param>
public sealed record ImportChainRequest(string Source, string? Network = null, string? Justification = null);

/// <summary>What the import found and did, and the store after it.</summary>
public sealed record ImportChainResult(
    int FilesRead,
    int BlocksFound,
    int BlocksAdded,
    int AlreadyStored,
    IReadOnlyList<string> StaleBlocks,
    IReadOnlyList<string> UnlinkedBlocks,
    int TransactionsAdded,
    long InputsAdded,
    long OutputsAdded,
    IReadOnlyList<ChainReadError> Errors,
    ChainManifest Store,
    double ReadSeconds,
    double BuildSeconds);
