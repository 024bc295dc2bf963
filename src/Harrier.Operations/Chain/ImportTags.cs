using System.Globalization;
using Harrier.Cases;
using Harrier.Chain.Attribution;

namespace Harrier.Operations.Chain;

/// <summary>
/// Imports GraphSense TagPacks and ActorPacks into the case's <c>tags/</c> (re-importing a file replaces its tags);
/// audited as <c>tags.import</c> after the library is saved. Packs with errors are reported, and the rest imported; when
/// no pack reads at all the import is refused and nothing is saved.
/// </summary>
public sealed class ImportTags(CaseStore store)
{
    /// <summary>Imports <see cref="ImportTagsRequest.Path"/>.</summary>
    public async Task<ImportTagsResult> RunAsync(ImportTagsRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var source = Path.GetFullPath(request.Path);
        var workspace = new ChainWorkspace(store);
        var library = workspace.LoadTags();
        var errors = new List<string>();
        IReadOnlyList<ImportedPack> packs;
        try
        {
            packs = library.Import(source, !request.Private, errors);
        }
        catch (FileNotFoundException e)
        {
            throw new OperationException(e.Message, e);
        }

        if (packs.Count == 0 && errors.Count > 0)
        {
            // Nothing valid at all: refused, and nothing saved or audited (exit 2); some packs read and some not is exit 1.
            throw new OperationException(string.Create(CultureInfo.InvariantCulture,
                $"no tag or actor pack could be read from {source} ({errors.Count} errors): {string.Join("; ", errors.Take(5))}"));
        }

        library.Save(workspace.TagsDirectory);
        await store.RecordAsync(context.Intent("tags.import", request.Justification), string.Create(CultureInfo.InvariantCulture,
            $"{source}: {packs.Count} packs ({packs.Where(p => p.Kind == "tags").Sum(p => p.Entries)} tags, {packs.Where(p => p.Kind == "actors").Sum(p => p.Entries)} actors), {(request.Private ? "private" : "public")}, {errors.Count} errors"),
            cancellationToken);
        return new ImportTagsResult(packs, errors, library.Tags.Count, library.Actors.Count);
    }
}

/// <summary>What to import.</summary>
/// <param name="Path">A TagPack or ActorPack YAML file, or a folder of them.</param>
/// <param name="Private">A case-only pack (seized deposit addresses, user ids): never shared.</param>
/// <param name="Justification">Why, for the audit log.</param>
public sealed record ImportTagsRequest(string Path, bool Private = false, string? Justification = null);

/// <summary>The packs imported, the errors met, and the case's totals after the import.</summary>
public sealed record ImportTagsResult(IReadOnlyList<ImportedPack> Packs, IReadOnlyList<string> Errors, int TotalTags, int TotalActors);
