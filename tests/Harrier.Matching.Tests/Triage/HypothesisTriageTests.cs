using Harrier.Matching.Banks;
using Harrier.Matching.Triage;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Triage;

/// <summary>
/// Issue 21, items 2 and 4: an off-centre crop and a slightly turned copy of a benign repository photo, hashed with the
/// real hashers, against a bank holding the originals' plain PDQ hashes.
/// </summary>
public sealed class HypothesisTriageTests
{
    private static List<string> Photos() =>
        [.. Directory.EnumerateFiles(TestPaths.Photos(), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Where((_, i) => i % 40 == 0)];

    /// <summary>A query image as triage hashes it: plain dihedral, centre-crop, off-centre (with their stable bits) and de-rotation hypotheses.</summary>
    private static TriageInput Query(long id, byte[] pixels, PdqPixelFormat format, int width, int height, int bpp)
    {
        var stride = width * bpp;
        var offCentre = PdqOffCentre.HashWithStableBits(pixels, format, width, height, stride, PdqOffCentre.DefaultCrops);
        var derotated = PdqDerotate.HashWithStableBits(pixels, format, width, height, stride, PdqDerotate.DefaultAngles);
        return new TriageInput(id, null, null, null, "image", PdqHasher.HashDihedral(pixels, format, width, height, stride), null, width, height, null, null)
        {
            PdqReframed = [.. PdqReframe.Hash(pixels, format, width, height, stride, PdqReframe.DefaultCrops, PdqReframe.DefaultFills).Select(r => r.Hash)],
            PdqOffCentre = [.. offCentre.Select(r => r.Result.Hash)],
            PdqOffCentreStable = [.. offCentre.Select(r => r.Stable)],
            PdqDerotated = [.. derotated.Select(r => r.Result.Hash)],
            PdqDerotatedStable = [.. derotated.Select(r => r.Stable)],
        };
    }

    [Fact]
    public void Off_centre_crops_and_two_degree_turns_are_found_by_their_own_steps_and_not_without_them()
    {
        // 15 photos; the bank holds each original's plain hash; the queries are each photo with 12 % cut off its left
        // side (between the 10 and 12.5 % steps), then each turned by 2°.
        var photos = Photos();
        var bank = new List<(string, BankEntry)>();
        var files = new List<TriageInput>();
        var turns = new List<TriageInput>();
        foreach (var (path, k) in photos.Select((p, k) => (p, k)))
        {
            using var image = ImageDecoder.Decode(path);
            var format = PdqImageHasher.PixelFormatOf(image);
            bank.Add(("photo-" + k, new BankEntry { Pdq = PdqImageHasher.Hash(image).Hash }));
            var (cut, w, h) = PhotoTransforms.Cut(image, 0.12, 0, 0, 0);
            files.Add(Query(k, cut, format, w, h, image.BytesPerPixel));
            turns.Add(Query(100 + k, PhotoTransforms.Rotate(image, 2), format, image.Width, image.Height, image.BytesPerPixel));
        }

        files.AddRange(turns);
        var n = photos.Count;
        var r = TriageEngine.Run(files, bank).Files;
        var without = TriageEngine.Run([.. files.Select(f => f with { PdqOffCentre = [], PdqDerotated = [] })], bank).Files;

        // Whatever is found is found as its own original, never as another photo.
        for (var i = 0; i < files.Count; i++)
        {
            if (r[i].Status == TriageStatus.Known)
            {
                Assert.Equal("photo-" + (i % n), r[i].Bank);
            }
        }

        var offCentre = Enumerable.Range(0, n).Where(i => r[i].Method == "pdq-offcentre").ToList();
        var derotated = Enumerable.Range(n, n).Where(i => r[i].Method == "pdq-derotated").ToList();
        var o = TriageOptions.Default;
        Assert.True(offCentre.Count >= 13, $"off-centre: {string.Join(' ', Enumerable.Range(0, n).Select(i => $"{r[i].Method}:{r[i].Distance}"))}");
        Assert.True(derotated.Count >= 5, $"turned: {string.Join(' ', Enumerable.Range(n, n).Select(i => $"{r[i].Method}:{r[i].Distance}"))}");
        Assert.All(offCentre, i => Assert.InRange(r[i].Distance!.Value, 1, o.OffCentreRadius));
        Assert.All(derotated, i => Assert.InRange(r[i].Distance!.Value, 1, o.DerotatedRadius));

        // Without the new hypotheses (what ingest stored before issue 21.2 and 21.4) none of those is found: the plain,
        // dihedral and centre-crop hashes all miss them.
        Assert.All(offCentre.Concat(derotated), i => Assert.Equal(TriageStatus.Unknown, without[i].Status));
    }

    [Fact]
    public void One_side_15_percent_crops_are_found_more_often_by_the_masked_distance_than_by_the_plain_one_and_never_as_another_photo()
    {
        // The same 15 photos with 15 % cut from the left: the hardest one-side crop of issue 21.2 (77 % of the 571 photos
        // by the plain distance at 36, 93 % by the masked distance at 35; docs/benchmarks.md).
        var photos = Photos();
        var bank = new List<(string, BankEntry)>();
        var files = new List<TriageInput>();
        foreach (var (path, k) in photos.Select((p, k) => (p, k)))
        {
            using var image = ImageDecoder.Decode(path);
            bank.Add(("photo-" + k, new BankEntry { Pdq = PdqImageHasher.Hash(image).Hash }));
            var (cut, w, h) = PhotoTransforms.Cut(image, 0.15, 0, 0, 0);
            files.Add(Query(k, cut, PdqImageHasher.PixelFormatOf(image), w, h, image.BytesPerPixel));
        }

        var masked = TriageEngine.Run(files, bank).Files;
        var plain = TriageEngine.Run([.. files.Select(f => f with { PdqOffCentreStable = [] })], bank).Files;
        string Found(IReadOnlyList<TriageResult> r) => string.Join(' ', r.Select(x => $"{x.Method}:{x.Distance}"));
        for (var i = 0; i < files.Count; i++)
        {
            foreach (var r in new[] { masked[i], plain[i] }.Where(r => r.Status == TriageStatus.Known))
            {
                Assert.Equal("photo-" + i, r.Bank);
            }
        }

        var byMasked = Enumerable.Range(0, files.Count).Count(i => masked[i].Method == "pdq-offcentre");
        var byPlain = Enumerable.Range(0, files.Count).Count(i => plain[i].Method == "pdq-offcentre");
        Assert.True(byMasked >= 14 && byMasked > byPlain, $"masked {byMasked}: {Found(masked)}; plain {byPlain}: {Found(plain)}");
        Assert.All(Enumerable.Range(0, files.Count).Where(i => masked[i].Method == "pdq-offcentre"),
            i => Assert.InRange(masked[i].Distance!.Value, 0, TriageOptions.Default.OffCentreMaskedRadius));
    }

    [Fact]
    public void With_stable_bits_an_off_centre_or_turn_hypothesis_is_kept_by_its_masked_distance_among_candidates_within_the_search_radius()
    {
        var rng = new Random(2135);
        Hash256 Random() => new((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
        // Flips the lowest bits of the first word (which the masks below hold stable) and of the last one (which they do not).
        static Hash256 Flip(Hash256 h, int stable, int unstable) => new(h.W0 ^ ((1UL << stable) - 1), h.W1, h.W2, h.W3 ^ ((1UL << unstable) - 1));
        TriageInput Image(long id) => new(id, null, null, null, "image",
            new PdqDihedralResult(Random(), Random(), Random(), Random(), Random(), Random(), Random(), Random(), 100), null, 100, 100, null, null);

        var o = TriageOptions.Default;
        Assert.Equal((36, 35, 56), (o.OffCentreRadius, o.OffCentreMaskedRadius, o.OffCentreSearchRadius));
        var x = Random();
        var three = new Hash256(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0);   // 192 stable bits: masked = ⌈256 d / 192⌉
        var half = new Hash256(ulong.MaxValue, ulong.MaxValue, 0, 0);                 // 128: the fewest the masked distance is used with
        var fewer = new Hash256(ulong.MaxValue, ulong.MaxValue >> 1, 0, 0);           // 127: compared by the plain distance
        var files = new List<TriageInput>
        {
            // 26 stable bits differ (masked ⌈34.7⌉ = 35) and 24 unstable ones (plain 50): found, at the masked distance.
            Image(0) with { PdqOffCentre = [Random(), Flip(x, 26, 24)], PdqOffCentreStable = [three, three] },
            // One more stable bit (masked 36): not found.
            Image(1) with { PdqOffCentre = [Flip(x, 27, 24)], PdqOffCentreStable = [three] },
            // Masked 27 but plain 57, beyond the search radius: not found.
            Image(2) with { PdqOffCentre = [Flip(x, 20, 37)], PdqOffCentreStable = [three] },
            // Plain 56, masked 27: found.
            Image(3) with { PdqOffCentre = [Flip(x, 20, 36)], PdqOffCentreStable = [three] },
            // The first one's hash without stable bits (stored before them), or with a count that is not the hashes':
            // the plain distance, 50, beyond 36.
            Image(4) with { PdqOffCentre = [Flip(x, 26, 24)] },
            Image(5) with { PdqOffCentre = [Random(), Flip(x, 26, 24)], PdqOffCentreStable = [three] },
            // 10 stable bits differ and 30 unstable (plain 40): with 128 stable bits, masked 20, found; with 127, plain 40, not.
            Image(6) with { PdqOffCentre = [Flip(x, 10, 30)], PdqOffCentreStable = [half] },
            Image(7) with { PdqOffCentre = [Flip(x, 10, 30)], PdqOffCentreStable = [fewer] },
            // Without stable bits, within the plain radius: found at the plain distance, as before.
            Image(8) with { PdqOffCentre = [Flip(x, 20, 16)] },
        };
        var r = TriageEngine.Run(files, [("x", new BankEntry { Pdq = x })]).Files;
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 35, "x"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 27), (r[3].Status, r[3].Method, r[3].Distance));
        Assert.Equal(TriageStatus.Unknown, r[4].Status);
        Assert.Equal(TriageStatus.Unknown, r[5].Status);
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 20), (r[6].Status, r[6].Method, r[6].Distance));
        Assert.Equal(TriageStatus.Unknown, r[7].Status);
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 36), (r[8].Status, r[8].Method, r[8].Distance));

        // The de-rotation step by the same rule at its own radii: masked within 28 among candidates within 56.
        Assert.Equal((28, 28, 56), (o.DerotatedRadius, o.DerotatedMaskedRadius, o.DerotatedSearchRadius));
        var turned = TriageEngine.Run(
            [
                Image(20) with { PdqDerotated = [Flip(x, 21, 29)], PdqDerotatedStable = [three] },   // masked 28, plain 50: found
                Image(21) with { PdqDerotated = [Flip(x, 22, 29)], PdqDerotatedStable = [three] },   // masked 30: not
                Image(22) with { PdqDerotated = [Flip(x, 10, 47)], PdqDerotatedStable = [three] },   // plain 57: not a candidate
                Image(23) with { PdqDerotated = [Flip(x, 21, 29)] },                                  // no stable bits: plain 50, not
            ],
            [("x", new BankEntry { Pdq = x })]).Files;
        Assert.Equal((TriageStatus.Known, "pdq-derotated", 28), (turned[0].Status, turned[0].Method, turned[0].Distance));
        Assert.All(turned.Skip(1), t => Assert.Equal(TriageStatus.Unknown, t.Status));

        // A plain radius wider than the search radius widens the search for hypotheses without stable bits only: one with
        // them and a plain distance beyond the search radius is still not kept.
        var wide = TriageEngine.Run([files[2], Image(9) with { PdqOffCentre = [Flip(x, 20, 38)] }], [("x", new BankEntry { Pdq = x })],
            o with { OffCentreRadius = 60 }).Files;
        Assert.Equal(TriageStatus.Unknown, wide[0].Status);
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 58), (wide[1].Status, wide[1].Method, wide[1].Distance));
    }

    [Fact]
    public void Each_step_runs_only_for_images_the_steps_before_left_unmatched_at_its_own_radius()
    {
        var rng = new Random(21);
        Hash256 Random() => new((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
        static Hash256 Flip(Hash256 h, int bits)
        {
            var w = new[] { h.W0, h.W1, h.W2, h.W3 };
            for (var i = 0; i < bits; i++)
            {
                w[i % 4] ^= 1UL << (i / 4);
            }

            return new Hash256(w[0], w[1], w[2], w[3]);
        }

        TriageInput Image(long id) => new(id, null, null, null, "image",
            new PdqDihedralResult(Random(), Random(), Random(), Random(), Random(), Random(), Random(), Random(), 100), null, 100, 100, null, null);

        var x = Random();
        var y = Random();
        var o = TriageOptions.Default;
        var files = new List<TriageInput>
        {
            // Off-centre within its radius.
            Image(1) with { PdqReframed = [Random()], PdqOffCentre = [Random(), Flip(x, o.OffCentreRadius)], PdqDerotated = [Random()] },
            // Off-centre one bit beyond its radius; de-rotated within its own.
            Image(2) with { PdqOffCentre = [Flip(x, o.OffCentreRadius + 1)], PdqDerotated = [Flip(x, o.DerotatedRadius)] },
            // De-rotated one bit beyond its radius: unknown.
            Image(3) with { PdqDerotated = [Flip(x, o.DerotatedRadius + 1)] },
            // A centre-crop match to y: the nearer-looking off-centre hypothesis for x is not tried.
            Image(4) with { PdqReframed = [Flip(y, 50)], PdqOffCentre = [Flip(x, 2)], PdqDerotated = [Flip(x, 1)] },
            // An off-centre match to y: the nearer-looking de-rotation hypothesis for x is not tried.
            Image(5) with { PdqOffCentre = [Flip(y, 30)], PdqDerotated = [Flip(x, 1)] },
        };
        var r = TriageEngine.Run(files, [("x", new BankEntry { Pdq = x }), ("y", new BankEntry { Pdq = y })]).Files;
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", o.OffCentreRadius, "x"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal((TriageStatus.Known, "pdq-derotated", o.DerotatedRadius, "x"), (r[1].Status, r[1].Method, r[1].Distance, r[1].Bank));
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.Equal((TriageStatus.Known, "pdq-reframed", 50, "y"), (r[3].Status, r[3].Method, r[3].Distance, r[3].Bank));
        Assert.Equal((TriageStatus.Known, "pdq-offcentre", 30, "y"), (r[4].Status, r[4].Method, r[4].Distance, r[4].Bank));

        // Hypothesis matches never group: the five files stay five scenes.
        Assert.Equal(5, r.Select(f => f.SceneGroup).Distinct().Count());

        // Content found inside a surround (issue 21.3) is tried first of the hypotheses, at its own radius: within it, it is
        // the match (the centre-crop hypothesis for y is not tried); one bit beyond, the chain goes on.
        var inset = TriageEngine.Run(
            [
                Image(6) with { PdqInset = [Random(), Flip(x, o.InsetRadius)], PdqReframed = [Flip(y, 10)] },
                Image(7) with { PdqInset = [Flip(x, o.InsetRadius + 1)], PdqReframed = [Flip(y, 10)] },
                Image(8) with { PdqInset = [Flip(x, o.InsetRadius + 1)] },
            ],
            [("x", new BankEntry { Pdq = x }), ("y", new BankEntry { Pdq = y })]).Files;
        Assert.Equal((TriageStatus.Known, "pdq-inset", o.InsetRadius, "x"), (inset[0].Status, inset[0].Method, inset[0].Distance, inset[0].Bank));
        Assert.Equal((TriageStatus.Known, "pdq-reframed", 10, "y"), (inset[1].Status, inset[1].Method, inset[1].Distance, inset[1].Bank));
        Assert.Equal(TriageStatus.Unknown, inset[2].Status);
    }

    [Fact]
    public void Hypotheses_are_needed_only_for_images_nothing_else_matched_and_computing_them_for_those_alone_changes_nothing()
    {
        var rng = new Random(216);
        Hash256 Random() => new((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
        static Hash256 Flip(Hash256 h, int bits) => new(h.W0 ^ ((1UL << bits) - 1), h.W1, h.W2, h.W3);
        PdqDihedralResult D(Hash256 h, int quality = 100) => new(h, Random(), Random(), Random(), Random(), Random(), Random(), Random(), quality);
        var x = Random();
        var y = Random();
        var md5 = "0123456789abcdef0123456789abcdef";
        var files = new List<TriageInput>
        {
            new(0, null, null, null, "image", D(Flip(x, 10)), null, 100, 100, null, null),                 // plain PDQ match
            new(1, null, null, null, "image", D(Random()), null, 100, 100, null, null),                     // unmatched
            new(2, md5, null, null, "image", D(Random()), null, 100, 100, null, null),                      // exact digest match
            new(3, null, null, null, "image", D(Random(), quality: 10), null, 100, 100, null, null),        // too flat for PDQ
            new(4, null, null, null, "image", D(Random()), null, 100, 100, null, null)
            {
                PdqTrimmed = [D(Flip(y, 5))],                                                               // matched inside its border
            },
            new(5, null, null, null, "video", null, null, 100, 100, 3, null),
            new(6, null, null, null, "image", D(Random()), null, 100, 100, null, null),                     // unmatched
        };
        var bank = new List<(string, BankEntry)> { ("x", new BankEntry { Pdq = x }), ("y", new BankEntry { Pdq = y }), ("digests", new BankEntry { Md5 = md5 }) };
        Assert.Equal([1, 6], TriageEngine.NeedingHypotheses(files, bank));
        // No PDQ hash in the banks: no hypothesis is ever tried.
        Assert.Empty(TriageEngine.NeedingHypotheses(files, [("digests", new BankEntry { Md5 = md5 })]));

        // Hypotheses given to every image, or to the needing ones alone, triage the same.
        var withAll = files.Select(f => f.Kind == "image" ? f with { PdqOffCentre = [Flip(y, 20)] } : f).ToList();
        var needing = TriageEngine.NeedingHypotheses(files, bank).ToHashSet();
        var withNeeded = files.Select((f, i) => needing.Contains(i) ? f with { PdqOffCentre = [Flip(y, 20)] } : f).ToList();
        Assert.Equal(TriageEngine.Run(withAll, bank).Files, TriageEngine.Run(withNeeded, bank).Files, new ResultComparer());
        Assert.Equal("pdq-offcentre", TriageEngine.Run(withNeeded, bank).Files[1].Method);

        // Triage's first pass, made before the hypotheses, finished with them: the same outcome, again and again (the pass
        // is not changed by finishing), and never finished with other files.
        using var pass = TriageEngine.FirstPass(files, bank);
        Assert.Equal([1, 6], pass.NeedingHypotheses);
        Assert.Equal(TriageEngine.Run(withNeeded, bank).Files, TriageEngine.Run(pass, withNeeded).Files, new ResultComparer());
        Assert.Equal(TriageEngine.Run(files, bank).Files, TriageEngine.Run(pass, files).Files, new ResultComparer());
        Assert.Equal(TriageEngine.Run(withNeeded, bank).Files, TriageEngine.Run(pass, withNeeded).Files, new ResultComparer());
        Assert.Throws<ArgumentException>(() => TriageEngine.Run(pass, files.Take(6).ToList()));
        Assert.Throws<ArgumentException>(() => TriageEngine.Run(pass, [.. files.Skip(1), files[0]]));
    }

    private sealed class ResultComparer : IEqualityComparer<TriageResult>
    {
        public bool Equals(TriageResult? a, TriageResult? b) => a is not null && b is not null
            && (a.Id, a.Status, a.Method, a.Bank, a.Distance, a.SceneGroup, a.QueueRank) == (b.Id, b.Status, b.Method, b.Bank, b.Distance, b.SceneGroup, b.QueueRank);

        public int GetHashCode(TriageResult obj) => obj.Id.GetHashCode();
    }
}
