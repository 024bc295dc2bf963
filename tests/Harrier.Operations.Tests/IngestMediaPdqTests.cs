using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Ingest keeps an image's plain PDQ hashes (what a bank's PDQ list holds) and adds border-trimmed ones only for a framed
/// image; a video with a stamped logo gains frame features with the logo painted out, kept apart from its plain ones.
/// </summary>
public sealed class IngestMediaPdqTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");


    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_video_with_a_stamped_logo_gains_painted_out_frame_features_a_plain_one_none(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        // A darkened pan over a real photo (the scenario's slideshows), and the same with the scenario's logo box.
        const string Pan = "scale=400:225:force_original_aspect_ratio=increase,crop=400:225,crop=320:180:x='t*30':y='t*10',eq=brightness=-0.25:contrast=0.6,format=yuv420p";
        foreach (var (name, filter) in new[] { ("plain.mp4", Pan), ("logo.mp4", Pan + ",drawbox=x=iw-60:y=10:w=50:h=20:color=white@0.8:t=fill") })
        {
            FfmpegTool.Run("-loop", "1", "-framerate", "12", "-t", "3", "-i", Daisy, "-vf", filter, "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                Path.Combine(t.EvidenceDir, name));
        }

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaFactsStore(store).LoadAsync(CancellationToken.None);
        var plain = facts[ids["plain.mp4"]];
        var logo = facts[ids["logo.mp4"]];
        Assert.Null(plain.VpdqOverlay);

        // Reframed hashes (centre-crop hypotheses) for one sampled frame a second: 3 s, every crop share with both fills.
        var hypotheses = PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count;
        Assert.Equal(3 * hypotheses, plain.VpdqReframed!.Count);
        Assert.Equal([0, 12, 24], plain.VpdqReframed.Select(f => f.FrameNumber).Distinct());

        // Each video carries TMK's level-1 feature, the same values `hash tmk` computes, stored and read back exactly.
        var tmk = await Harrier.Media.Tmk.TmkHasher.HashFileAsync(Path.Combine(t.EvidenceDir, "plain.mp4"));
        Assert.Equal(tmk.Average.ToArray(), plain.TmkLevel1);
        Assert.Equal(256, logo.TmkLevel1!.Length);
        Assert.NotNull(logo.VpdqOverlay);
        Assert.Equal(logo.Vpdq!.Select(f => f.FrameNumber).Distinct(), logo.VpdqOverlay.Select(f => f.FrameNumber));

        // Painted out, the logo's frames come nearer their plain counterparts than the stamped frames are.
        int Mean(IEnumerable<Harrier.Media.Vpdq.VpdqFeature> features) => (int)features.Average(f =>
            plain.Vpdq!.Where(p => p.FrameNumber == f.FrameNumber).Min(p => p.Hash.DistanceTo(f.Hash)));
        var stamped = Mean(logo.Vpdq!.GroupBy(f => f.FrameNumber).Select(g => g.First()));
        var painted = Mean(logo.VpdqOverlay);
        Assert.True(painted < stamped, $"mean distance to the plain frames: {stamped} stamped, {painted} painted out");
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_framed_image_keeps_its_plain_hashes_and_gains_the_trimmed_ones_a_plain_image_gains_none(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("plain.jpg", File.ReadAllBytes(Daisy));
        FfmpegTool.Run("-i", Daisy, "-vf", "pad=iw+60:ih+60:30:30:black", "-q:v", "2", Path.Combine(t.EvidenceDir, "framed.jpg"));

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaFactsStore(store).LoadAsync(CancellationToken.None);

        using var daisy = ImageDecoder.Decode(Daisy);
        var reference = PdqImageHasher.Hash(daisy).Hash;
        var plain = facts[ids["plain.jpg"]];
        Assert.Equal(reference, plain.Pdq!.Value.Original); // the reference-compatible hash, untrimmed
        Assert.Empty(plain.PdqTrimmed);

        var frame = facts[ids["framed.jpg"]];
        Assert.NotEmpty(frame.PdqTrimmed);
        var plainDistance = frame.Pdq!.Value.Original.DistanceTo(reference);
        var trimmedDistance = frame.PdqTrimmed.Min(t => t.Original.DistanceTo(reference));
        Assert.True(trimmedDistance <= 31 && plainDistance > trimmedDistance, $"framed: plain {plainDistance} bits, trimmed {trimmedDistance} bits from the photo");
    }
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_centre_crop_gets_reframed_hashes_at_triage_that_read_back_exactly_and_lead_back_to_the_photo(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var cropped = Path.Combine(t.EvidenceDir, "cropped.png");
        FfmpegTool.Run("-i", Daisy, "-vf", "crop=iw*0.8:ih*0.8", cropped);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);
        Assert.Empty((await new MediaFactsStore(store).LoadAsync(CancellationToken.None)).Values.Single().PdqReframed);

        // Since issue 21.6 triage computes them, for the images nothing else matched (here: asked for directly).
        var errors = await new Harrier.Operations.Triage.ComputeImageHypotheses(store, new OperationContext("tester", store.Time), null)
            .RunAsync(await store.Evidence.ListAsync("EX-1", CancellationToken.None), CancellationToken.None);
        Assert.Empty(errors);
        var facts = (await new MediaFactsStore(store).LoadAsync(CancellationToken.None)).Values.Single();

        using var image = ImageDecoder.Decode(cropped);
        Assert.Equal(PdqReframe.Hash(image, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash), facts.PdqReframed);
        using var daisy = ImageDecoder.Decode(Daisy);
        var reference = PdqImageHasher.Hash(daisy).Hash;
        var plainDistance = facts.Pdq!.Value.Original.DistanceTo(reference);
        var reframedDistance = facts.PdqReframed.Min(h => h.DistanceTo(reference));
        Assert.True(plainDistance > 31 && reframedDistance <= 60, $"cropped: plain {plainDistance} bits, best reframed {reframedDistance} bits from the photo");
    }

    [Fact]
    public async Task A_video_strip_comes_from_the_hashed_frames_upright_and_evenly_spaced()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        // Stored 160×96, displayed turned a quarter clockwise (a phone held upright): the strip's tiles must be portrait.
        var flat = Path.Combine(t.EvidenceDir, "flat.mp4");
        FfmpegTool.Run("-f", "lavfi", "-i", "testsrc2=size=160x96:rate=12:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", flat);
        FfmpegTool.Run("-i", flat, "-c", "copy", "-metadata:s:v:0", "rotate=90", Path.Combine(t.EvidenceDir, "upright.mp4"));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var result = await Ingest.RunAsync(store);
        Assert.Equal(2, result.KeyframeStrips);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaFactsStore(store).LoadAsync(CancellationToken.None);
        (int W, int H) Size(string name)
        {
            using var png = SkiaSharp.SKBitmap.Decode(Path.Combine(t.CaseDir, facts[ids[name]].Derived!));
            return (png.Width, png.Height);
        }

        // Five tiles of at most 128 px on the long side, side by side.
        Assert.Equal((5 * 128, 77), Size("flat.mp4"));
        Assert.Equal((5 * 77, 128), Size("upright.mp4"));
    }
}
