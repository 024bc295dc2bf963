using Harrier.Matching.Banks;
using Harrier.Matching.Triage;
using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Tests.Triage;

public sealed class TriageEngineTests
{
    private static readonly Random Rng = new(7);

    private static Hash256 RandomHash() => new((ulong)Rng.NextInt64(), (ulong)Rng.NextInt64(), (ulong)Rng.NextInt64(), (ulong)Rng.NextInt64());

    /// <summary>Flips <paramref name="bits"/> distinct low bits of each word in turn.</summary>
    private static Hash256 Noisy(Hash256 h, int bits, int firstBit = 0)
    {
        var w = new[] { h.W0, h.W1, h.W2, h.W3 };
        for (var i = 0; i < bits; i++)
        {
            w[i % 4] ^= 1UL << (firstBit + (i / 4));
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    private static List<VpdqFeature> Video(IEnumerable<Hash256> frames) =>
        frames.Select((h, i) => new VpdqFeature(i, 100, h, i)).ToList();

    private static TriageInput VideoFile(long id, List<VpdqFeature> f, int width, double duration, string? md5 = null) =>
        new(id, md5, null, null, "video", null, f, width, width * 9 / 16, duration, null);

    [Fact]
    public void A_tie_for_representative_goes_to_the_first_file_in_input_order_whatever_the_ids()
    {
        // Two uploads of the same scene at the same size and length: the case lists files by exhibit and path, while ids
        // follow the order a parallel registration finished in. The representative must not depend on the ids.
        var scene = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        foreach (var (first, second) in new[] { (41L, 17L), (17L, 41L) })
        {
            var files = new List<TriageInput> { VideoFile(first, Video(scene), 320, 10), VideoFile(second, Video(scene.Select(h => Noisy(h, 8))), 320, 10) };
            var r = TriageEngine.Run(files, []).Files.ToDictionary(f => f.Id);
            Assert.Equal(r[first].SceneGroup, r[second].SceneGroup);
            Assert.True(r[first].Representative, $"ids {first}, {second}");
            Assert.False(r[second].Representative);
        }
    }

    [Fact]
    public void Renditions_group_by_upload_known_status_spreads_and_compilations_stay_apart()
    {
        var a = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var b = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var other = Enumerable.Range(0, 20).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(a), 320, 10),                                       // upload A high
            VideoFile(2, Video(a.Select(h => Noisy(h, 20))), 256, 10),             // upload A medium
            VideoFile(3, Video(a.Select(h => Noisy(h, 40))), 160, 10),             // upload A low (distance 40: within 45)
            VideoFile(4, Video(b), 320, 10),                                       // upload B (first seen)
            VideoFile(5, Video(b.Select(h => Noisy(h, 10))), 160, 10),             // upload B low
            VideoFile(6, Video(a.Concat(other)), 320, 30),                         // a compilation containing A
            new(7, "00000000000000000000000000000007", null, null, "other", null, null, null, null, null, null),
            new(8, "00000000000000000000000000000008", null, null, "other", null, null, null, null, null, null),
        };
        var bank = new List<(string, BankEntry)>
        {
            ("vpdq", new BankEntry { Vpdq = Video(a.Take(5).Select(h => Noisy(h, 30))) }),   // the bank's own clip of A
            ("vics", new BankEntry { Md5 = "00000000000000000000000000000007", Category = new BankCategory("VICS-US", "1") }),
            ("nsrl", new BankEntry { Md5 = "00000000000000000000000000000008", KnownGood = true }),
        };

        var outcome = TriageEngine.Run(files, bank);
        var r = outcome.Files.ToDictionary(f => f.Id);

        Assert.Equal(TriageStatus.Known, r[1].Status);
        Assert.Equal("vpdq", r[1].Method);
        Assert.Equal(TriageStatus.Known, r[6].Status); // contains the bank clip
        Assert.Equal(TriageStatus.Unknown, r[4].Status);
        Assert.Equal(TriageStatus.Unknown, r[5].Status);
        Assert.Equal(TriageStatus.Known, r[7].Status);
        Assert.Equal(new BankCategory("VICS-US", "1"), r[7].Category);
        Assert.Equal(TriageStatus.KnownGood, r[8].Status);

        Assert.NotNull(r[1].RenditionGroup);
        Assert.Equal(r[1].RenditionGroup, r[2].RenditionGroup);
        Assert.Equal(r[1].RenditionGroup, r[3].RenditionGroup);
        Assert.NotNull(r[4].RenditionGroup);
        Assert.Equal(r[4].RenditionGroup, r[5].RenditionGroup);
        Assert.NotEqual(r[1].RenditionGroup, r[4].RenditionGroup);
        Assert.Null(r[6].RenditionGroup); // longer: not a rendition of A
        Assert.NotEqual(r[1].SceneGroup, r[6].SceneGroup); // A is a third of the compilation: not one scene

        // Upload B is the only first-seen scene: rank 1, with reasons; its representative is the larger frame.
        Assert.Equal(1, r[4].QueueRank);
        Assert.True(r[4].Representative);
        Assert.False(r[5].Representative);
        Assert.Contains(r[4].Reasons, x => x.StartsWith("first seen", StringComparison.Ordinal));
        Assert.Null(r[1].QueueRank);
    }

    [Fact]
    public void A_re_upload_with_a_logo_repeats_the_frame_sizes_so_it_is_another_upload_of_the_same_scene()
    {
        var a = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(a), 320, 10),
            VideoFile(2, Video(a.Select(h => Noisy(h, 24))), 160, 10),
            VideoFile(3, Video(a.Select(h => Noisy(h, 8, firstBit: 40))), 320, 10),   // logo: the same sizes again
            VideoFile(4, Video(a.Select(h => Noisy(h, 24, firstBit: 40))), 160, 10),
            VideoFile(5, Video(a.Select(h => Noisy(h, 4, firstBit: 20))), 160, 10) with { FrameRate = 8 }, // fps re-upload
        };
        var r = TriageEngine.Run(files.Select(f => f.FrameRate is null ? f with { FrameRate = 12 } : f).ToList(), []).Files;
        Assert.Equal(r[0].RenditionGroup, r[1].RenditionGroup);
        Assert.Equal(r[2].RenditionGroup, r[3].RenditionGroup);
        Assert.NotEqual(r[0].RenditionGroup, r[2].RenditionGroup);
        Assert.Null(r[4].RenditionGroup);
        Assert.All(r, x => Assert.Equal(r[0].SceneGroup, x.SceneGroup));
    }

    [Fact]
    public void Banks_disagreeing_about_one_record_are_a_conflict_but_matching_two_records_is_not()
    {
        var h = RandomHash();
        var image = new Media.Pdq.PdqDihedralResult(h, RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), 90);
        const string Md5A = "000000000000000000000000000000aa", Md5B = "000000000000000000000000000000bb";
        var bank = new List<(string, BankEntry)>
        {
            ("vics", new BankEntry { Md5 = Md5A, Category = new BankCategory("VICS-US", "1") }),
            ("vics", new BankEntry { Md5 = Md5B, Category = new BankCategory("VICS-US", "2") }),
            ("partner", new BankEntry { Md5 = Md5A, Category = new BankCategory("VICS-US", "2") }),
            ("pdq", new BankEntry { Md5 = Md5A, Pdq = Noisy(h, 4) }),
            ("pdq", new BankEntry { Md5 = Md5B, Pdq = Noisy(h, 8, firstBit: 32) }),
        };
        var files = new List<TriageInput>
        {
            new(1, null, null, null, "image", image, null, 10, 10, null, null),
            new(2, Md5B, null, null, "other", null, null, null, null, null, null),
        };
        var r = TriageEngine.Run(files, bank).Files;
        Assert.Equal(4, r[0].Distance); // the nearer record, A
        Assert.Equal(new BankCategory("VICS-US", "1"), r[0].Category);
        Assert.Equal(["partner: VICS-US:2"], r[0].Conflicts); // about record A; record B's category is not a conflict
        Assert.Equal(new BankCategory("VICS-US", "2"), r[1].Category);
        Assert.Empty(r[1].Conflicts);
    }

    [Fact]
    public void A_rendition_that_matches_no_bank_itself_becomes_a_near_duplicate_of_its_known_upload()
    {
        var a = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(a), 320, 8, "00000000000000000000000000000001"),
            VideoFile(2, Video(a.Select(h => Noisy(h, 36))), 160, 8),
        };
        var bank = new List<(string, BankEntry)> { ("csv", new BankEntry { Md5 = "00000000000000000000000000000001" }) };
        var r = TriageEngine.Run(files, bank).Files;
        Assert.Equal(TriageStatus.Known, r[0].Status);
        Assert.Equal("md5", r[0].Method);
        Assert.Equal(TriageStatus.NearDuplicate, r[1].Status);
        Assert.Equal("rendition", r[1].Method);
        Assert.Equal("csv", r[1].Bank);
    }

    [Fact]
    public void Images_match_a_PDQ_bank_through_dihedral_variants_within_the_radius_only()
    {
        var h = RandomHash();
        var variants = new Hash256[8];
        for (var i = 0; i < 8; i++)
        {
            variants[i] = RandomHash();
        }

        // The image's rotate-90 variant is 20 bits from the bank hash; another image is 40 other bits from it (60 from the first).
        variants[1] = Noisy(h, 20);
        var near = new Media.Pdq.PdqDihedralResult(variants[0], variants[1], variants[2], variants[3], variants[4], variants[5], variants[6], variants[7], 90);
        var far = new Media.Pdq.PdqDihedralResult(Noisy(h, 40, firstBit: 32), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), 90);
        var poor = near with { Quality = 30 };
        var files = new List<TriageInput>
        {
            new(1, null, null, null, "image", near, null, 100, 100, null, null),
            new(2, null, null, null, "image", far, null, 100, 100, null, null),
            new(3, null, null, null, "image", poor, null, 100, 100, null, null),
        };
        var r = TriageEngine.Run(files, [("pdq", new BankEntry { Pdq = h })]).Files;
        Assert.Equal(TriageStatus.Known, r[0].Status);
        Assert.Equal(20, r[0].Distance);
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal(TriageStatus.Unknown, r[2].Status); // quality under 50 is not matched
    }

    private static Media.Pdq.PdqDihedralResult Dihedral(Hash256 original) =>
        new(original, RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), RandomHash(), 90);

    [Fact]
    public void An_image_matches_through_its_border_trimmed_hashes_as_well_as_its_plain_ones()
    {
        var bankHash = RandomHash();
        var files = new List<TriageInput>
        {
            // Plain hash matches (a photo whose own edge trimming would have spoiled), no trimmed hashes.
            new(1, null, null, null, "image", Dihedral(Noisy(bankHash, 10)), null, 100, 100, null, null),
            // A framed re-post: the plain hash is far, the content inside the frame matches.
            new(2, null, null, null, "image", Dihedral(RandomHash()), null, 100, 100, null, null) { PdqTrimmed = [Dihedral(RandomHash()), Dihedral(Noisy(bankHash, 12))] },
            // Neither set is near.
            new(3, null, null, null, "image", Dihedral(RandomHash()), null, 100, 100, null, null) { PdqTrimmed = [Dihedral(RandomHash())] },
        };
        var r = TriageEngine.Run(files, [("pdq", new BankEntry { Pdq = bankHash })]).Files;
        Assert.Equal((TriageStatus.Known, 10), (r[0].Status, r[0].Distance));
        Assert.Equal((TriageStatus.Known, 12), (r[1].Status, r[1].Distance));
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.Equal(r[0].SceneGroup, r[1].SceneGroup); // the two copies of one picture are one scene
        Assert.NotEqual(r[0].SceneGroup, r[2].SceneGroup);
    }

    [Fact]
    public void A_centre_crop_matches_through_its_reframed_hashes_at_the_looser_radius_and_only_when_nothing_else_matched()
    {
        var bankHash = RandomHash();
        var other = RandomHash();
        var files = new List<TriageInput>
        {
            // A crop: the plain hash is far; one of its hypotheses is 50 bits from the bank hash (beyond 31, within 60).
            new(1, null, null, null, "image", Dihedral(RandomHash()), null, 100, 100, null, null) { PdqReframed = [RandomHash(), Noisy(bankHash, 50), RandomHash()] },
            // The best hypothesis is 64 bits off: outside the reframed radius.
            new(2, null, null, null, "image", Dihedral(RandomHash()), null, 100, 100, null, null) { PdqReframed = [Noisy(bankHash, 64)] },
            // The plain hash already matches the other entry: hypotheses are not tried, so the nearer-looking reframed one does not override it.
            new(3, null, null, null, "image", Dihedral(Noisy(other, 30)), null, 100, 100, null, null) { PdqReframed = [Noisy(bankHash, 8)] },
        };
        var r = TriageEngine.Run(files, [("pdq", new BankEntry { Pdq = bankHash }), ("other", new BankEntry { Pdq = other })]).Files;
        Assert.Equal((TriageStatus.Known, "pdq-reframed", 50, "pdq"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal((TriageStatus.Known, "pdq", 30, "other"), (r[2].Status, r[2].Method, r[2].Distance, r[2].Bank));
    }

    /// <summary>
    /// Dihedral frames whose <paramref name="pick"/>(i) variant is 20 bits from bank frame i (the rest of the variants
    /// unrelated); <paramref name="pick"/> returning null leaves frame i unrelated under every transform.
    /// </summary>
    private static List<VpdqDihedralFrame> DihedralFrames(List<Hash256> bank, Func<int, Media.Pdq.PdqDihedral?> pick) =>
        [.. bank.Select((h, i) =>
        {
            var v = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToArray();
            if (pick(i) is { } t)
            {
                v[(int)t] = Noisy(h, 20);
            }

            return new VpdqDihedralFrame(i, new Media.Pdq.PdqDihedralResult(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], 90), i);
        })];

    [Fact]
    public void A_mirrored_video_matches_its_bank_video_under_one_transform_for_the_whole_video_only_when_nothing_else_matched()
    {
        var bank = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var other = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            // Mirrored left-right: every frame's flip-y variant is near its bank frame.
            VideoFile(1, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, _ => Media.Pdq.PdqDihedral.FlipY) },
            // Turned 90°, 9 of 10 frames: still over the bank share (80 %).
            VideoFile(2, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, i => i < 9 ? Media.Pdq.PdqDihedral.Rotate90 : null) },
            // Every frame near under some transform, but half under one and half under another: no one transform covers
            // the video, so it is not a mirrored or turned copy.
            VideoFile(3, Video(bank.Select(_ => RandomHash())), 320, 10) with
            {
                VpdqDihedral = DihedralFrames(bank, i => i % 2 == 0 ? Media.Pdq.PdqDihedral.FlipY : Media.Pdq.PdqDihedral.Rotate180),
            },
            // Plainly matching the other bank video: the dihedral hypothesis is not tried.
            VideoFile(4, Video(other.Select(h => Noisy(h, 10))), 320, 10) with { VpdqDihedral = DihedralFrames(bank, _ => Media.Pdq.PdqDihedral.FlipX) },
            // The identity variant near the bank frames: a plain match of the whole-second frames, not a dihedral one.
            VideoFile(5, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, _ => Media.Pdq.PdqDihedral.Original) },
        };
        var r = TriageEngine.Run(files, [("bank", new BankEntry { Vpdq = Video(bank) }), ("other", new BankEntry { Vpdq = Video(other) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-dihedral", 0, "bank"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal((TriageStatus.Known, "vpdq-dihedral", 10, "bank"), (r[1].Status, r[1].Method, r[1].Distance, r[1].Bank));
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.Equal((TriageStatus.Known, "vpdq", "other"), (r[3].Status, r[3].Method, r[3].Bank));
        Assert.Equal((TriageStatus.Known, "vpdq", 0, "bank"), (r[4].Status, r[4].Method, r[4].Distance, r[4].Bank));
    }

    [Fact]
    public void The_whole_second_frames_as_they_are_match_with_the_plain_share_only_and_before_their_mirrored_variants()
    {
        var bank = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        // Identity near 9 of 10 bank frames and a flip near all 10 (a symmetric picture): the plain reading wins.
        List<VpdqDihedralFrame> Both() => [.. DihedralFrames(bank, i => i < 9 ? Media.Pdq.PdqDihedral.Original : null).Select((f, i) =>
            f with { Hashes = f.Hashes with { FlipY = Noisy(bank[i], 12) } })];
        var files = new List<TriageInput>
        {
            // The sampled frames miss (they fall between the bank's), the whole-second frames meet 9 of 10.
            VideoFile(1, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, i => i < 9 ? Media.Pdq.PdqDihedral.Original : null) },
            // 6 of 10 as they are: a majority is a hypothesis' rule, not the plain one.
            VideoFile(2, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, i => i < 6 ? Media.Pdq.PdqDihedral.Original : null) },
            VideoFile(3, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = Both() },
        };
        var r = TriageEngine.Run(files, [("bank", new BankEntry { Vpdq = Video(bank) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq", 10, "bank"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal((TriageStatus.Known, "vpdq", 10, "bank"), (r[2].Status, r[2].Method, r[2].Distance, r[2].Bank));
    }

    [Fact]
    public void A_mirrored_video_also_matches_when_a_majority_of_its_own_frames_do_under_one_transform()
    {
        var bank = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var shortBank = Enumerable.Range(0, 3).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            // 6 of 10 frames under the flip: under the plain share (80 %), a majority of the video's own (60 %).
            VideoFile(1, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, i => i < 6 ? Media.Pdq.PdqDihedral.FlipY : null) },
            // 5 of 10: half is not a majority.
            VideoFile(2, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqDihedral = DihedralFrames(bank, i => i < 5 ? Media.Pdq.PdqDihedral.FlipY : null) },
            // 2 of 3 frames of a 3 s video: 67 %, but fewer frames than the rule's 3.
            VideoFile(3, Video(shortBank.Select(_ => RandomHash())), 320, 3) with { VpdqDihedral = DihedralFrames(shortBank, i => i < 2 ? Media.Pdq.PdqDihedral.FlipY : null) },
        };
        var r = TriageEngine.Run(files, [("bank", new BankEntry { Vpdq = Video(bank) }), ("short", new BankEntry { Vpdq = Video(shortBank) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-dihedral", 40, "bank"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
    }

    [Fact]
    public void A_cropped_video_matches_a_bank_video_when_most_bank_frames_meet_a_reframed_hypothesis()
    {
        var bank = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        // Three hypotheses per frame: one 48 bits from the bank frame, the others unrelated.
        List<VpdqFeature> Reframed(int near) => [.. bank.SelectMany((h, i) => new[] { RandomHash(), i < near ? Noisy(h, 48) : RandomHash(), RandomHash() }
            .Select(x => new VpdqFeature(i, 100, x, i)))];
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqReframed = Reframed(9) },
            // Only 7 of 10 bank frames met: under the bank match share (80 %).
            VideoFile(2, Video(bank.Select(_ => RandomHash())), 320, 10) with { VpdqReframed = Reframed(7) },
        };
        var r = TriageEngine.Run(files, [("vpdq", new BankEntry { Vpdq = Video(bank) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-reframed", 10), (r[0].Status, r[0].Method, r[0].Distance));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
    }

    /// <summary>
    /// Frame hypotheses for 8 sampled frames: every off-centre crop, angle and inset random, except that
    /// <paramref name="pick"/> (frame index → which slot of which kind) makes one hash <paramref name="bits"/> (frame
    /// index → bits; 20 when not given) from the bank frame of that index.
    /// </summary>
    private static List<VpdqFrameHypotheses> FrameHypotheses(List<Hash256> bank, Func<int, (string Kind, int Slot)?> pick, Func<int, int>? bits = null) =>
        [.. Enumerable.Range(0, 8).Select(i =>
        {
            var off = Enumerable.Range(0, 24).Select(_ => RandomHash()).ToArray();
            var rot = Enumerable.Range(0, 6).Select(_ => RandomHash()).ToArray();
            var inset = new List<(Media.Imaging.PixelRegion, Hash256)>();
            var near = Noisy(bank[i], bits?.Invoke(i) ?? 20);
            switch (pick(i))
            {
                case ("off", var g): off[g] = near; break;
                case ("rot", var g): rot[g] = near; break;
                case ("inset", var g): inset.Add((new Media.Imaging.PixelRegion(10 + g, 10, 100, 60), near)); break;
            }

            return new VpdqFrameHypotheses(i * 30, i, 90, off, rot, inset);
        })];

    [Fact]
    public void Frame_hypotheses_match_a_bank_video_under_one_geometry_for_the_whole_video_only_when_nothing_else_matched()
    {
        var bank = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        var other = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        TriageInput File(long id, List<VpdqFrameHypotheses> h) => VideoFile(id, Video(Enumerable.Range(0, 8).Select(_ => RandomHash())), 320, 8) with { VpdqHypotheses = h };
        var files = new List<TriageInput>
        {
            // Left side cut (crop slot 4): every sampled frame's hash under that one crop is near its bank frame.
            File(1, FrameHypotheses(bank, _ => ("off", 4))),
            // Turned (+2°, slot 4), 5 of 8 frames: 62.5 %, a majority, over the 60 % rule (distance 100 − 62.5, rounded
            // to even: 38).
            File(2, FrameHypotheses(bank, i => i < 5 ? ("rot", 4) : null)),
            // Every frame near under some crop, but under four different crops: no one geometry covers the video.
            File(3, FrameHypotheses(bank, i => ("off", i % 4))),
            // 4 of 8 under one crop: 50 %, under the rule.
            File(4, FrameHypotheses(bank, i => i < 4 ? ("off", 9) : null)),
            // A picture-in-picture: the region found per frame (wherever it is) counts as one geometry.
            File(5, FrameHypotheses(bank, i => ("inset", i))),
            // Plainly matching the other bank video: its hypotheses are not tried.
            VideoFile(6, Video(other.Select(h => Noisy(h, 10))), 320, 8) with { VpdqHypotheses = FrameHypotheses(bank, _ => ("off", 0)) },
            // Two usable frames only, both met: 100 %, but under the 3-frame floor.
            File(7, [.. FrameHypotheses(bank, _ => ("rot", 0)).Take(2)]),
        };
        var entries = new List<(string, BankEntry)> { ("bank", new BankEntry { Vpdq = Video(bank) }), ("other", new BankEntry { Vpdq = Video(other) }) };
        var r = TriageEngine.Run(files, entries).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0, "bank"), (r[0].Status, r[0].Method, r[0].Distance, r[0].Bank));
        Assert.Equal((TriageStatus.Known, "vpdq-derotated", 38, "bank"), (r[1].Status, r[1].Method, r[1].Distance, r[1].Bank));
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.Equal(TriageStatus.Unknown, r[3].Status);
        Assert.Equal((TriageStatus.Known, "vpdq-inset", 0, "bank"), (r[4].Status, r[4].Method, r[4].Distance, r[4].Bank));
        Assert.Equal((TriageStatus.Known, "vpdq", "other"), (r[5].Status, r[5].Method, r[5].Bank));
        Assert.Equal(TriageStatus.Unknown, r[6].Status);
        // Never grouped: the two videos found by the same bank video through hypotheses stay apart.
        Assert.NotEqual(r[0].SceneGroup, r[1].SceneGroup);

        // Which videos the step would try: those nothing else matched (not the plain vPDQ match), only while the banks hold vPDQ.
        Assert.Equal([0, 1, 2, 3, 4, 6], TriageEngine.NeedingHypotheses(files, entries));
        // A 2 s video gives two whole seconds, fewer than the rule's 3 frames: its hypotheses are not asked for.
        Assert.Equal([0, 1, 2, 3, 4, 6], TriageEngine.NeedingHypotheses([.. files, VideoFile(8, Video(Enumerable.Range(0, 2).Select(_ => RandomHash())), 320, 2)], entries));
        Assert.Equal([0, 1, 2, 3, 4, 6, 7], TriageEngine.NeedingHypotheses([.. files, VideoFile(8, Video(Enumerable.Range(0, 3).Select(_ => RandomHash())), 320, 2.2)], entries));
        Assert.Empty(TriageEngine.NeedingHypotheses(files, [("md5", new BankEntry { Md5 = "00000000000000000000000000000000" })]));

        // The first pass is made before any hypothesis exists (as the case does: it computes them for the needing files
        // only); finished with the hypotheses added, it triages as one run over the files that had them all along.
        var bare = files.Select(f => f with { VpdqHypotheses = null }).ToList();
        using var pass = TriageEngine.FirstPass(bare, entries);
        Assert.Equal([0, 1, 2, 3, 4, 6], pass.NeedingHypotheses);
        Assert.All(TriageEngine.Run(bare, entries).Files.Take(5), x => Assert.Equal(TriageStatus.Unknown, x.Status));
        var finished = TriageEngine.Run(pass, files).Files;
        Assert.Equal(r.Select(x => (x.Id, x.Status, x.Method, x.Distance, x.Bank, x.SceneGroup, x.QueueRank)),
            finished.Select(x => (x.Id, x.Status, x.Method, x.Distance, x.Bank, x.SceneGroup, x.QueueRank)));
    }

    [Fact]
    public void A_frame_hypothesis_counts_the_nearest_frames_while_their_mean_distance_stays_within_the_radius()
    {
        // The nearest first, whatever the order: 20 30 40 50 56 sum to 196, within 5 × 44; 90 is beyond the limit.
        Assert.Equal(5, TriageEngine.MetFrames([50, 110, 20, 90, 30, 100, 40, 56], 44, 56));
        // Every frame at the radius counts (the mean is inclusive).
        Assert.Equal(8, TriageEngine.MetFrames(Enumerable.Repeat(44, 8), 44, 56));
        // 40 44 44 sum to 128, within 3 × 44; a fourth frame at 52 makes 180, over 4 × 44.
        Assert.Equal(3, TriageEngine.MetFrames([40, 44, 44, 52, 52, 52, 52, 52], 44, 56));
        // A frame beyond the limit never counts, however near the others are.
        Assert.Equal(4, TriageEngine.MetFrames([0, 0, 0, 0, 57, 57, 57, 57], 44, 56));
        Assert.Equal(8, TriageEngine.MetFrames([0, 0, 0, 0, 56, 56, 56, 56], 44, 56));
        Assert.Equal(0, TriageEngine.MetFrames([], 44, 56));

        var bank = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        TriageInput File(long id, Func<int, int> bits) =>
            VideoFile(id, Video(Enumerable.Range(0, 8).Select(_ => RandomHash())), 320, 8) with { VpdqHypotheses = FrameHypotheses(bank, _ => ("off", 7), bits) };
        var files = new List<TriageInput>
        {
            // Half the frames at 30, half at 50: 4 of 8 within 44 (50 %, under the rule), but all 8 average 40.
            File(1, i => i < 4 ? 30 : 50),
            // Three frames alike the bank's (an intro) and the others 57 bits away, past the limit: 3 of 8.
            File(2, i => i < 3 ? 0 : 57),
            // The same at 56, the limit: all 8 count (mean 35).
            File(3, i => i < 3 ? 0 : 56),
            // Five frames at 48 and three at 40: 40 40 40 48 48 average 43.2, a sixth frame at 48 makes 44, a seventh 44.6.
            File(4, i => i < 3 ? 40 : 48),
        };
        var r = TriageEngine.Run(files, [("bank", new BankEntry { Vpdq = Video(bank) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0), (r[0].Status, r[0].Method, r[0].Distance));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0), (r[2].Status, r[2].Method, r[2].Distance));
        // 6 of 8: 75 %, distance 25.
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 25), (r[3].Status, r[3].Method, r[3].Distance));
    }

    [Fact]
    public void A_frame_off_centre_or_turn_hypothesis_with_stable_bits_is_as_near_as_its_masked_distance_to_every_bank_frame()
    {
        var bank = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        // Flips the lowest bits of the first word (which the mask below holds stable) and of the last one (which it does not).
        static Hash256 Flip(Hash256 h, int stable, int unstable) => new(h.W0 ^ ((1UL << stable) - 1), h.W1, h.W2, h.W3 ^ ((1UL << unstable) - 1));
        var three = new Hash256(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0);   // 192 stable bits
        List<VpdqFrameHypotheses> Frames(Func<int, int> stable, int unstable, Hash256? mask, bool turned = false) => [.. FrameHypotheses(bank, _ => null).Select((f, i) =>
        {
            var (off, rot) = (f.OffCentre.ToArray(), f.Derotated.ToArray());
            (turned ? rot : off)[5] = Flip(bank[i], stable(i), unstable);
            return f with
            {
                OffCentre = off, Derotated = rot,
                OffCentreStable = mask is { } m ? [.. Enumerable.Repeat(m, 24)] : [], DerotatedStable = mask is { } d ? [.. Enumerable.Repeat(d, 6)] : [],
            };
        })];
        TriageInput File(long id, List<VpdqFrameHypotheses> h) => VideoFile(id, Video(Enumerable.Range(0, 8).Select(_ => RandomHash())), 320, 8) with { VpdqHypotheses = h };
        var files = new List<TriageInput>
        {
            // Every frame 50 bits from its bank frame, 20 of them stable: masked ⌈20 · 256 / 192⌉ = 27, within 44.
            File(1, Frames(_ => 20, 30, three)),
            // The same hashes without stable bits (stored before them): 50, beyond 44.
            File(2, Frames(_ => 20, 30, null)),
            // Masked 27 though 80 bits away by the plain distance, far beyond the frame limit (56): the 60 unstable bits
            // differ as the guessed border made them, and only the stable ones are compared.
            File(3, Frames(_ => 20, 60, three)),
            // 34 stable bits differ: masked 46, beyond 44, though the plain distance (44) is within it.
            File(4, Frames(_ => 34, 10, three)),
            // The de-rotation hypotheses the same way: masked 27, plain 50, found; without stable bits, not.
            File(5, Frames(_ => 20, 30, three, turned: true)),
            File(6, Frames(_ => 20, 30, null, turned: true)),
            // Three frames at 0 and five whose 42 differing stable bits make masked 56, the frame limit: all 8 count (mean 35).
            File(7, Frames(i => i < 3 ? 0 : 42, 0, three)),
            // One more stable bit makes those five masked 58, past the limit: 3 of 8.
            File(8, Frames(i => i < 3 ? 0 : 43, 0, three)),
        };
        var r = TriageEngine.Run(files, [("bank", new BankEntry { Vpdq = Video(bank) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0), (r[0].Status, r[0].Method, r[0].Distance));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0), (r[2].Status, r[2].Method, r[2].Distance));
        Assert.Equal(TriageStatus.Unknown, r[3].Status);
        Assert.Equal((TriageStatus.Known, "vpdq-derotated", 0), (r[4].Status, r[4].Method, r[4].Distance));
        Assert.Equal(TriageStatus.Unknown, r[5].Status);
        Assert.Equal((TriageStatus.Known, "vpdq-offcentre", 0), (r[6].Status, r[6].Method, r[6].Distance));
        Assert.Equal(TriageStatus.Unknown, r[7].Status);
    }

    [Fact]
    public void A_rendition_whose_frames_all_fall_under_the_quality_floor_joins_its_upload_by_aligned_frames_only()
    {
        var source = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        // Quality fades out: only the first frame of the high rendition reaches 50; every frame of the medium one is under it.
        List<VpdqFeature> Fading(IEnumerable<Hash256> frames, int first) => [.. frames.Select((h, i) => new VpdqFeature(i, i == 0 ? first : 30, h, i))];
        var files = new List<TriageInput>
        {
            VideoFile(1, Fading(source, 60), 320, 8),
            VideoFile(2, Fading(source.Select(h => Noisy(h, 20)), 40), 256, 8),
            // Same shape and duration, under the floor too, but another video (its first frame near enough to be a candidate).
            VideoFile(3, Fading(source.Select((h, i) => i == 0 ? Noisy(h, 30) : RandomHash()), 40), 192, 8),
        };
        var r = TriageEngine.Run(files, [("vpdq", new BankEntry { Vpdq = Video(source.Take(1)) })]).Files;
        Assert.Equal(TriageStatus.Known, r[0].Status);
        Assert.Equal((TriageStatus.NearDuplicate, "rendition"), (r[1].Status, r[1].Method));
        Assert.NotNull(r[0].RenditionGroup);
        Assert.Equal(r[0].RenditionGroup, r[1].RenditionGroup);
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
        Assert.NotEqual(r[0].RenditionGroup, r[2].RenditionGroup);
    }

    [Fact]
    public void A_compilation_known_by_one_part_does_not_make_the_upload_of_another_part_known_but_a_mutual_near_duplicate_is()
    {
        var known = Enumerable.Range(0, 6).Select(_ => RandomHash()).ToList();
        var unknown = Enumerable.Range(0, 6).Select(_ => RandomHash()).ToList();
        var original = Enumerable.Range(0, 10).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            // A compilation: the known item, then the unknown one. Known through the bank video it contains (the bank
            // video is all in it; only half of it is the bank video).
            VideoFile(1, Video(known.Concat(unknown)), 320, 12),
            // The unknown item's own upload: all of it is in the compilation, a third of the compilation is it, so the
            // two share a scene.
            VideoFile(2, Video(unknown.Select(h => Noisy(h, 8))), 320, 6),
            // A known original, 20 bits from its bank video frame by frame, and a re-upload of it 40
            // bits the other way: 60 from the bank (no match of its own), 40 from the original (the same scene).
            VideoFile(3, Video(original), 320, 10),
            VideoFile(4, Video(original.Select(h => Noisy(h, 40))), 256, 10.5),
        };
        var bankOriginal = Video(original.Select(h => Noisy(h, 20, firstBit: 32)));
        var r = TriageEngine.Run(files, [("vpdq", new BankEntry { Vpdq = Video(known) }), ("vpdq", new BankEntry { Vpdq = bankOriginal })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq"), (r[0].Status, r[0].Method));
        Assert.Equal(r[0].SceneGroup, r[1].SceneGroup);
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal(TriageStatus.Known, r[2].Status);
        Assert.Equal(r[2].SceneGroup, r[3].SceneGroup);
        Assert.Equal((TriageStatus.NearDuplicate, "scene"), (r[3].Status, r[3].Method));
    }

    [Fact]
    public void A_compilation_holding_half_a_bank_video_at_the_photo_radius_is_known_but_not_at_the_looser_frame_distance()
    {
        var a = Enumerable.Range(0, 4).Select(_ => RandomHash()).ToList();
        var other = Enumerable.Range(0, 12).Select(_ => RandomHash()).ToList();
        var files = new List<TriageInput>
        {
            // Half of the bank video's frames, each 20 bits off, then other material: 2 of 14 frames, 2 of 4 bank frames.
            VideoFile(1, Video(a.Take(2).Select(h => Noisy(h, 20)).Concat(other)), 320, 14),
            // The same share, but 40 bits off: within the frame distance (45), outside PDQ's photo radius (31).
            VideoFile(2, Video(a.Take(2).Select(h => Noisy(h, 40)).Concat(other.Select(h => Noisy(h, 100, firstBit: 16)))), 320, 14),
            // A quarter of the bank video at 20 bits: too little.
            VideoFile(3, Video(a.Take(1).Select(h => Noisy(h, 20)).Concat(other.Select(h => Noisy(h, 64, firstBit: 40)))), 320, 13),
        };
        var r = TriageEngine.Run(files, [("vpdq", new BankEntry { Vpdq = Video(a) })]).Files;
        Assert.Equal((TriageStatus.Known, "vpdq-clip"), (r[0].Status, r[0].Method));
        Assert.Equal(TriageStatus.Unknown, r[1].Status);
        Assert.Equal(TriageStatus.Unknown, r[2].Status);
    }

    [Fact]
    public void A_low_rendition_missing_the_frame_distance_on_half_its_frames_joins_its_upload_by_aligned_frame_distance()
    {
        var a = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        var b = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        // Frames 0–3 are 20 bits off, frames 4–7 are 64 bits off: 50 % matched at 45 (under the 60 % rule), mean 42.
        var low = a.Select((h, i) => i < 4 ? Noisy(h, 20) : Noisy(h, 64, firstBit: 8)).ToList();
        // The same shape but frames 4–7 of another video: mean far above the limit.
        var mixed = a.Take(4).Select(h => Noisy(h, 20)).Concat(b.Skip(4)).ToList();
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(a), 320, 8),
            VideoFile(2, Video(low), 160, 8),
            VideoFile(3, Video(mixed), 256, 8),
        };
        var r = TriageEngine.Run(files, []).Files;
        Assert.NotNull(r[0].RenditionGroup);
        Assert.Equal(r[0].RenditionGroup, r[1].RenditionGroup);
        Assert.NotEqual(r[0].RenditionGroup, r[2].RenditionGroup);

        // Without the aligned rule the low rendition stays apart.
        var strict = TriageEngine.Run(files, [], TriageOptions.Default with { RenditionAlignedDistance = 0 }).Files;
        Assert.Null(strict[1].RenditionGroup); // a group of one has no rendition group
    }

    [Fact]
    public void The_TMK_pre_filter_skips_a_candidate_pair_whose_level_1_features_disagree_and_only_then()
    {
        var a = Enumerable.Range(0, 8).Select(_ => RandomHash()).ToList();
        float[] Feature(int seed) => [.. Enumerable.Range(0, 256).Select(k => (float)Math.Sin((k + 1) * seed))];
        var files = new List<TriageInput>
        {
            VideoFile(1, Video(a), 320, 8) with { TmkLevel1 = Feature(1) },
            VideoFile(2, Video(a.Select(h => Noisy(h, 10))), 160, 8) with { TmkLevel1 = Feature(1) }, // agrees: compared, grouped
            VideoFile(3, Video(a.Select(h => Noisy(h, 12))), 256, 8) with { TmkLevel1 = Feature(7) }, // disagrees: skipped
        };
        var outcome = TriageEngine.Run(files, []);
        var r = outcome.Files;
        Assert.Equal(r[0].RenditionGroup, r[1].RenditionGroup);
        Assert.NotEqual(r[0].SceneGroup, r[2].SceneGroup);
        Assert.Equal((1, 2), (outcome.VideoPairsCompared, outcome.VideoPairsSkippedByTmk));

        // Without TMK features (or with the pre-filter off) every candidate pair is compared and all three group.
        var off = TriageEngine.Run(files, [], TriageOptions.Default with { TmkPrefilter = double.NegativeInfinity });
        Assert.Equal((3, 0), (off.VideoPairsCompared, off.VideoPairsSkippedByTmk));
        Assert.Equal(off.Files[0].RenditionGroup, off.Files[2].RenditionGroup);
    }
}
