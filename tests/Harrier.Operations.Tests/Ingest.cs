using Harrier.Cases;
using Harrier.Media.Imaging;
using Harrier.Operations.Ingest;

namespace Harrier.Operations.Tests;

/// <summary>Runs <see cref="IngestMedia"/> on exhibit EX-1 as "tester", on the case's clock.</summary>
internal static class Ingest
{
    public static Task<IngestMediaResult> RunAsync(CaseStore store) => RunAsync(store, ThumbnailOptions.Default);

    public static Task<IngestMediaResult> RunAsync(CaseStore store, ThumbnailOptions? thumbnails) =>
        IngestMedia.RunAsync(store, new OperationContext("tester", store.Time), new IngestMediaRequest("EX-1") { Thumbnails = thumbnails }, CancellationToken.None);
}
