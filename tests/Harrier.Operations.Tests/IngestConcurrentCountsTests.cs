using System.Text;
using Harrier.Cases.Tests;
using Harrier.Operations.Ingest;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Counts that say what happened (issue 20.6): the CLI keeps a second writer out with the case's writer lock, but a caller of
/// the operations that takes no lock can still overlap two ingests of one exhibit; what the other one stored first is then
/// counted as already ingested, not lost from the counts.
/// </summary>
public sealed class IngestConcurrentCountsTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_run_whose_files_another_run_ingested_meanwhile_counts_them_as_already_ingested(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var first = await t.InitAsync();
        var second = await t.OpenAsync();
        t.WriteEvidence("daisy.jpg", File.ReadAllBytes(Daisy));
        t.WriteEvidence("notes.txt", Encoding.ASCII.GetBytes("not media"));
        t.WriteEvidence("more.txt", Encoding.ASCII.GetBytes("nor this"));
        await first.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        // One file at a time: the first run reports its first file before it has stored anything, and there the second
        // run ingests the whole exhibit; the first run's rows then all meet the second's.
        var request = new IngestMediaRequest("EX-1") { Thumbnails = null, Parallelism = 1 };
        IngestMediaResult? meanwhile = null;
        var atFirstFile = new InlineProgress(_ =>
            meanwhile ??= Task.Run(() => IngestMedia.RunAsync(second, new OperationContext("bob", second.Time), request, CancellationToken.None))
                .GetAwaiter().GetResult());

        var result = await IngestMedia.RunAsync(first, new OperationContext("alice", first.Time, atFirstFile), request, CancellationToken.None);

        Assert.NotNull(meanwhile);
        Assert.Equal((3, 0, 3), (meanwhile.Files, meanwhile.AlreadyIngested, meanwhile.Ingested));
        Assert.Equal((3, 3, 0), (result.Files, result.AlreadyIngested, result.Ingested)); // it used to say 0 ingested, 0 already
    }

    /// <summary>Reports on the reporting thread, at once.</summary>
    private sealed class InlineProgress(Action<OperationProgress> report) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => report(value);
    }
}
