using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// A mirrored or turned re-upload of a bank video (issue 21.1): ingest keeps the dihedral hashes of one sampled frame a
/// second, and triage finds the video under the one transform that undoes the re-upload's, for the whole video; a
/// different video stays unknown.
/// </summary>
public sealed class IngestMediaDihedralTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");
    private static readonly string Tulip = TestPaths.Photos("flowers-ccby", "tulips", "100930342_92e8746431_n.jpg");

    /// <summary>A pan over a real photo (the scenario's slideshows): 4 s at 12 fps, 320×180.</summary>
    private const string Pan = "scale=400:225:force_original_aspect_ratio=increase,crop=400:225,crop=320:180:x='t*20':y='t*8',format=yuv420p";

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Mirrored_flipped_turned_and_transposed_re_encodes_match_their_bank_video_and_a_different_video_does_not(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var work = Path.Combine(t.Root, "work");
        Directory.CreateDirectory(work);
        var original = Path.Combine(work, "original.mp4");
        FfmpegTool.Run("-loop", "1", "-framerate", "12", "-t", "4", "-i", Daisy, "-vf", Pan, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", original);

        // The bank holds the original's vPDQ at the interchange rate (1 frame a second), as a vPDQ list.
        var bankVpdq = await VpdqHasher.HashFileAsync(original);
        VpdqFormats.WriteFile(Path.Combine(work, "original.vpdq.txt"), bankVpdq.Features);
        await File.WriteAllTextAsync(Path.Combine(work, "bank.txt"), "0123456789abcdef0123456789abcdef\toriginal.vpdq.txt\n");
        await new BankStore(store).ImportAsync(Path.Combine(work, "bank.txt"), "videos", BankFormat.Vpdq, "tester", null, CancellationToken.None);

        // Re-uploads: the original re-encoded mirrored left-right, flipped top-bottom, turned 90° clockwise, transposed
        // (ffmpeg's default: turned 90° counter-clockwise and flipped); and another video.
        foreach (var (name, filter) in new[] { ("hflip.mp4", "hflip"), ("vflip.mp4", "vflip"), ("rotate90.mp4", "transpose=clock"), ("transpose.mp4", "transpose") })
        {
            FfmpegTool.Run("-i", original, "-vf", filter + ",format=yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", Path.Combine(t.EvidenceDir, name));
        }

        FfmpegTool.Run("-loop", "1", "-framerate", "12", "-t", "4", "-i", Tulip, "-vf", Pan + ",hflip", "-c:v", "libx264", "-preset", "veryfast", "-crf", "28",
            Path.Combine(t.EvidenceDir, "different.mp4"));

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);

        // Ingest stored the eight dihedral hashes of the frame nearest each whole second (frames 0, 12, 24, 36 at 12 fps).
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaFactsStore(store).LoadAsync(CancellationToken.None);
        var hflip = facts[ids["hflip.mp4"]];
        var dihedral = hflip.VpdqDihedral!;
        Assert.Equal([0, 12, 24, 36], dihedral.Select(f => f.FrameNumber));
        Assert.Equal(hflip.Vpdq!.Where(f => f.FrameNumber % 12 == 0).GroupBy(f => f.FrameNumber).Select(g => g.First().Hash),
            dihedral.Select(f => f.Hashes.Original));

        await new TriageStore(store).RunAsync("tester", null, null, CancellationToken.None);
        var rows = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        foreach (var name in new[] { "hflip.mp4", "vflip.mp4", "rotate90.mp4", "transpose.mp4" })
        {
            Assert.True((rows[name].Status, rows[name].Method, rows[name].Bank) == ("known", "vpdq-dihedral", "videos"),
                $"{name}: {rows[name].Status} {rows[name].Method} {rows[name].Bank}");
        }

        Assert.Equal("unknown", rows["different.mp4"].Status);

        // The transform that undoes the re-upload's brings its frames near the bank's; the plain frames stay far.
        var bank = bankVpdq.Features.Select(f => f.Hash).ToList();
        int Nearest(IEnumerable<Media.Hashing.Hash256> frames) => frames.Max(h => bank.Min(b => b.DistanceTo(h)));
        Assert.True(Nearest(dihedral.Select(f => f.Hashes[PdqDihedral.FlipY])) <= 45);
        Assert.True(Nearest(dihedral.Select(f => f.Hashes.Original)) > 45);
    }
}
