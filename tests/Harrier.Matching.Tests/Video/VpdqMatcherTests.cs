using System.Globalization;
using Harrier.Matching.Video;
using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Matching.Tests.Video;

public sealed class VpdqMatcherTests
{
    private static readonly string SampleDir = TestPaths.Vectors("vpdq", "sample-hashes");

    [Fact]
    public void Both_matchers_reproduce_every_expected_percentage_from_the_sample_hash_files()
    {
        var rows = File.ReadAllLines(TestPaths.Vectors("vpdq", "expected-match-percentages.tsv")).Skip(1)
            .Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
        Assert.Equal(256, rows.Count);
        var cache = new Dictionary<string, IReadOnlyList<VpdqFeature>>();
        IReadOnlyList<VpdqFeature> Load(string name)
        {
            if (!cache.TryGetValue(name, out var f))
            {
                f = VpdqFormats.ReadFile(Path.Combine(SampleDir, name + ".txt"));
                cache[name] = f;
            }

            return f;
        }

        var pytx = new VpdqMatchOptions { Mode = VpdqMatchMode.Pytx, LocateClips = false };
        var cpp = new VpdqMatchOptions { Mode = VpdqMatchMode.Cpp, LocateClips = false };
        var mismatches = new List<string>();
        foreach (var r in rows)
        {
            var (a, b) = (Load(r[0]), Load(r[1]));
            var p = VpdqMatcher.Match(a, b, pytx);
            var c = VpdqMatcher.Match(a, b, cpp);
            string[] ours = [F2(p.QueryMatchPercent), F2(p.ComparedMatchPercent), p.IsMatch ? "1" : "0", F2(c.QueryMatchPercent), F2(c.ComparedMatchPercent)];
            if (!ours.AsSpan().SequenceEqual(r.AsSpan(2, 5)))
            {
                mismatches.Add($"{r[0]} vs {r[1]}: expected {string.Join(' ', r[2..7])}, got {string.Join(' ', ours)}");
            }
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void Pytx_drops_duplicate_hashes_anywhere_before_the_quality_filter_and_cpp_keeps_them()
    {
        var a = Hash(1);
        var b = Hash(2);
        List<VpdqFeature> features = [new(0, 40, a, 0), new(1, 90, b, 1), new(2, 90, a, 2), new(3, 90, b, 3)];
        // pytx: dedupe keeps frame 0 (quality 40, then filtered out) and frame 1; C++: frames 1, 2, 3.
        Assert.Equal([1], VpdqMatcher.Filter(features, new VpdqMatchOptions { Mode = VpdqMatchMode.Pytx }).Select(f => f.FrameNumber));
        Assert.Equal([1, 2, 3], VpdqMatcher.Filter(features, new VpdqMatchOptions { Mode = VpdqMatchMode.Cpp }).Select(f => f.FrameNumber));
    }

    [Fact]
    public void Distance_is_inclusive_for_pytx_and_strict_for_cpp()
    {
        var a = Hash(7);
        var b = FlipBits(a, 31, seed: 3);
        Assert.Equal(31, a.DistanceTo(b));
        List<VpdqFeature> q = [new(0, 100, a, 0)];
        List<VpdqFeature> c = [new(0, 100, b, 0)];
        Assert.Equal(100, VpdqMatcher.Match(q, c, new VpdqMatchOptions { Mode = VpdqMatchMode.Pytx }).QueryMatchPercent);
        Assert.Equal(0, VpdqMatcher.Match(q, c, new VpdqMatchOptions { Mode = VpdqMatchMode.Cpp }).QueryMatchPercent);
    }

    [Fact]
    public void Empty_or_all_low_quality_sides_give_zero_percent_and_no_match()
    {
        List<VpdqFeature> low = [new(0, 10, Hash(1), 0)];
        List<VpdqFeature> good = [new(0, 100, Hash(1), 0)];
        var r = VpdqMatcher.Match(low, good);
        Assert.Equal(0, r.QueryMatchPercent);
        Assert.Equal(0, r.ComparedMatchPercent);
        Assert.False(r.IsMatch);
        Assert.False(VpdqMatcher.Match([], good).IsMatch);
    }

    [Fact]
    public void A_clip_inside_a_longer_video_is_located_in_both_timelines()
    {
        // A 10-minute "compilation" sampled at 1 hash/s; the query is 25 s of it starting at 312 s, re-encoded
        // (a few bits flipped per frame) and sampled with a different phase (0.4 s later).
        var compilation = Enumerable.Range(0, 600).Select(i => new VpdqFeature(i * 30, 100, Hash(1000 + i), i)).ToList();
        var query = Enumerable.Range(0, 25)
            .Select(i => new VpdqFeature(i * 30, 100, FlipBits(compilation[312 + i].Hash, 8, seed: i), i + 0.4))
            .ToList();

        var r = VpdqMatcher.Match(query, compilation);

        Assert.True(r.IsMatch);
        Assert.Equal(100, r.QueryMatchPercent);
        var clip = Assert.Single(r.Clips);
        Assert.Equal(25, clip.Frames);
        Assert.InRange(clip.QueryStart, 0, 2.5);
        Assert.InRange(clip.QueryEnd, 22.5, 25);
        Assert.InRange(clip.ComparedStart, 310, 314);
        Assert.InRange(clip.ComparedEnd, 334, 338);
        Assert.InRange(clip.OffsetSeconds, 309.6 - 2, 311.6 + 2);
    }

    [Fact]
    public void Two_separate_excerpts_give_two_clips_and_a_static_frame_does_not_create_one()
    {
        var source = Enumerable.Range(0, 300).Select(i => new VpdqFeature(i, 100, Hash(5000 + i), i)).ToList();
        var flat = Hash(99);
        // Query: 20 s from 50 s, then 10 frames of one static title card that also appears 30 times in the source, then 15 s from 200 s.
        var query = new List<VpdqFeature>();
        query.AddRange(Enumerable.Range(0, 20).Select(i => source[50 + i] with { TimestampSeconds = i }));
        query.AddRange(Enumerable.Range(0, 10).Select(i => new VpdqFeature(0, 100, flat, 20 + i)));
        query.AddRange(Enumerable.Range(0, 15).Select(i => source[200 + i] with { TimestampSeconds = 30 + i }));
        var compared = source.Concat(Enumerable.Range(0, 30).Select(i => new VpdqFeature(0, 100, flat, 300 + i))).ToList();

        var r = VpdqMatcher.Match(query, compared, new VpdqMatchOptions { Mode = VpdqMatchMode.Cpp });

        Assert.Equal(2, r.Clips.Count);
        Assert.Equal((20, 50.0, 69.0), (r.Clips[0].Frames, r.Clips[0].ComparedStart, r.Clips[0].ComparedEnd));
        Assert.Equal((15, 170.0, 200.0, 214.0), (r.Clips[1].Frames, r.Clips[1].OffsetSeconds, r.Clips[1].ComparedStart, r.Clips[1].ComparedEnd));
    }

    [Fact]
    public void Aligned_accepts_a_re_encode_whose_frames_drifted_past_d_but_stay_in_time()
    {
        // 20 s at 1 hash/s; the rendition's frames are 38–44 bits away (high-frequency content re-encoded), 2 within 31.
        var source = Enumerable.Range(0, 20).Select(i => new VpdqFeature(i * 30, 100, Hash(300 + i), i)).ToList();
        var rendition = Enumerable.Range(0, 20)
            .Select(i => new VpdqFeature(i * 30, 100, FlipBits(source[i].Hash, i < 2 ? 28 : 38 + (i % 7), seed: i), i))
            .ToList();

        var pytx = VpdqMatcher.Match(rendition, source);
        var aligned = VpdqMatcher.Match(rendition, source, new VpdqMatchOptions { Mode = VpdqMatchMode.Aligned });
        var tight = VpdqMatcher.Match(rendition, source, new VpdqMatchOptions { Mode = VpdqMatchMode.Aligned, AlignedDistance = 40 });

        Assert.Equal(10, pytx.QueryMatchPercent);
        Assert.False(pytx.IsMatch);
        Assert.Equal(100, aligned.QueryMatchPercent);
        Assert.Equal(100, aligned.ComparedMatchPercent);
        Assert.True(aligned.IsMatch);
        // With the aligned distance at 40, only the frames within 40 count.
        var expected = 100.0 * rendition.Select((f, i) => f.Hash.DistanceTo(source[i].Hash) <= 40 ? 1 : 0).Sum() / 20;
        Assert.Equal(expected, tight.QueryMatchPercent);
        Assert.True(tight.QueryMatchPercent < 100);
    }

    [Fact]
    public void Aligned_does_not_accept_close_frames_that_do_not_line_up_in_time()
    {
        // Query frame i is 40 bits from source frame 3·p[i]: every frame is close to some source frame, but the time
        // offsets (3·p[i] − i) are scattered, at most two within one sampling step of each other.
        int[] p = [19, 14, 17, 16, 9, 13, 5, 15, 10, 8, 3, 2, 1, 0, 18, 6, 4, 12, 11, 7];
        var source = Enumerable.Range(0, 60).Select(i => new VpdqFeature(i * 30, 100, Hash(300 + i), i)).ToList();
        var scattered = Enumerable.Range(0, 20)
            .Select(i => new VpdqFeature(i * 30, 100, FlipBits(source[3 * p[i]].Hash, 40, seed: i), i))
            .ToList();

        var aligned = VpdqMatcher.Match(scattered, source, new VpdqMatchOptions { Mode = VpdqMatchMode.Aligned });
        var loose = VpdqMatcher.Match(scattered, source, new VpdqMatchOptions { Mode = VpdqMatchMode.Pytx, Distance = 45 });

        Assert.Equal(100, loose.QueryMatchPercent);
        Assert.False(aligned.IsMatch);
        Assert.InRange(aligned.QueryMatchPercent, 0, 10);
    }

    [Fact]
    public void Aligned_keeps_pytx_percentages_when_nothing_lies_between_d_and_the_aligned_distance()
    {
        var a = Enumerable.Range(0, 30).Select(i => new VpdqFeature(i, 100, Hash(700 + i), i)).ToList();
        var b = Enumerable.Range(0, 30).Select(i => new VpdqFeature(i, 100, i % 3 == 0 ? FlipBits(a[i].Hash, 20, seed: i) : Hash(900 + i), i)).ToList();

        var pytx = VpdqMatcher.Match(a, b);
        var aligned = VpdqMatcher.Match(a, b, new VpdqMatchOptions { Mode = VpdqMatchMode.Aligned });

        Assert.Equal(
            (pytx.QueryMatchPercent, pytx.ComparedMatchPercent, pytx.QueryFrames, pytx.QueryMatched, pytx.ComparedMatched, pytx.IsMatch),
            (aligned.QueryMatchPercent, aligned.ComparedMatchPercent, aligned.QueryFrames, aligned.QueryMatched, aligned.ComparedMatched, aligned.IsMatch));
        Assert.Equal(100.0 / 3, pytx.QueryMatchPercent, 9);
    }

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static Hash256 Hash(int seed)
    {
        var rng = new Random(seed);
        return new Hash256((ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64(), (ulong)rng.NextInt64());
    }

    private static Hash256 FlipBits(Hash256 h, int count, int seed)
    {
        var rng = new Random(seed);
        var bits = Enumerable.Range(0, 256).OrderBy(_ => rng.Next()).Take(count);
        ulong[] w = [h.W0, h.W1, h.W2, h.W3];
        foreach (var b in bits)
        {
            w[b >> 6] ^= 1UL << (b & 63);
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }
}
