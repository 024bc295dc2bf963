using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Media.Imaging;

namespace Harrier.Operations.Ingest;

/// <summary>
/// Ingest one evidence file: its features from the media engine (<see cref="MediaFeatureExtractor"/>), its derived
/// picture under <c>CASE/derived/</c>, its row in <c>media_facts</c> (<see cref="MediaFactsStore"/>), exactly once. The
/// per-file job <see cref="IngestMedia"/> runs over an exhibit, and a worker can run alone.
/// </summary>
public sealed class IngestFile
{
    private readonly CaseStore _store;
    private readonly MediaFactsStore _facts;
    private readonly MediaFeatureExtractor _extractor;

    /// <summary>The job over <paramref name="store"/>, making derived pictures as <paramref name="thumbnails"/> says (null: none).</summary>
    internal IngestFile(CaseStore store, ThumbnailOptions? thumbnails, MemoryBudget? budget = null, MediaLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        thumbnails?.Validate();
        _store = store;
        _facts = new MediaFactsStore(store);
        _extractor = new MediaFeatureExtractor { Thumbnails = thumbnails, Budget = budget, Limits = limits ?? MediaLimits.Default };
    }

    /// <summary>
    /// Ingests the file of <paramref name="request"/> unless it is ingested already, and records it in the audit log
    /// (counts and kinds only, never names or metadata).
    /// </summary>
    /// <exception cref="CaseStoreException">No such exhibit or readable evidence file.</exception>
    public static async Task<IngestFileResult> RunAsync(CaseStore store, OperationContext context, IngestFileRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var item = (await RunBatchAsync(store, context,
            new IngestFilesRequest(request.ExhibitId, [request.EvidenceId]) { Thumbnails = request.Thumbnails, Justification = request.Justification },
            cancellationToken)).Single();
        return item.Result ?? throw new CaseStoreException(item.Failure!);
    }

    /// <summary>
    /// Ingests the files of <paramref name="request"/> that are not ingested already, one after the other, and stores their
    /// facts with one audit entry (counts and kinds only) in one transaction: the cluster's per-file work, a few files a
    /// lease, so that each file does not pay two sealed transactions and a signed audit entry of its own (docs/scale.md). A file that
    /// is not a readable evidence file of the exhibit is a failure of that item; the others go on.
    /// </summary>
    /// <exception cref="CaseStoreException">No such exhibit.</exception>
    public static async Task<IReadOnlyList<IngestBatchItem>> RunBatchAsync(CaseStore store, OperationContext context, IngestFilesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var exhibit = (await store.Evidence.ExhibitsAsync(cancellationToken)).FirstOrDefault(x => x.ExhibitId == request.ExhibitId)
            ?? throw new CaseStoreException($"no exhibit {request.ExhibitId} in this case");
        var job = new IngestFile(store, request.Thumbnails);
        var items = new IngestBatchItem[request.EvidenceIds.Count];
        var fresh = new List<(int Index, EvidenceFile File, MediaFacts Facts)>();
        for (var i = 0; i < items.Length; i++)
        {
            var id = request.EvidenceIds[i];
            if (await store.Evidence.FindAsync(request.ExhibitId, id, cancellationToken) is not { Status: EvidenceStatus.Ok } file)
            {
                items[i] = new IngestBatchItem(id, null, $"no readable evidence file {id} in exhibit {request.ExhibitId}");
            }
            else if (await job._facts.LoadAsync(file.Id, cancellationToken) is { Error: null } before)
            {
                items[i] = new IngestBatchItem(id, new IngestFileResult(file.Id, file.RelPath, before.Kind, false) { Error = before.Error, Derived = before.Derived, Notes = before.Notes }, null);
            }
            else
            {
                fresh.Add((i, file, await job.FactsAsync(exhibit, file, cancellationToken)));
            }

            context.Progress?.Report(new OperationProgress("ingest", i + 1, items.Length));
        }

        if (fresh.Count == 0)
        {
            return items;
        }

        // The facts and their audit entry in one transaction: a file's row never exists without its record.
        var written = await job._facts.WriteAuditedAsync([.. fresh.Select(f => f.Facts)], context.Intent("ingest.file", request.Justification),
            ids => string.Create(CultureInfo.InvariantCulture,
                $"exhibit {exhibit.ExhibitId}: {string.Join(", ", fresh.Select(f => $"evidence {f.File.Id} {(ids.Contains(f.File.Id) ? "ingested" : "already ingested")} as {f.Facts.Kind}"))}"),
            cancellationToken);
        foreach (var (index, file, facts) in fresh)
        {
            items[index] = new IngestBatchItem(file.Id,
                new IngestFileResult(file.Id, file.RelPath, facts.Kind, written.Contains(file.Id)) { Error = facts.Error, Derived = facts.Derived, Notes = facts.Notes }, null);
        }

        return items;
    }

    /// <summary>
    /// The facts of one registered file (its features and its derived picture, written under the case folder), not yet
    /// stored: <see cref="IngestMedia"/> stores them in batches.
    /// </summary>
    internal async Task<MediaFacts> FactsAsync(Exhibit exhibit, EvidenceFile file, CancellationToken cancellationToken)
    {
        var (features, error) = await ReadRegisteredAsync(exhibit, file, (path, size, ct) => _extractor.ExtractAsync(path, size, ct), cancellationToken);
        if (error is not null)
        {
            return Failed(file.Id, error + "; not ingested" + (error.StartsWith("the file changed while", StringComparison.Ordinal) ? ", tried again at the next ingest" : ""));
        }

        string? derived = null;
        if (features!.Thumbnail is { } picture)
        {
            derived = _facts.TryWriteDerived(file.Id, features.Kind == MediaKinds.Video ? "strips" : "thumbs", picture, out var note);
            if (note is not null)
            {
                features = features with { Notes = [.. features.Notes, note] };
            }
        }

        // The picture is written; the stored facts never hold pixels.
        return new MediaFacts(file.Id, features with { Thumbnail = null }) { Derived = derived };
    }

    /// <summary>
    /// Runs <paramref name="read"/> (the media engine, given a path and the registered size) over the registered evidence
    /// file <paramref name="file"/>, opened read-only exactly as ingest opens it, after checking it holds the registered
    /// bytes: the result, or why the file could not be read as registered (its features then are null). Ingest and the
    /// image hypotheses triage computes later (issue 21.6) both read evidence through here.
    /// </summary>
    internal static async Task<(MediaFeatures? Features, string? Error)> ReadRegisteredAsync(Exhibit exhibit, EvidenceFile file,
        Func<string, long?, CancellationToken, Task<MediaFeatures>> read, CancellationToken cancellationToken)
    {
        if (EvidenceRegistry.PathOf(exhibit, file) is not { } bytes)
        {
            return (null, "its registered name leads outside its exhibit's folder");
        }

        // Opened once, by the name's bytes (a name that is not UTF-8 has no text path that opens it), read-only, no link followed.
        FileStream stream;
        try
        {
            stream = EvidenceRegistry.OpenOriginal(bytes, file.RelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read the file to check it against its registration: {e.Message}");
        }

        await using (stream)
        {
            // The bytes hashed must be the bytes registered: the file's SHA-256 is checked first (one streamed read, read-only),
            // and its size and modification time after the features were taken, so a file replaced before ingest or changed
            // while it was decoded is an error naming both digests, never another file's features under this record.
            if (await RegisteredBytesProblemAsync(stream, file, cancellationToken) is { } changed)
            {
                return (null, changed);
            }

            // The decoders take a path as text. A name that is text is given as it is (as before); one that is not is given
            // as this process's /proc entry of the file just checked, which the decoders (in this process, or ffmpeg as a
            // child of the same user) open as that very file, and which is stamped through the open handle.
            var text = TextOf(bytes);
            var path = text ?? string.Create(CultureInfo.InvariantCulture, $"/proc/{Environment.ProcessId}/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
            Func<(long, DateTime)> stamp = text is not null ? () => Stamp(text) : () => Stamp(stream.SafeFileHandle);
            var before = stamp();
            // The extractor's own size check reads the path's size, which for a /proc entry is the link's; the SHA-256
            // just checked through the open file, and the stamp, already hold the registered size there.
            var features = await read(path, text is not null ? file.Size : null, cancellationToken);
            return stamp() != before
                ? (null, "the file changed while it was read for hashing (size or modification time)")
                : (features, null);
        }
    }

    /// <summary>Null when <paramref name="stream"/> holds the registered bytes (by SHA-256), else why not, naming both digests.</summary>
    private static async Task<string?> RegisteredBytesProblemAsync(FileStream stream, EvidenceFile file, CancellationToken cancellationToken)
    {
        if (file.Sha256 is null)
        {
            return "the file has no registered SHA-256 to check its bytes against";
        }

        string now;
        try
        {
            now = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read the file to check it against its registration: {e.Message}";
        }

        return string.Equals(now, file.Sha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"the file's SHA-256 is now {now}, registered as {file.Sha256}: it changed since registration (evidence verify names what changed)";
    }

    private static string? TextOf(byte[] bytes)
    {
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    private static (long Size, DateTime Modified) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1, default);
    }

    private static (long Size, DateTime Modified) Stamp(Microsoft.Win32.SafeHandles.SafeFileHandle handle) =>
        (RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle));

    private static MediaFacts Failed(long evidenceId, string reason) =>
        new(evidenceId, new MediaFeatures(MediaKinds.Unreadable, null) { Error = reason });
}
