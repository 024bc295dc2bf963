using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Video;

/// <summary>
/// Brute-force vPDQ comparison (spec §2.2): frames are a bag, so query% and compared% ignore order; clip location then
/// uses the timestamps of the matched frames to find the time ranges that correspond.
/// </summary>
public static class VpdqMatcher
{
    /// <summary>Matched frame pairs kept for clip location; beyond this (flat, repetitive video) clips are located from a prefix.</summary>
    private const int MaxPairs = 4_000_000;

    private const int MaxClips = 16;

    /// <summary>Compares <paramref name="query"/> with <paramref name="compared"/>.</summary>
    public static VpdqMatchResult Match(IReadOnlyList<VpdqFeature> query, IReadOnlyList<VpdqFeature> compared, VpdqMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(compared);
        options ??= VpdqMatchOptions.Default;
        var q = Filter(query, options);
        var c = Filter(compared, options);
        var qHashes = q.Select(f => f.Hash).ToArray();
        var cHashes = c.Select(f => f.Hash).ToArray();

        var cMatched = new bool[c.Count];
        var qFlags = new bool[q.Count];
        List<(int Q, int C)>? pairs = options.LocateClips ? [] : null;
        var relaxed = options.Mode == VpdqMatchMode.Aligned && options.AlignedDistance > options.Distance ? new List<(int Q, int C)>() : null;
        for (var i = 0; i < qHashes.Length; i++)
        {
            var h = qHashes[i];
            for (var j = 0; j < cHashes.Length; j++)
            {
                var d = h.DistanceTo(cHashes[j]);
                if (Accepts(d, options))
                {
                    qFlags[i] = true;
                    cMatched[j] = true;
                    if (pairs is not null && pairs.Count < MaxPairs)
                    {
                        pairs.Add((i, j));
                    }
                }
                else if (relaxed is not null && d <= options.AlignedDistance && relaxed.Count < MaxPairs)
                {
                    relaxed.Add((i, j));
                }
            }
        }

        if (relaxed is { Count: > 0 })
        {
            foreach (var (qi, ci) in AlignedPairs(q, c, pairs ?? StrictPairs(qHashes, cHashes, options), relaxed))
            {
                qFlags[qi] = true;
                cMatched[ci] = true;
                pairs?.Add((qi, ci));
            }
        }

        var qMatched = qFlags.Count(m => m);
        var cCount = cMatched.Count(m => m);
        var qPercent = q.Count == 0 ? 0 : 100.0 * qMatched / q.Count;
        var cPercent = c.Count == 0 ? 0 : 100.0 * cCount / c.Count;
        var isMatch = q.Count > 0 && c.Count > 0 && qPercent >= options.QueryMatchPercent && cPercent >= options.ComparedMatchPercent;
        var clips = pairs is { Count: > 0 } ? LocateClips(q, c, pairs) : [];
        return new VpdqMatchResult(qPercent, cPercent, q.Count, qMatched, c.Count, cCount, isMatch, clips);
    }

    /// <summary>
    /// The relaxed pairs that lie on the dominant compared−query time offset. The offset is voted by the strict and the
    /// relaxed pairs together, each query frame with total weight 1 (a static frame that is close to everything cannot
    /// choose it); a pair is on the offset when it is within one sampling step of it.
    /// </summary>
    private static List<(int Q, int C)> AlignedPairs(IReadOnlyList<VpdqFeature> q, IReadOnlyList<VpdqFeature> c, List<(int Q, int C)> strict, List<(int Q, int C)> relaxed)
    {
        var tolerance = Math.Max(Math.Max(TypicalStep(q), TypicalStep(c)), 0.05);
        var all = strict.Concat(relaxed).Select(p => (p.Q, Offset: c[p.C].TimestampSeconds - q[p.Q].TimestampSeconds)).OrderBy(p => p.Offset).ToList();
        var perQuery = new int[q.Count];
        foreach (var (qi, _) in all)
        {
            perQuery[qi]++;
        }

        double best = 0, weight = 0, centre = 0;
        for (int hi = 0, lo = 0; hi < all.Count; hi++)
        {
            weight += 1.0 / perQuery[all[hi].Q];
            while (all[hi].Offset - all[lo].Offset > 2 * tolerance)
            {
                weight -= 1.0 / perQuery[all[lo].Q];
                lo++;
            }

            if (weight > best + 1e-9)
            {
                best = weight;
                centre = (all[lo].Offset + all[hi].Offset) / 2;
            }
        }

        return relaxed.Where(p => Math.Abs(c[p.C].TimestampSeconds - q[p.Q].TimestampSeconds - centre) <= tolerance).ToList();
    }

    private static List<(int Q, int C)> StrictPairs(Hash256[] q, Hash256[] c, VpdqMatchOptions options)
    {
        var pairs = new List<(int Q, int C)>();
        for (var i = 0; i < q.Length; i++)
        {
            for (var j = 0; j < c.Length && pairs.Count < MaxPairs; j++)
            {
                if (Accepts(q[i].DistanceTo(c[j]), options))
                {
                    pairs.Add((i, j));
                }
            }
        }

        return pairs;
    }

    /// <summary>The frames a mode keeps: pytx drops exact-duplicate hashes (first occurrence kept) before the quality filter.</summary>
    public static IReadOnlyList<VpdqFeature> Filter(IReadOnlyList<VpdqFeature> features, VpdqMatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(options);
        IEnumerable<VpdqFeature> kept = features;
        if (options.Mode is VpdqMatchMode.Pytx or VpdqMatchMode.Aligned)
        {
            var seen = new HashSet<Hash256>();
            kept = kept.Where(f => seen.Add(f.Hash));
        }

        return kept.Where(f => f.Quality >= options.Quality).ToList();
    }

    private static bool Accepts(int distance, VpdqMatchOptions options) =>
        options.Mode == VpdqMatchMode.Cpp ? distance < options.Distance : distance <= options.Distance;

    /// <summary>
    /// Greedy offset voting: find the compared−query time offset supported by the most query frames (each query frame
    /// votes with total weight 1, so a static frame matching everywhere cannot dominate), take the frames at that offset,
    /// split them where the query has a long gap, and repeat on the frames left.
    /// </summary>
    private static List<VpdqClip> LocateClips(IReadOnlyList<VpdqFeature> q, IReadOnlyList<VpdqFeature> c, List<(int Q, int C)> pairs)
    {
        var tolerance = Math.Max(Math.Max(TypicalStep(q), TypicalStep(c)), 0.05);
        var gap = Math.Max(5 * TypicalStep(q), 2.0);
        var perQuery = new int[q.Count];
        foreach (var (qi, _) in pairs)
        {
            perQuery[qi]++;
        }

        var used = new bool[q.Count];
        var clips = new List<VpdqClip>();
        var live = pairs.Select(p => (p.Q, p.C, Offset: c[p.C].TimestampSeconds - q[p.Q].TimestampSeconds)).OrderBy(p => p.Offset).ToList();
        while (clips.Count < MaxClips && live.Count > 0)
        {
            // Sliding window of width 2·tolerance over the sorted offsets, weighted by 1 / (matches of the query frame).
            double best = 0, weight = 0;
            int bestLo = 0, bestHi = 0, lo = 0;
            for (var hi = 0; hi < live.Count; hi++)
            {
                weight += 1.0 / perQuery[live[hi].Q];
                while (live[hi].Offset - live[lo].Offset > 2 * tolerance)
                {
                    weight -= 1.0 / perQuery[live[lo].Q];
                    lo++;
                }

                if (weight > best + 1e-9)
                {
                    best = weight;
                    bestLo = lo;
                    bestHi = hi;
                }
            }

            if (best < 2 - 1e-9)
            {
                break;
            }

            var centre = live[(bestLo + bestHi) / 2].Offset;
            var chosen = new Dictionary<int, (int C, double Offset)>();
            for (var k = bestLo; k <= bestHi; k++)
            {
                var p = live[k];
                if (!chosen.TryGetValue(p.Q, out var prev) || Math.Abs(p.Offset - centre) < Math.Abs(prev.Offset - centre))
                {
                    chosen[p.Q] = (p.C, p.Offset);
                }
            }

            var run = new List<(int Q, int C, double Offset)>();
            foreach (var (qi, (ci, offset)) in chosen.OrderBy(kv => q[kv.Key].TimestampSeconds))
            {
                if (run.Count > 0 && q[qi].TimestampSeconds - q[run[^1].Q].TimestampSeconds > gap)
                {
                    AddClip(run, q, c, clips);
                    run.Clear();
                }

                run.Add((qi, ci, offset));
            }

            AddClip(run, q, c, clips);
            foreach (var qi in chosen.Keys)
            {
                used[qi] = true;
            }

            live.RemoveAll(p => used[p.Q]);
        }

        clips.Sort((a, b) => b.Frames != a.Frames ? b.Frames.CompareTo(a.Frames) : a.QueryStart.CompareTo(b.QueryStart));
        return clips;
    }

    private static void AddClip(List<(int Q, int C, double Offset)> run, IReadOnlyList<VpdqFeature> q, IReadOnlyList<VpdqFeature> c, List<VpdqClip> clips)
    {
        if (run.Count < 2)
        {
            return;
        }

        var offsets = run.Select(r => r.Offset).Order().ToArray();
        clips.Add(new VpdqClip(
            run.Min(r => q[r.Q].TimestampSeconds),
            run.Max(r => q[r.Q].TimestampSeconds),
            run.Min(r => c[r.C].TimestampSeconds),
            run.Max(r => c[r.C].TimestampSeconds),
            offsets[offsets.Length / 2],
            run.Count));
    }

    /// <summary>The median time between consecutive frames (the sampling interval).</summary>
    private static double TypicalStep(IReadOnlyList<VpdqFeature> features)
    {
        if (features.Count < 2)
        {
            return 1.0;
        }

        var times = features.Select(f => f.TimestampSeconds).Order().ToArray();
        var steps = new double[times.Length - 1];
        for (var i = 1; i < times.Length; i++)
        {
            steps[i - 1] = times[i] - times[i - 1];
        }

        Array.Sort(steps);
        return steps[steps.Length / 2];
    }
}
