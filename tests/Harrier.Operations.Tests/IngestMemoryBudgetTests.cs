using Harrier.Cases.Tests;
using Harrier.Media.Features;
using Harrier.Operations.Ingest;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Issue 20.3: one memory budget for a whole ingest run, whatever the number of files decoded at once. Each file reserves
/// its estimated working set before it is decoded; a file that needs more than the whole budget is refused with the
/// reason, listed, and taken by a later run with room for it.
/// </summary>
public sealed class IngestMemoryBudgetTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Many_parallel_files_stay_within_the_budget_and_a_file_too_large_for_it_waits_for_a_run_with_room(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var photos = Directory.GetFiles(TestPaths.Photos("flowers-ccby", "daisy"), "*.jpg").Order(StringComparer.Ordinal).Take(8).ToList();
        foreach (var photo in photos)
        {
            t.WriteEvidence(Path.GetFileName(photo), File.ReadAllBytes(photo));
        }

        var video = Path.Combine(t.EvidenceDir, "wide.mp4");
        FfmpegTool.Run("-f lavfi -i testsrc2=size=1280x720:rate=10 -t 1 -c:v libx264 -preset veryfast -g 10 -pix_fmt yuv420p", video);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        // Room for the largest photo and a little more, not for the video: eight jobs, but the photos take turns.
        var largestPhoto = photos.Max(p => ImageNeed(p));
        var videoNeed = MediaLimits.Default.VideoBytes(1280, 720, 1280, 720);
        Assert.True(videoNeed > largestPhoto * 3 / 2, $"video {videoNeed}, photo {largestPhoto}");
        var small = await RunAsync(store, jobs: 8, budget: largestPhoto * 3 / 2);
        Assert.Equal((8, largestPhoto * 3 / 2), (small.Jobs, small.MemoryBudgetBytes));
        Assert.InRange(small.PeakReservedBytes, largestPhoto, small.MemoryBudgetBytes);
        Assert.Equal(photos.Count, small.Kinds["image"]);
        var refused = Assert.Single(small.Unreadable);
        Assert.Equal("wide.mp4", refused.RelPath);
        Assert.Contains($"needs an estimated {videoNeed >> 20} MiB, more than the whole ingest memory budget of {(largestPhoto * 3 / 2) >> 20} MiB", refused.Reason, StringComparison.Ordinal);

        // A run with room takes the refused file, and only it.
        var roomy = await RunAsync(store, jobs: 2, budget: videoNeed);
        Assert.Empty(roomy.Unreadable);
        Assert.Equal((1, photos.Count), (roomy.Ingested, roomy.AlreadyIngested));
        Assert.Equal(1, roomy.Kinds["video"]);
        Assert.Equal(videoNeed, roomy.PeakReservedBytes);
    }

    [Fact]
    public async Task A_budget_or_parallelism_below_one_is_refused()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RunAsync(store, jobs: 1, budget: 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RunAsync(store, jobs: 0, budget: 1L << 30));
    }

    private static long ImageNeed(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(Harrier.Media.Imaging.ImageDecoder.TryReadSize(bytes, out var w, out var h));
        return MediaLimits.ImageBytes(w, h, bytes.Length);
    }

    private static Task<IngestMediaResult> RunAsync(Harrier.Cases.CaseStore store, int jobs, long budget) =>
        IngestMedia.RunAsync(store, new OperationContext("tester", store.Time),
            new IngestMediaRequest("EX-1") { Thumbnails = null, Parallelism = jobs, MemoryBudgetBytes = budget }, CancellationToken.None);
}
