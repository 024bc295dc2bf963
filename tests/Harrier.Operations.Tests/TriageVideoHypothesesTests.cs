using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Media.Vpdq;
using Harrier.Operations.Triage;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Off-centre, turned and inset video (issue 21.2–21.4 for sampled video frames): triage computes the frame hypotheses
/// of the videos nothing else matched, from the evidence file, stores them once, and finds a bank video re-encoded with
/// one side cut by 10 %, turned by 3°, or shown at half the width inside another video, each under its method; an
/// unrelated video stays unknown, and a plain re-encode (found by vPDQ) gets no hypotheses computed.
/// </summary>
public sealed class TriageVideoHypothesesTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");
    private static readonly string Rose = TestPaths.Photos("flowers-ccby", "roses", Directory.GetFiles(TestPaths.Photos("flowers-ccby", "roses"), "*.jpg").Select(Path.GetFileName).Order(StringComparer.Ordinal).First()!);
    private static readonly string Tulip = TestPaths.Photos("flowers-ccby", "tulips", "100930342_92e8746431_n.jpg");
    private static readonly string Sunflower = TestPaths.Photos("flowers-ccby", "sunflowers", Directory.GetFiles(TestPaths.Photos("flowers-ccby", "sunflowers"), "*.jpg").Select(Path.GetFileName).Order(StringComparer.Ordinal).First()!);

    /// <summary>Two real photos, each panned over for 4 s (a slideshow, as the scenario's): 8 s at 12 fps, 640×360.</summary>
    private static void Slideshow(string first, string second, string output) => FfmpegTool.Run(
        "-loop", "1", "-framerate", "12", "-t", "4", "-i", first, "-loop", "1", "-framerate", "12", "-t", "4", "-i", second, "-filter_complex",
        "[0:v]scale=800:450:force_original_aspect_ratio=increase,crop=800:450,crop=640:360:x='t*36':y='t*16',setsar=1[a];"
        + "[1:v]scale=800:450:force_original_aspect_ratio=increase,crop=800:450,crop=640:360:x='144-t*36':y='t*16',setsar=1[b];[a][b]concat=n=2,format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", output);

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_cropped_a_turned_and_a_picture_in_picture_re_encode_are_found_by_frame_hypotheses_computed_once_and_a_plain_match_gets_none(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var work = Path.Combine(t.Root, "work");
        Directory.CreateDirectory(work);
        var original = Path.Combine(work, "original.mp4");
        Slideshow(Daisy, Rose, original);

        // The bank holds the original's vPDQ at the interchange rate (1 frame a second).
        var bankVpdq = await VpdqHasher.HashFileAsync(original);
        VpdqFormats.WriteFile(Path.Combine(work, "original.vpdq.txt"), bankVpdq.Features);
        await File.WriteAllTextAsync(Path.Combine(work, "bank.txt"), "0123456789abcdef0123456789abcdef\toriginal.vpdq.txt\n");
        await new BankStore(store).ImportAsync(Path.Combine(work, "bank.txt"), "videos", BankFormat.Vpdq, "tester", null, CancellationToken.None);

        // Re-uploads (x264 crf 28): 10 % cut off the left side; turned by 3° and cropped to remove the empty corners
        // (zoom cos 3° + sin 3° · 16/9 = 1.0916); shown at half the width in the top-right corner of another video; a
        // plain re-encode; and an unrelated video.
        void Encode(string name, params string[] args) =>
            FfmpegTool.Run([.. args, "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", Path.Combine(t.EvidenceDir, name)]);
        Encode("cropped.mp4", "-i", original, "-vf", "crop=576:360:64:0,format=yuv420p");
        Encode("turned.mp4", "-i", original, "-vf", "rotate=3*PI/180,crop=586:330,scale=640:360,format=yuv420p");
        var background = Path.Combine(work, "background.mp4");
        Slideshow(Tulip, Sunflower, background);
        Encode("inset.mp4", "-i", background, "-i", original, "-filter_complex",
            "[0:v]hflip,eq=contrast=0.6[bg];[1:v]scale=320:180[p];[bg][p]overlay=W-w-16:16:shortest=1,format=yuv420p");
        Encode("plain.mp4", "-i", original, "-vf", "format=yuv420p");
        Encode("unrelated.mp4", "-i", background, "-vf", "format=yuv420p");
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = new MediaFactsStore(store);
        foreach (var id in ids.Values)
        {
            Assert.Null((await facts.LoadAsync(id, CancellationToken.None))!.VpdqHypotheses);
        }

        var first = await new RunTriage(store).RunAsync(new RunTriageRequest(), new OperationContext("tester", store.Time), CancellationToken.None);
        var results = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        foreach (var (name, method) in new[] { ("cropped.mp4", "vpdq-offcentre"), ("turned.mp4", "vpdq-derotated"), ("inset.mp4", "vpdq-inset") })
        {
            Assert.True((results[name].Status, results[name].Method, results[name].Bank) == ("known", method, "videos"),
                $"{name}: {results[name].Status} {results[name].Method} {results[name].Distance}");
        }

        Assert.Equal(("known", "vpdq"), (results["plain.mp4"].Status, results["plain.mp4"].Method));
        Assert.Equal("unknown", results["unrelated.mp4"].Status);
        Assert.Empty(first.Errors);
        Assert.Equal((4, 0, 0), (first.VideosHypothesised, first.VideosHypothesesStored, first.ImagesHypothesised));

        // Stored for the four videos nothing else matched, up to 8 whole-second frames each; none for the plain match.
        Assert.Null((await facts.LoadAsync(ids["plain.mp4"], CancellationToken.None))!.VpdqHypotheses);
        var cropped = (await facts.LoadAsync(ids["cropped.mp4"], CancellationToken.None))!;
        Assert.Equal([0, 12, 24, 36, 48, 60, 72, 84], cropped.VpdqHypotheses!.Select(f => f.FrameNumber));
        Assert.All(cropped.VpdqHypotheses!, f => Assert.Equal((24, 24, 6, 6), (f.OffCentre.Count, f.OffCentreStable.Count, f.Derotated.Count, f.DerotatedStable.Count)));
        Assert.NotNull(cropped.VpdqReframed);
        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "triage.hypotheses.start" && e.Target.Contains("0 images and 4 videos", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "triage.run" && e.Target.Contains("video hypotheses: 4 computed, 0 stored before", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Target.Contains(".mp4", StringComparison.Ordinal));

        // A second triage reuses them: nothing computed, the same results.
        var rows = await facts.LoadRowsAsync(CancellationToken.None);
        var second = await new RunTriage(store).RunAsync(new RunTriageRequest(), new OperationContext("tester", store.Time), CancellationToken.None);
        Assert.Equal((0, 4), (second.VideosHypothesised, second.VideosHypothesesStored));
        Assert.Equal(rows.ToDictionary(r => r.Key, r => r.Value.Reframed), (await facts.LoadRowsAsync(CancellationToken.None)).ToDictionary(r => r.Key, r => r.Value.Reframed));
        var again = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        Assert.All(results, r => Assert.Equal((r.Value.Status, r.Value.Method, r.Value.Distance), (again[r.Key].Status, again[r.Key].Method, again[r.Key].Distance)));
    }
}
