using Harrier.Cases;
using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Matching.Banks;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Operations.Triage;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Issue 21.6: ingest computes no image hypotheses; triage computes them for the images nothing else matched, from the
/// evidence file checked against its registration, stores them once and reuses them; a missing or changed file is an
/// error naming it while the other files' results stand.
/// </summary>
public sealed class TriageHypothesesTests
{
    private static readonly string Daisy = TestPaths.Photos("flowers-ccby", "daisy", "11642632_1e7627a2cc.jpg");
    private static readonly string Tulip = TestPaths.Photos("flowers-ccby", "tulips", "107693873_86021ac4ea_n.jpg");
    private static readonly string Rose = TestPaths.Photos("flowers-ccby", "roses", Directory.GetFiles(TestPaths.Photos("flowers-ccby", "roses"), "*.jpg").Select(Path.GetFileName).Order(StringComparer.Ordinal).First()!);
    private static readonly string Other = TestPaths.Photos("flowers-ccby", "sunflowers", Directory.GetFiles(TestPaths.Photos("flowers-ccby", "sunflowers"), "*.jpg").Select(Path.GetFileName).Order(StringComparer.Ordinal).First()!);

    /// <summary>Pixels written losslessly as a PNG through ffmpeg.</summary>
    private static void WritePng(string path, byte[] pixels, DecodedImage like, int width, int height)
    {
        var raw = path + ".raw";
        File.WriteAllBytes(raw, pixels);
        FfmpegTool.Run("-f", "rawvideo", "-pix_fmt", like.Format == DecodedPixelFormat.Gray8 ? "gray" : "rgba", "-s", $"{width}x{height}", "-i", raw, "-frames:v", "1", path);
        File.Delete(raw);
    }

    /// <summary>
    /// A case whose bank holds the plain PDQ hashes of the daisy, the tulip and the rose; its evidence: the daisy with 12 %
    /// cut off its left side, the tulip turned by 2°, the rose as a PNG (plain PDQ finds it) and an unrelated photo.
    /// </summary>
    private static async Task<(TestCase Case, CaseStore Store, Dictionary<string, long> Ids)> CaseAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var bank = new List<string>();
        foreach (var photo in new[] { Daisy, Tulip, Rose })
        {
            using var image = ImageDecoder.Decode(photo);
            bank.Add(PdqImageHasher.Hash(image).Hash + ",100");
        }

        var bankFile = Path.Combine(t.Root, "bank.pdq");
        await File.WriteAllLinesAsync(bankFile, bank);
        await new BankStore(store).ImportAsync(bankFile, "photos", BankFormat.Pdq, "tester", null, CancellationToken.None);
        using (var daisy = ImageDecoder.Decode(Daisy))
        {
            var (cut, w, h) = PhotoTransforms.Cut(daisy, 0.12, 0, 0, 0);
            WritePng(Path.Combine(t.EvidenceDir, "offcentre.png"), cut, daisy, w, h);
        }

        using (var tulip = ImageDecoder.Decode(Tulip))
        {
            WritePng(Path.Combine(t.EvidenceDir, "turned.png"), PhotoTransforms.Rotate(tulip, 2), tulip, tulip.Width, tulip.Height);
        }

        FfmpegTool.Run("-i", Rose, Path.Combine(t.EvidenceDir, "copy.png"));
        File.Copy(Other, Path.Combine(t.EvidenceDir, "other.jpg"));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await Ingest.RunAsync(store, null);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        return (t, store, ids);
    }

    private sealed class Stages : IProgress<OperationProgress>
    {
        public List<OperationProgress> Seen { get; } = [];

        public void Report(OperationProgress value)
        {
            lock (Seen)
            {
                Seen.Add(value);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_off_centre_crop_and_a_turned_photo_are_found_by_hypotheses_computed_at_triage_once_and_a_plain_match_gets_none(string backend)
    {
        var (t, store, ids) = await CaseAsync(backend);
        await using var _ = t;
        var facts = new MediaFactsStore(store);

        // Ingest computed no image hypotheses.
        var rows = await facts.LoadRowsAsync(CancellationToken.None);
        Assert.All(ids.Values, id => Assert.Null(rows[id].Reframed));

        var stages = new Stages();
        var first = await new RunTriage(store).RunAsync(new RunTriageRequest(), new OperationContext("tester", store.Time, stages), CancellationToken.None);
        var results = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        Assert.True((results["offcentre.png"].Status, results["offcentre.png"].Method) == ("known", "pdq-offcentre"), $"{results["offcentre.png"].Status} {results["offcentre.png"].Method} {results["offcentre.png"].Distance}");
        Assert.True((results["turned.png"].Status, results["turned.png"].Method) == ("known", "pdq-derotated"), $"{results["turned.png"].Status} {results["turned.png"].Method} {results["turned.png"].Distance}");
        Assert.Equal(("known", "pdq"), (results["copy.png"].Status, results["copy.png"].Method));
        Assert.Equal("unknown", results["other.jpg"].Status);

        // Hypotheses were computed for the three images nothing else matched, and stored; none for the plain match.
        Assert.Equal((3, 0), (first.ImagesHypothesised, first.ImagesHypothesesStored));
        Assert.Empty(first.Errors);
        rows = await facts.LoadRowsAsync(CancellationToken.None);
        Assert.Null(rows[ids["copy.png"]].Reframed);
        foreach (var name in new[] { "offcentre.png", "turned.png", "other.jpg" })
        {
            var stored = MediaFactsFormat.Read(rows[ids[name]]);
            Assert.Equal((PdqReframe.DefaultCrops.Count * PdqReframe.DefaultFills.Count, 24, 24, 6, 6),
                (stored.PdqReframed.Count, stored.PdqOffCentre.Count, stored.PdqOffCentreStable.Count, stored.PdqDerotated.Count, stored.PdqDerotatedStable.Count));
        }

        // The turned photo's stored hypotheses are what the media engine makes of the file.
        using (var turned = ImageDecoder.Decode(Path.Combine(t.EvidenceDir, "turned.png")))
        {
            Assert.Equal(PdqDerotate.Hash(turned, PdqDerotate.DefaultAngles).Select(r => r.Hash), MediaFactsFormat.Read(rows[ids["turned.png"]]).PdqDerotated);
        }

        // Progress for the step, and the audit log: counts, no names.
        var hypotheses = stages.Seen.Where(s => s.Stage == "hypotheses").ToList();
        Assert.Equal((3L, 3L), (hypotheses.Max(s => s.Done), hypotheses[^1].Total));
        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "triage.hypotheses.start" && e.Target.Contains("3 images", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Action == "triage.run" && e.Target.Contains("image hypotheses: 3 computed, 0 stored before, 0 failed", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Target.Contains(".png", StringComparison.Ordinal) || e.Target.Contains(".jpg", StringComparison.Ordinal));

        // A second triage reuses what is stored: nothing computed, the same results, the stored column unchanged.
        var second = await new RunTriage(store).RunAsync(new RunTriageRequest(), new OperationContext("tester", store.Time), CancellationToken.None);
        Assert.Equal((0, 3), (second.ImagesHypothesised, second.ImagesHypothesesStored));
        Assert.Equal(rows.ToDictionary(r => r.Key, r => r.Value.Reframed), (await facts.LoadRowsAsync(CancellationToken.None)).ToDictionary(r => r.Key, r => r.Value.Reframed));
        var again = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        Assert.All(results, r => Assert.Equal((r.Value.Status, r.Value.Method, r.Value.Distance), (again[r.Key].Status, again[r.Key].Method, again[r.Key].Distance)));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_missing_or_changed_evidence_file_is_an_error_naming_it_and_the_other_files_results_stand(string backend)
    {
        var (t, store, ids) = await CaseAsync(backend);
        await using var _ = t;
        var facts = new MediaFactsStore(store);
        var before = await facts.LoadRowsAsync(CancellationToken.None);
        File.Delete(Path.Combine(t.EvidenceDir, "turned.png"));
        File.Copy(Daisy, Path.Combine(t.EvidenceDir, "other.jpg"), overwrite: true);

        var summary = await new RunTriage(store).RunAsync(new RunTriageRequest(), new OperationContext("tester", store.Time), CancellationToken.None);
        Assert.Equal(1, summary.ImagesHypothesised);
        Assert.Equal(["other.jpg", "turned.png"], summary.Errors.Select(e => e.RelPath));
        Assert.All(summary.Errors, e => Assert.Equal(("EX-1", ids[e.RelPath]), (e.ExhibitId, e.EvidenceId)));
        Assert.Contains("SHA-256 is now", summary.Errors[0].Error, StringComparison.Ordinal);
        Assert.Contains("image hypotheses not computed: cannot read", summary.Errors[1].Error, StringComparison.Ordinal);

        // The other files' results stand; the failed files keep what was recorded about them and are triaged without hypotheses.
        var results = (await new TriageStore(store).LoadAsync(CancellationToken.None)).ToDictionary(r => r.RelPath);
        Assert.True((results["offcentre.png"].Status, results["offcentre.png"].Method) == ("known", "pdq-offcentre"),
            $"{results["offcentre.png"].Status} {results["offcentre.png"].Method}");
        Assert.Equal(("known", "pdq"), (results["copy.png"].Status, results["copy.png"].Method));
        Assert.Equal(("unknown", "unknown"), (results["turned.png"].Status, results["other.jpg"].Status));
        var after = await facts.LoadRowsAsync(CancellationToken.None);
        foreach (var name in new[] { "turned.png", "other.jpg", "copy.png" })
        {
            Assert.Equal(before[ids[name]], after[ids[name]]);
        }

        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Contains(audit, e => e.Action == "triage.run" && e.Target.Contains("image hypotheses: 1 computed, 0 stored before, 2 failed", StringComparison.Ordinal));
    }
}
