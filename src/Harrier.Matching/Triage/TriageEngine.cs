using System.Globalization;
using Harrier.Matching.Banks;
using Harrier.Matching.Index;
using Harrier.Matching.Video;
using Harrier.Media.Hashing;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;

namespace Harrier.Matching.Triage;

/// <summary>
/// Media triage over plain inputs (no database): known-good filtered → exact digest matches → perceptual matches
/// (PDQ with the eight dihedral variants through the Hamming index; vPDQ with pytx frame rules, containment either
/// way) → a status per file; then groups: renditions of one upload (videos matching each other both ways with the
/// same duration and shape) and scenes (near-duplicates, with a representative); known status spreads to the
/// renditions and near-duplicates of a known file; the rest is the first-seen queue, ranked with reasons.
/// </summary>
public static class TriageEngine
{
    /// <summary>Triages <paramref name="files"/> against <paramref name="bank"/> (entries in import order).</summary>
    public static TriageOutcome Run(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank, TriageOptions? options = null)
    {
        using var pass = FirstPass(files, bank, options);
        return Run(pass, files);
    }

    /// <summary>
    /// Triage's first pass: every match that needs no hypothesis hash (known-good, exact digests, plain and border-trimmed
    /// PDQ, vPDQ, clip, dihedral and reframed video), and from them the files whose hypotheses <see cref="Run(TriagePass, IReadOnlyList{TriageInput})"/>
    /// would try (<see cref="TriagePass.NeedingHypotheses"/>). A caller computes those hypotheses and finishes with
    /// <see cref="Run(TriagePass, IReadOnlyList{TriageInput})"/>, so the matching is done once, not once to learn what is needed and again to
    /// triage. Dispose the pass when done (it holds the bank and frame indexes).
    /// </summary>
    public static TriagePass FirstPass(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank, TriageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(bank);
        options ??= TriageOptions.Default;
        var (matches, knownGood) = NoMatches(files.Count);
        ExactMatches(files, bank, matches, knownGood);
        var (queries, pdqIndex) = PlainPdqMatches(files, bank, options, matches, knownGood);
        VideoFrameSet? frames = null;
        try
        {
            frames = VideoFrames(files, options);
            var bankVideos = PlainVpdqMatches(files, bank, options, frames, matches, knownGood);

            // Images: not known-good, a plain PDQ hash of usable quality, nothing matched, PDQ in the banks (else no queries).
            var needing = queries.Where(q => matches[q].Count == 0 && files[q].Kind == "image").ToHashSet();
            if (bankVideos.Count > 0)
            {
                needing.UnionWith(Enumerable.Range(0, files.Count)
                    .Where(i => files[i].Kind == "video" && !knownGood[i] && matches[i].Count == 0 && frames.Kept[i] is { Count: > 0 }
                        && !TooShortForFrameHypotheses(files[i].DurationSeconds, options)));
            }

            return new TriagePass([.. files.Select(f => f.Id)], bank, options, matches, knownGood, queries, pdqIndex, frames, bankVideos, [.. needing.Order()]);
        }
        catch
        {
            pdqIndex?.Dispose();
            frames?.Index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Finishes triage from its <paramref name="pass"/>: the hypothesis steps for the files nothing else matched, then
    /// groups, spread and queue. <paramref name="files"/> are the pass's files in the same order; only their hypothesis
    /// hashes may have been added since (the pass's matches are not computed again). The pass is not changed, so it can
    /// be finished again.
    /// </summary>
    public static TriageOutcome Run(TriagePass pass, IReadOnlyList<TriageInput> files)
    {
        ArgumentNullException.ThrowIfNull(pass);
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count != pass.Ids.Length || Enumerable.Range(0, files.Count).Any(i => files[i].Id != pass.Ids[i]))
        {
            throw new ArgumentException("the files are not the ones the triage pass was made of (same files, same order)", nameof(files));
        }

        var bank = pass.Bank;
        var options = pass.Options;
        var n = files.Count;
        var knownGood = pass.KnownGood;
        var matches = pass.Matches.Select(m => new List<(int Entry, string Method, int Distance)>(m)).ToArray();
        if (pass.PdqIndex is { } pdqIndex)
        {
            PdqHypothesisMatches(files, bank, pass.PdqQueries, pdqIndex, options, matches);
        }

        var frames = pass.Frames;
        VideoHypothesisMatches(files, pass.BankVideos, options, matches, knownGood);

        // Groups.
        var renditions = new UnionFind(n);
        var scenes = new UnionFind(n);
        var alike = new UnionFind(n);
        var (compared, skipped) = VideoPairs(files, options, frames, renditions, scenes, alike);
        ImageLinks(files, options, frames, scenes, alike);

        var categoryByDigest = CategoriesByDigest(bank);
        var byDigest = RecordsByDigest(bank);
        var results = new TriageResult?[n];
        for (var i = 0; i < n; i++)
        {
            var f = files[i];
            if (knownGood[i])
            {
                results[i] = new TriageResult(f.Id, TriageStatus.KnownGood, "known-good list", null, null, 0, [], null, null, false, null, []);
            }
            else if (matches[i].Count > 0)
            {
                var ordered = matches[i].OrderBy(m => m.Distance).ThenBy(m => m.Entry).ToList();
                var best = ordered[0];
                // The category comes from the matched record and every record holding the same digests; banks that
                // disagree about that one record are conflicts. Matching several different records (perceptually)
                // is not a conflict between banks.
                var same = SameRecord(bank, best.Entry, byDigest);
                var primary = same.Count > 0
                    ? same[0]
                    : ordered.Select(m => (bank[m.Entry].Bank, Category: CategoryOf(bank[m.Entry].Entry, categoryByDigest)))
                        .Where(c => c.Category is not null).Select(c => (c.Bank, Category: c.Category!.Value)).DefaultIfEmpty((bank[best.Entry].Bank, default)).First();
                var conflicts = same.Where(c => c.Category != primary.Category).Select(c => $"{c.Bank}: {c.Category}").Distinct(StringComparer.Ordinal).ToList();
                var category = primary.Category == default ? (BankCategory?)null : primary.Category;
                results[i] = new TriageResult(f.Id, TriageStatus.Known, best.Method, primary.Bank, category, best.Distance, conflicts,
                    null, null, false, null, []);
            }
            else
            {
                var status = f.Kind switch
                {
                    "image" or "video" => TriageStatus.Unknown,
                    "unreadable" => TriageStatus.Unreadable,
                    _ => TriageStatus.NotMedia,
                };
                results[i] = new TriageResult(f.Id, status, null, null, null, null, [], null, null, false, null, []);
            }
        }

        return Group(files, results!, renditions, scenes, alike) with { VideoPairsCompared = compared, VideoPairsSkippedByTmk = skipped };
    }

    /// <summary>
    /// The indexes into <paramref name="files"/> of the images and videos whose hypothesis hashes <see cref="Run(TriagePass, IReadOnlyList{TriageInput})"/> would
    /// try. Images (<see cref="TriageInput.PdqInset"/>, <see cref="TriageInput.PdqReframed"/>, <see cref="TriageInput.PdqOffCentre"/>,
    /// <see cref="TriageInput.PdqDerotated"/>): not on a known-good list, with a plain PDQ hash of usable quality, that no
    /// exact digest and no plain or border-trimmed PDQ hash matches, when the banks hold PDQ hashes at all. Videos
    /// (<see cref="TriageInput.VpdqHypotheses"/>): not on a known-good list, with a frame of usable quality, long enough to
    /// give the rule its frames (<see cref="TriageOptions.VideoHypothesisMinFrames"/>: a video under about 2.1 s gives two
    /// whole seconds), that no exact digest, no vPDQ, clip, dihedral or reframed match found, when the banks hold vPDQ at all. The hypotheses of the
    /// others are never read, so a caller may compute them for these alone (issue 21.6) and get the same outcome.
    /// </summary>
    public static IReadOnlyList<int> NeedingHypotheses(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank, TriageOptions? options = null)
    {
        using var pass = FirstPass(files, bank, options);
        return pass.NeedingHypotheses;
    }

    /// <summary>
    /// Whether a video of <paramref name="durationSeconds"/> yields fewer sampled frames than the rule needs
    /// (<see cref="TriageOptions.VideoHypothesisMinFrames"/>): the extractor takes the middle of each of
    /// <see cref="Media.Features.MediaFeatureExtractor.VideoHypothesisFrames"/> equal parts, rounded down to a whole second,
    /// so the last is ⌊d · (2n − 1) / 2n⌋ and there are at most that + 1 distinct seconds (a 2 s video: seconds 0 and 1).
    /// Computing hypotheses that can never match would be cost for nothing. An unknown duration is tried.
    /// </summary>
    private static bool TooShortForFrameHypotheses(double? durationSeconds, TriageOptions options)
    {
        const int n = Media.Features.MediaFeatureExtractor.VideoHypothesisFrames;
        return durationSeconds is { } d && d > 0 && Math.Floor(d * ((2 * n) - 1) / (2.0 * n)) + 1 < options.VideoHypothesisMinFrames;
    }

    private static (List<(int Entry, string Method, int Distance)>[] Matches, bool[] KnownGood) NoMatches(int n)
    {
        var matches = new List<(int Entry, string Method, int Distance)>[n];
        for (var i = 0; i < n; i++)
        {
            matches[i] = [];
        }

        return (matches, new bool[n]);
    }

    // `alike` links files by near-duplicate evidence both ways (renditions, mutual scene matches, image links): the only
    // paths known status spreads along. A scene also holds containment (a compilation and the uploads of its parts), and
    // a compilation known by one part says nothing of the others.
    private static TriageOutcome Group(IReadOnlyList<TriageInput> files, TriageResult[] results, UnionFind renditions, UnionFind scenes, UnionFind alike)
    {
        var n = files.Count;
        bool IsMedia(int i) => files[i].Kind is "image" or "video" && results[i].Status != TriageStatus.KnownGood;
        var renditionIds = new Dictionary<int, int>();
        var renditionSizes = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            if (IsMedia(i))
            {
                var r = renditions.Find(i);
                renditionSizes[r] = renditionSizes.GetValueOrDefault(r) + 1;
            }
        }

        var sceneMembers = new SortedDictionary<int, List<int>>();
        for (var i = 0; i < n; i++)
        {
            if (!IsMedia(i))
            {
                continue;
            }

            var root = scenes.Find(i);
            if (!sceneMembers.TryGetValue(root, out var list))
            {
                sceneMembers[root] = list = [];
            }

            list.Add(i);
        }

        // Number the groups by their first member (input order), so numbering is stable.
        var ordered = sceneMembers.Values.OrderBy(l => l[0]).ToList();
        var groups = new List<(int Id, List<int> Members, int Uploads, int Rep, string Status, string? FirstSeen)>();
        for (var g = 0; g < ordered.Count; g++)
        {
            var members = ordered[g];
            var known = members.FirstOrDefault(i => results[i].Status == TriageStatus.Known, -1);
            foreach (var i in members)
            {
                var r = renditions.Find(i);
                if (renditionSizes[r] > 1 && !renditionIds.ContainsKey(r))
                {
                    renditionIds[r] = renditionIds.Count + 1;
                }
            }

            if (known >= 0)
            {
                foreach (var i in members.Where(i => results[i].Status == TriageStatus.Unknown))
                {
                    // Prefer a known member of the same upload as the source of the spread; else one it is alike to (on
                    // the demo preset, seed 3, spreading through containment called an unknown item's three renditions
                    // near-duplicates of the compilation that held it beside a known item).
                    var sameUpload = members.FirstOrDefault(k => results[k].Status == TriageStatus.Known && renditions.Find(k) == renditions.Find(i), -1);
                    var alikeKnown = members.FirstOrDefault(k => results[k].Status == TriageStatus.Known && alike.Find(k) == alike.Find(i), -1);
                    if (sameUpload < 0 && alikeKnown < 0)
                    {
                        continue;
                    }

                    var via = results[sameUpload >= 0 ? sameUpload : alikeKnown];
                    results[i] = results[i] with
                    {
                        Status = TriageStatus.NearDuplicate,
                        Method = sameUpload >= 0 ? "rendition" : "scene",
                        Bank = via.Bank,
                        Category = via.Category,
                    };
                }
            }

            // Ties go to the first in input order, not the lowest id: a case's files come ordered by exhibit and path, while
            // ids follow the order parallel registration finished in, so the same evidence registered twice (a second
            // case, a cluster run checked against one process) would otherwise show a different representative.
            var rep = members.OrderByDescending(i => (long)(files[i].Width ?? 0) * (files[i].Height ?? 0))
                .ThenByDescending(i => files[i].DurationSeconds ?? 0).ThenBy(i => i).First();
            var uploads = members.Select(i => renditions.Find(i)).Distinct().Count();
            var firstSeen = members.Select(i => files[i].FirstSeenUtc).Where(t => t is not null).Order(StringComparer.Ordinal).FirstOrDefault();
            groups.Add((g + 1, members, uploads, rep, known >= 0 ? TriageStatus.Known : TriageStatus.Unknown, firstSeen));
        }

        // The first-seen queue: larger groups (more copies and uploads: more spread, more to gain) first, then the earliest.
        var queue = groups.Where(g => g.Status == TriageStatus.Unknown)
            .OrderByDescending(g => g.Members.Count).ThenByDescending(g => g.Uploads)
            .ThenBy(g => g.FirstSeen ?? "~", StringComparer.Ordinal).ThenBy(g => g.Id).ToList();
        var rank = queue.Select((g, k) => (g.Id, Rank: k + 1)).ToDictionary(x => x.Id, x => x.Rank);
        var sceneGroups = new List<SceneGroup>();
        foreach (var g in groups)
        {
            int? r = rank.TryGetValue(g.Id, out var rr) ? rr : null;
            var reasons = new List<string>();
            if (r is not null)
            {
                reasons.Add("first seen: none of its files matches a bank");
                reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{g.Members.Count} file(s) in {g.Uploads} upload(s)"));
                if (g.FirstSeen is not null)
                {
                    reasons.Add("earliest appearance " + g.FirstSeen);
                }
            }

            sceneGroups.Add(new SceneGroup(g.Id, [.. g.Members.Select(i => files[i].Id)], g.Uploads, files[g.Rep].Id, g.Status, r, reasons));
            foreach (var i in g.Members)
            {
                var rg = renditions.Find(i);
                results[i] = results[i] with
                {
                    SceneGroup = g.Id,
                    RenditionGroup = renditionIds.TryGetValue(rg, out var rid) ? rid : null,
                    Representative = i == g.Rep,
                    QueueRank = r,
                    Reasons = reasons,
                };
            }
        }

        return new TriageOutcome(results, sceneGroups);
    }

    /// <summary>Every categorised record, by each of its digests, in bank order.</summary>
    private static Dictionary<string, List<int>> RecordsByDigest(IReadOnlyList<(string Bank, BankEntry Entry)> bank)
    {
        var map = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var e = 0; e < bank.Count; e++)
        {
            var entry = bank[e].Entry;
            if (entry.Category is null)
            {
                continue;
            }

            foreach (var d in new[] { entry.Md5, entry.Sha1, entry.Sha256 }.Where(d => d is not null).Distinct())
            {
                (map.TryGetValue(d!, out var list) ? list : map[d!] = []).Add(e);
            }
        }

        return map;
    }

    /// <summary>The categories of <paramref name="entry"/> and of every record sharing one of its digests, in bank order.</summary>
    private static List<(string Bank, BankCategory Category)> SameRecord(IReadOnlyList<(string Bank, BankEntry Entry)> bank, int entry,
        Dictionary<string, List<int>> byDigest)
    {
        var e = bank[entry].Entry;
        var ids = new SortedSet<int>();
        if (e.Category is not null)
        {
            ids.Add(entry);
        }

        foreach (var d in new[] { e.Md5, e.Sha1, e.Sha256 })
        {
            if (d is not null && byDigest.TryGetValue(d, out var list))
            {
                ids.UnionWith(list);
            }
        }

        return [.. ids.Select(i => (bank[i].Bank, bank[i].Entry.Category!.Value))];
    }

    private static BankCategory? CategoryOf(BankEntry e, Dictionary<string, BankCategory> byDigest) =>
        e.Category ?? (e.Md5 is not null && byDigest.TryGetValue(e.Md5, out var c) ? c
            : e.Sha1 is not null && byDigest.TryGetValue(e.Sha1, out c) ? c : null);

    private static Dictionary<string, BankCategory> CategoriesByDigest(IReadOnlyList<(string Bank, BankEntry Entry)> bank)
    {
        var map = new Dictionary<string, BankCategory>(StringComparer.Ordinal);
        foreach (var (_, e) in bank)
        {
            if (e.Category is { } c)
            {
                foreach (var d in new[] { e.Md5, e.Sha1, e.Sha256 })
                {
                    if (d is not null)
                    {
                        map.TryAdd(d, c);
                    }
                }
            }
        }

        return map;
    }

    private static void ExactMatches(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank,
        List<(int, string, int)>[] matches, bool[] knownGood)
    {
        var good = new HashSet<string>(StringComparer.Ordinal);
        var notable = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var e = 0; e < bank.Count; e++)
        {
            var entry = bank[e].Entry;
            foreach (var (method, d) in new[] { ("md5", entry.Md5), ("sha1", entry.Sha1), ("sha256", entry.Sha256) })
            {
                if (d is null)
                {
                    continue;
                }

                if (entry.KnownGood)
                {
                    good.Add(method + ":" + d);
                }
                else if (entry.Pdq is null && entry.Vpdq is null)
                {
                    // A vPDQ/PDQ list keyed by the MD5 of the bank's own copy: that copy's digest is a hash of the bank,
                    // but only the perceptual hash is the entry's evidence; exact entries come from digest lists.
                    (notable.TryGetValue(method + ":" + d, out var list) ? list : notable[method + ":" + d] = []).Add(e);
                }
            }
        }

        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            var keys = new[] { ("md5", f.Md5), ("sha1", f.Sha1), ("sha256", f.Sha256) };
            if (keys.Any(k => k.Item2 is not null && good.Contains(k.Item1 + ":" + k.Item2)))
            {
                knownGood[i] = true;
                continue;
            }

            var seen = new HashSet<int>();
            foreach (var (method, d) in keys)
            {
                if (d is not null && notable.TryGetValue(method + ":" + d, out var list))
                {
                    foreach (var e in list.Where(seen.Add))
                    {
                        matches[i].Add((e, method, 0));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Plain and border-trimmed PDQ matches; returns the files queried and the bank's PDQ index (kept for the hypothesis
    /// steps), or no queries and no index when the banks hold no usable PDQ hash or no file has one.
    /// </summary>
    private static (List<int> Queries, HammingIndex? Index) PlainPdqMatches(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank,
        TriageOptions options, List<(int, string, int)>[] matches, bool[] knownGood)
    {
        var entries = Enumerable.Range(0, bank.Count)
            .Where(e => bank[e].Entry.Pdq is not null && !bank[e].Entry.KnownGood && (bank[e].Entry.PdqQuality ?? 100) >= options.PdqMinQuality).ToList();
        var queries = Enumerable.Range(0, files.Count)
            .Where(i => !knownGood[i] && files[i].Pdq is { } p && p.Quality >= options.PdqMinQuality).ToList();
        if (entries.Count == 0 || queries.Count == 0)
        {
            return ([], null);
        }

        var index = HammingIndex.Build([.. entries.Select(e => bank[e].Entry.Pdq!.Value)], [.. entries.Select(e => (long)e)]);
        try
        {
            var (owners, variants) = PdqQueries(files, queries);
            var best = new Dictionary<(int File, int Entry), int>();
            foreach (var m in index.SearchDihedral(variants, options.PdqRadius))
            {
                var key = (queries[owners[m.QueryIndex]], (int)m.Id);
                best[key] = Math.Min(best.GetValueOrDefault(key, int.MaxValue), m.Distance);
            }

            foreach (var ((file, entry), distance) in best.OrderBy(kv => kv.Key.File).ThenBy(kv => kv.Key.Entry))
            {
                matches[file].Add((entry, "pdq", distance));
            }

            return (queries, index);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Second chances for images nothing matched, plain orientation only, each at its own radius and each only for the
    /// images the ones before left unmatched: the content found inside a surround (issue 21.3: a region of the picture
    /// itself, so at PDQ's radius and first), the centre-crop hypotheses, then the off-centre crops (issue 21.2), then the
    /// small rotations (21.4). Each is weaker evidence than a plain match, reported with its method and distance for an
    /// analyst to confirm.
    /// </summary>
    private static void PdqHypothesisMatches(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank, List<int> queries,
        HammingIndex index, TriageOptions options, List<(int, string, int)>[] matches)
    {
        HypothesisMatches(files, queries, index, matches, f => f.PdqInset, options.InsetRadius, "pdq-inset");
        HypothesisMatches(files, queries, index, matches, f => f.PdqReframed, options.ReframedRadius, "pdq-reframed");
        MaskedHypothesisMatches(files, bank, queries, index, matches, f => f.PdqOffCentre, f => f.PdqOffCentreStable,
            (options.OffCentreRadius, options.OffCentreSearchRadius, options.OffCentreMaskedRadius), "pdq-offcentre");
        MaskedHypothesisMatches(files, bank, queries, index, matches, f => f.PdqDerotated, f => f.PdqDerotatedStable,
            (options.DerotatedRadius, options.DerotatedSearchRadius, options.DerotatedMaskedRadius), "pdq-derotated");
    }

    /// <summary>
    /// The hypothesis hashes (<paramref name="of"/>) of the <paramref name="queries"/> that nothing has matched yet,
    /// against the bank's PDQ index within <paramref name="radius"/>: each bank entry met is a match by
    /// <paramref name="method"/> at the nearest hypothesis' distance.
    /// </summary>
    private static void HypothesisMatches(IReadOnlyList<TriageInput> files, List<int> queries, HammingIndex index, List<(int, string, int)>[] matches,
        Func<TriageInput, IReadOnlyList<Hash256>> of, int radius, string method)
    {
        var owners = new List<int>();
        var hypotheses = new List<Hash256>();
        foreach (var q in queries.Where(q => matches[q].Count == 0))
        {
            foreach (var h in of(files[q]))
            {
                owners.Add(q);
                hypotheses.Add(h);
            }
        }

        if (hypotheses.Count == 0)
        {
            return;
        }

        var best = new Dictionary<(int File, int Entry), int>();
        foreach (var m in index.Search(hypotheses.ToArray(), radius))
        {
            var key = (owners[m.QueryIndex], (int)m.Id);
            best[key] = Math.Min(best.GetValueOrDefault(key, int.MaxValue), m.Distance);
        }

        foreach (var ((file, entry), distance) in best.OrderBy(kv => kv.Key.File).ThenBy(kv => kv.Key.Entry))
        {
            matches[file].Add((entry, method, distance));
        }
    }

    /// <summary>
    /// Fewest stable bits (of 256) an off-centre or de-rotation hypothesis needs to be compared by the masked distance; one
    /// with fewer is compared by the plain distance. The distractor measurements that set the masked radii saw none with
    /// fewer than 162 (230–235 on average); over fewer than half the bits, a scaled distance would rest on too few bits for
    /// those measurements to speak for it.
    /// </summary>
    internal const int MinStableBits = 128;

    /// <summary>
    /// The off-centre (issue 21.2) or de-rotation (21.4) step for the <paramref name="queries"/> nothing has matched yet. A
    /// hypothesis of <paramref name="of"/> with its stable bits (<paramref name="stableOf"/>, the same count, at least
    /// <see cref="MinStableBits"/> of them) is searched for within the search radius and a bank entry it meets is kept
    /// when the masked distance (<see cref="PdqOffCentre.MaskedDistance"/>: the bits the guessed border does not decide) is
    /// within the masked radius, reported at that distance; one without (stored before them) is matched by the plain
    /// distance within the plain radius, as before. Each bank entry met is a match at the nearest hypothesis' distance.
    /// </summary>
    private static void MaskedHypothesisMatches(IReadOnlyList<TriageInput> files, IReadOnlyList<(string Bank, BankEntry Entry)> bank, List<int> queries,
        HammingIndex index, List<(int, string, int)>[] matches, Func<TriageInput, IReadOnlyList<Hash256>> of, Func<TriageInput, IReadOnlyList<Hash256>> stableOf,
        (int Plain, int Search, int Masked) radii, string method)
    {
        var owners = new List<int>();
        var hypotheses = new List<Hash256>();
        var stable = new List<Hash256?>();
        foreach (var q in queries.Where(q => matches[q].Count == 0))
        {
            var (hashes, masks) = (of(files[q]), stableOf(files[q]));
            for (var k = 0; k < hashes.Count; k++)
            {
                owners.Add(q);
                hypotheses.Add(hashes[k]);
                stable.Add(masks.Count == hashes.Count && masks[k].PopCount() >= MinStableBits ? masks[k] : null);
            }
        }

        if (hypotheses.Count == 0)
        {
            return;
        }

        var radius = stable.Any(s => s is not null) ? Math.Max(radii.Search, radii.Plain) : radii.Plain;
        var best = new Dictionary<(int File, int Entry), int>();
        foreach (var m in index.Search(hypotheses.ToArray(), radius))
        {
            int distance;
            if (stable[m.QueryIndex] is { } mask)
            {
                if (m.Distance > radii.Search)
                {
                    continue;
                }

                distance = PdqOffCentre.MaskedDistance(hypotheses[m.QueryIndex], mask, bank[(int)m.Id].Entry.Pdq!.Value);
                if (distance > radii.Masked)
                {
                    continue;
                }
            }
            else if (m.Distance > radii.Plain)
            {
                continue;
            }
            else
            {
                distance = m.Distance;
            }

            var key = (owners[m.QueryIndex], (int)m.Id);
            best[key] = Math.Min(best.GetValueOrDefault(key, int.MaxValue), distance);
        }

        foreach (var ((file, entry), distance) in best.OrderBy(kv => kv.Key.File).ThenBy(kv => kv.Key.Entry))
        {
            matches[file].Add((entry, method, distance));
        }
    }

    /// <summary>
    /// The dihedral query sets of <paramref name="queries"/>: the plain hashes and, for an image with a uniform border,
    /// the hashes of the content inside it (a second chance, never a replacement); each set's owner as an index into
    /// <paramref name="queries"/>.
    /// </summary>
    private static (int[] Owners, Hash256[] Variants) PdqQueries(IReadOnlyList<TriageInput> files, List<int> queries)
    {
        var owners = new List<int>();
        var variants = new List<Hash256>();
        for (var k = 0; k < queries.Count; k++)
        {
            var f = files[queries[k]];
            foreach (var set in f.PdqTrimmed.Prepend(f.Pdq!.Value))
            {
                owners.Add(k);
                variants.AddRange(set.ToArray());
            }
        }

        return ([.. owners], [.. variants]);
    }

    /// <summary>Each video's kept frames (pytx filter) and an index over all of them (id = video index · 2^20 + frame).</summary>
    private static VideoFrameSet VideoFrames(IReadOnlyList<TriageInput> files, TriageOptions options)
    {
        var kept = new IReadOnlyList<VpdqFeature>?[files.Count];
        var bordered = new double[files.Count];
        var firstPerFrame = new Dictionary<int, Hash256>?[files.Count];
        var hashes = new List<Hash256>();
        var ids = new List<long>();
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].Vpdq is { } v)
            {
                kept[i] = VpdqMatcher.Filter(files[i].VpdqOverlay is { Count: > 0 } o ? [.. v, .. o] : v, options.Vpdq);
                var frameNumbers = v.Select(f => f.FrameNumber).Distinct().Count();
                bordered[i] = frameNumbers == 0 ? 0 : (double)(v.Count - frameNumbers) / frameNumbers;
                firstPerFrame[i] = FirstHashPerFrame(v, options);
                for (var k = 0; k < kept[i]!.Count; k++)
                {
                    hashes.Add(kept[i]![k].Hash);
                    ids.Add(((long)i << 20) | (uint)k);
                }
            }
        }

        return new VideoFrameSet(kept, bordered, firstPerFrame, HammingIndex.Build(hashes.ToArray(), ids.ToArray()));
    }

    /// <summary>
    /// Kept frames per video, the share of its frames that also carry a border-trimmed hash, each frame number's first
    /// hash (made once per video, not per candidate pair), and the frame index.
    /// </summary>
    internal sealed record VideoFrameSet(IReadOnlyList<VpdqFeature>?[] Kept, double[] Bordered, Dictionary<int, Hash256>?[] FirstPerFrame, HammingIndex Index);

    /// <summary>
    /// Plain vPDQ and clip matches, then the second chances for videos nothing matched that need no hypothesis hash
    /// (dihedral, reframed); returns the bank's usable videos with their kept frames (none: the banks hold no usable vPDQ).
    /// </summary>
    private static List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> PlainVpdqMatches(IReadOnlyList<TriageInput> files,
        IReadOnlyList<(string Bank, BankEntry Entry)> bank, TriageOptions options, VideoFrameSet frames, List<(int, string, int)>[] matches, bool[] knownGood)
    {
        // Each bank video's kept frames, filtered once for both passes.
        var bankVideos = new List<(int Entry, IReadOnlyList<VpdqFeature> Frames)>();
        for (var e = 0; e < bank.Count; e++)
        {
            if (bank[e].Entry is { Vpdq: { } vpdq, KnownGood: false } && VpdqMatcher.Filter(vpdq, options.Vpdq) is { Count: > 0 } kept)
            {
                bankVideos.Add((e, kept));
            }
        }

        foreach (var (e, bankFrames) in bankVideos)
        {
            var candidates = frames.Index.Search(bankFrames.Select(f => f.Hash).ToArray(), options.Vpdq.Distance)
                .Select(m => (int)(m.Id >> 20)).Distinct().Where(i => !knownGood[i]);
            foreach (var i in candidates)
            {
                var r = VpdqMatcher.Match(frames.Kept[i]!, bankFrames, options.Vpdq);
                var share = Math.Max(r.QueryMatchPercent, r.ComparedMatchPercent);
                if (share >= options.BankMatchPercent)
                {
                    matches[i].Add((e, "vpdq", (int)Math.Round(100 - share)));
                    continue;
                }

                // A clip of the bank video inside a longer one (a compilation): a large share of the bank video's own
                // frames, each within PDQ's photo radius rather than the looser frame distance.
                var clip = VpdqMatcher.Match(frames.Kept[i]!, bankFrames, options.Vpdq with { Distance = options.PdqRadius });
                if (clip.ComparedMatchPercent >= options.BankClipPercent)
                {
                    matches[i].Add((e, "vpdq-clip", (int)Math.Round(100 - clip.ComparedMatchPercent)));
                }
            }
        }

        DihedralVideoMatches(files, bankVideos, options, matches, knownGood);
        ReframedVideoMatches(files, bankVideos, options, matches, knownGood);
        return bankVideos;
    }

    /// <summary>
    /// Issue 21.2–21.4 for video, after the looser centre crops and as the image steps are ordered: the content found
    /// inside a surround first, then the off-centre crops, then the small rotations, each only for the videos the steps
    /// before left unmatched.
    /// </summary>
    private static void VideoHypothesisMatches(IReadOnlyList<TriageInput> files, List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> bankVideos,
        TriageOptions options, List<(int, string, int)>[] matches, bool[] knownGood)
    {
        FrameHypothesisMatches(files, bankVideos, options, matches, knownGood,
            f => f.Inset.Select(r => (0, r.Hash, (Hash256?)null)), options.VideoInsetRadius, "vpdq-inset");
        FrameHypothesisMatches(files, bankVideos, options, matches, knownGood, f => WithStableBits(f.OffCentre, f.OffCentreStable),
            options.VideoOffCentreRadius, "vpdq-offcentre");
        FrameHypothesisMatches(files, bankVideos, options, matches, knownGood, f => WithStableBits(f.Derotated, f.DerotatedStable),
            options.VideoDerotatedRadius, "vpdq-derotated");
    }

    /// <summary>
    /// A sampled frame's off-centre or de-rotation hashes with their geometry (the crop or the angle: the index) and, where
    /// stored with enough of them (<see cref="MinStableBits"/>), their stable bits: a frame's distance under such a
    /// hypothesis is then the masked one, as for an image.
    /// </summary>
    private static IEnumerable<(int Geometry, Hash256 Hash, Hash256? Stable)> WithStableBits(IReadOnlyList<Hash256> hashes, IReadOnlyList<Hash256> stable) =>
        hashes.Select((h, g) => (g, h, stable.Count == hashes.Count && stable[g].PopCount() >= MinStableBits ? stable[g] : (Hash256?)null));

    /// <summary>
    /// A second chance for videos nothing matched: their sampled frames' hypotheses (<see cref="TriageInput.VpdqHypotheses"/>)
    /// under <b>one geometry for the whole video</b> (<paramref name="of"/> gives each frame's hashes with their geometry:
    /// the crop or the angle; every inset region counts as the one geometry "inset", its place being found per frame): a
    /// re-uploader crops or turns the whole video the same way, so frames matching under different geometries never add
    /// up. For a bank video and a geometry, each sampled frame's hypothesis is as near as its nearest frame of that bank
    /// video; the frames that count are the nearest ones, as many as can be taken while <b>their mean distance</b> stays
    /// within <paramref name="radius"/> and none of them is beyond <see cref="TriageOptions.VideoHypothesisFrameLimit"/>
    /// (<see cref="MetFrames"/>). The bank video is met when they are at least
    /// <see cref="TriageOptions.VideoHypothesisPercent"/> of the video's sampled frames and at least
    /// <see cref="TriageOptions.VideoHypothesisMinFrames"/>. Method <paramref name="method"/>; the best geometry's share
    /// gives the distance (100 − share, as the other video methods). A hypothesis with stable bits (the off-centre crops and
    /// the turns, since the masked distance) is as near a bank frame as its masked distance (<see cref="PdqOffCentre.MaskedDistance"/>),
    /// compared with every frame of the bank video (<see cref="MaskedFrameDistances"/>), not only those the plain distance
    /// puts within the limit. Never used for grouping.
    /// </summary>
    private static void FrameHypothesisMatches(IReadOnlyList<TriageInput> files, List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> bankVideos,
        TriageOptions options, List<(int, string, int)>[] matches, bool[] knownGood,
        Func<VpdqFrameHypotheses, IEnumerable<(int Geometry, Hash256 Hash, Hash256? Stable)>> of, int radius, string method)
    {
        var hashes = new List<Hash256>();
        var ids = new List<long>();
        var masked = new List<(long Id, Hash256 Hash, Hash256 Stable)>();
        var sampled = new Dictionary<int, int>();
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].VpdqHypotheses is not { Count: > 0 } frames || matches[i].Count > 0 || knownGood[i])
            {
                continue;
            }

            sampled[i] = frames.Count;
            for (var j = 0; j < frames.Count && j < 1 << 12; j++)
            {
                foreach (var (g, h, stable) in of(frames[j]))
                {
                    var id = ((long)i << 20) | ((long)j << 8) | (uint)(g & 0xFF);
                    if (stable is { } mask)
                    {
                        masked.Add((id, h, mask));
                    }
                    else
                    {
                        hashes.Add(h);
                        ids.Add(id);
                    }
                }
            }
        }

        if ((hashes.Count == 0 && masked.Count == 0) || bankVideos.Count == 0)
        {
            return;
        }

        using var index = hashes.Count > 0 ? HammingIndex.Build(hashes.ToArray(), ids.ToArray()) : null;
        var limit = Math.Max(radius, options.VideoHypothesisFrameLimit);
        var best = new Dictionary<(int File, int Entry), double>();
        foreach (var (e, bankFrames) in bankVideos)
        {
            // Per (video, geometry): each sampled frame's nearest distance to this bank video's frames, where within the limit.
            var near = new Dictionary<(int File, int Geometry), Dictionary<int, int>>();
            void Nearest(long id, int distance)
            {
                var key = ((int)(id >> 20), (int)(id & 0xFF));
                var frames = near.TryGetValue(key, out var found) ? found : near[key] = [];
                var j = (int)((id >> 8) & 0xFFF);
                frames[j] = Math.Min(distance, frames.GetValueOrDefault(j, int.MaxValue));
            }

            var bankHashes = bankFrames.Select(f => f.Hash).ToArray();
            if (index is not null)
            {
                foreach (var m in index.Search(bankHashes, limit))
                {
                    Nearest(m.Id, m.Distance);
                }
            }

            MaskedFrameDistances(masked, limit, bankHashes, Nearest);

            foreach (var ((file, _), frameDistances) in near)
            {
                var met = MetFrames(frameDistances.Values, radius, limit);
                var share = 100.0 * met / sampled[file];
                if (met >= options.VideoHypothesisMinFrames && share >= options.VideoHypothesisPercent && share > best.GetValueOrDefault((file, e)))
                {
                    best[(file, e)] = share;
                }
            }
        }

        foreach (var ((file, entry), share) in best.OrderBy(kv => kv.Key.File).ThenBy(kv => kv.Key.Entry))
        {
            matches[file].Add((entry, method, (int)Math.Round(100 - share)));
        }
    }

    /// <summary>
    /// Each hypothesis with stable bits against every one of a bank video's frames: <paramref name="found"/> gets its id
    /// and the masked distance (<see cref="PdqOffCentre.MaskedDistance"/>) to the nearest frame wherever that is within
    /// <paramref name="limit"/>. Compared directly, not through the index searched by the plain distance: the bits the
    /// guessed border decides (the unstable ones, a median of 32–43 of 256 in a cropped or turned video frame, up to
    /// 130) differ from the true frame's as often as not, so a frame whose stable bits are within the limit can lie well
    /// beyond it by the plain distance (on benchmarks/video-hypotheses.sh a 3° turn's frames at masked 18–41 lay 38–72
    /// bits away plainly); a plain search radius either loses them or, wide enough to keep them all (limit · stable / 256
    /// + the unstable bits), returns a large share of all pairs. The work is hypotheses × the bank video's frames, four
    /// masked popcounts a pair.
    /// </summary>
    private static void MaskedFrameDistances(List<(long Id, Hash256 Hash, Hash256 Stable)> hypotheses, int limit, Hash256[] bankFrames,
        Action<long, int> found)
    {
        foreach (var (id, h, s) in hypotheses)
        {
            var (least, nearest) = (int.MaxValue, -1);
            for (var f = 0; f < bankFrames.Length; f++)
            {
                var differing = h.DistanceTo(bankFrames[f], s);
                if (differing < least)
                {
                    (least, nearest) = (differing, f);
                }
            }

            // The masked distance grows with the differing stable bits, so the frame with the fewest is the nearest.
            if (nearest >= 0 && PdqOffCentre.MaskedDistance(h, s, bankFrames[nearest]) is var distance && distance <= limit)
            {
                found(id, distance);
            }
        }
    }

    /// <summary>
    /// How many of a video's sampled frames count for a frame hypothesis under one geometry: the nearest ones (by their
    /// <paramref name="distances"/> to a bank video), as many as can be taken while their mean stays within
    /// <paramref name="radius"/> and none is beyond <paramref name="limit"/>. A re-encode adds its own noise to each
    /// frame's hypothesis error, and the mean of several frames averages it out: a frame or two a few bits beyond the
    /// radius still count when the others are well inside it, and every frame within the radius always counts (the mean
    /// of values within it is within it). A still video, every frame alike, gets every frame or none, at the radius: the
    /// mean changes nothing for it, which is what bounds false matches at scale (docs/triage.md, "Why the mean"). The
    /// limit keeps frames that merely share a few near-identical moments with the bank video (an intro, a title card)
    /// from carrying unrelated ones.
    /// </summary>
    internal static int MetFrames(IEnumerable<int> distances, int radius, int limit)
    {
        var (met, sum) = (0, 0L);
        foreach (var d in distances.Order())
        {
            if (d > limit || sum + d > (long)radius * (met + 1))
            {
                break;
            }

            (met, sum) = (met + 1, sum + d);
        }

        return met;
    }

    /// <summary>
    /// A second chance for videos nothing matched, from the whole-second frames (<see cref="TriageInput.VpdqDihedral"/>:
    /// the frame at decoder frame s · ⌊fps⌋, the very frames a bank video is hashed at by the interchange default).
    /// <list type="bullet">
    /// <item>Their identity variant is a plain vPDQ at one hash a second: a fast-moving video whose sampled frames fall
    /// between the bank's (a 7-frame sampling grid against a 30-frame one) is met with the plain rule, either side's
    /// share ≥ <see cref="TriageOptions.BankMatchPercent"/>, method <c>vpdq</c>.</item>
    /// <item>The seven other variants are the hypothesis that the video is a mirrored or rotated re-upload: one
    /// transform for the whole video (a re-upload is mirrored or turned as a whole, so frames are never mixed across
    /// transforms), matched with the plain vPDQ frame rules (frame distance, quality floor): a PDQ variant is what the
    /// transformed frame hashes to, so the distances are those of a plain re-encode. Met when either side's share
    /// reaches <see cref="TriageOptions.BankMatchPercent"/>, or, as the other frame hypotheses, when a majority of the
    /// video's own frames do (<see cref="TriageOptions.VideoHypothesisPercent"/>, at least
    /// <see cref="TriageOptions.VideoHypothesisMinFrames"/>): a re-upload trimmed or re-timed by a fraction of a second
    /// has every frame off the bank's, and across a cut such a frame shows the other shot. Method
    /// <c>vpdq-dihedral</c>; the best transform's share gives the distance.</item>
    /// </list>
    /// A plain (identity) match is preferred over a dihedral one for the same bank video. Tried before the reframed
    /// hypotheses, which are looser.
    /// </summary>
    private static void DihedralVideoMatches(IReadOnlyList<TriageInput> files, List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> bankVideos,
        TriageOptions options, List<(int, string, int)>[] matches, bool[] knownGood)
    {
        const int variants = PdqDihedralResult.Count;
        var kept = new Dictionary<long, IReadOnlyList<VpdqFeature>>();
        var hashes = new List<Hash256>();
        var ids = new List<long>();
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].VpdqDihedral is not { Count: > 0 } frames || matches[i].Count > 0 || knownGood[i])
            {
                continue;
            }

            for (var t = 0; t < variants; t++)
            {
                var variant = (PdqDihedral)t;
                var k = VpdqMatcher.Filter([.. frames.Select(f => f.Variant(variant))], options.Vpdq);
                var id = ((long)i * variants) + t;
                kept[id] = k;
                hashes.AddRange(k.Select(f => f.Hash));
                ids.AddRange(Enumerable.Repeat(id, k.Count));
            }
        }

        if (hashes.Count == 0)
        {
            return;
        }

        using var index = HammingIndex.Build(hashes.ToArray(), ids.ToArray());
        var best = new Dictionary<(int File, int Entry), (bool Plain, double Share)>();
        foreach (var (e, bankFrames) in bankVideos)
        {
            foreach (var id in index.Search(bankFrames.Select(f => f.Hash).ToArray(), options.Vpdq.Distance).Select(m => m.Id).Distinct())
            {
                var r = VpdqMatcher.Match(kept[id], bankFrames, options.Vpdq);
                var share = Math.Max(r.QueryMatchPercent, r.ComparedMatchPercent);
                var key = ((int)(id / variants), e);
                var plain = id % variants == 0;
                var majority = !plain && r.QueryMatched >= options.VideoHypothesisMinFrames && r.QueryMatchPercent >= options.VideoHypothesisPercent;
                if ((share >= options.BankMatchPercent || majority)
                    && (!best.TryGetValue(key, out var b) || (plain && !b.Plain) || (plain == b.Plain && share > b.Share)))
                {
                    best[key] = (plain, share);
                }
            }
        }

        foreach (var ((file, entry), (plain, share)) in best.OrderBy(kv => kv.Key.File).ThenBy(kv => kv.Key.Entry))
        {
            matches[file].Add((entry, plain ? "vpdq" : "vpdq-dihedral", (int)Math.Round(100 - share)));
        }
    }

    /// <summary>
    /// A second chance for videos nothing matched: their frames' centre-crop hypotheses (a cropped re-upload) against
    /// each bank video, at the reframed radius. A bank video is met when that share of its own frames is matched (each
    /// query frame carries one hypothesis per crop share, so the query side's share says nothing).
    /// </summary>
    private static void ReframedVideoMatches(IReadOnlyList<TriageInput> files, List<(int Entry, IReadOnlyList<VpdqFeature> Frames)> bankVideos,
        TriageOptions options, List<(int, string, int)>[] matches, bool[] knownGood)
    {
        var kept = new Dictionary<int, IReadOnlyList<VpdqFeature>>();
        var hashes = new List<Hash256>();
        var ids = new List<long>();
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].VpdqReframed is { Count: > 0 } r && matches[i].Count == 0 && !knownGood[i])
            {
                var k = VpdqMatcher.Filter(r, options.Vpdq);
                kept[i] = k;
                hashes.AddRange(k.Select(f => f.Hash));
                ids.AddRange(Enumerable.Repeat((long)i, k.Count));
            }
        }

        if (hashes.Count == 0)
        {
            return;
        }

        using var index = HammingIndex.Build(hashes.ToArray(), ids.ToArray());
        var loose = options.Vpdq with { Distance = options.VideoReframedRadius };
        foreach (var (e, bankFrames) in bankVideos)
        {
            foreach (var i in index.Search(bankFrames.Select(f => f.Hash).ToArray(), options.VideoReframedRadius).Select(m => (int)m.Id).Distinct())
            {
                var r = VpdqMatcher.Match(kept[i], bankFrames, loose);
                if (r.ComparedMatchPercent >= options.BankMatchPercent)
                {
                    matches[i].Add((e, "vpdq-reframed", (int)Math.Round(100 - r.ComparedMatchPercent)));
                }
            }
        }
    }

    /// <summary>
    /// Rendition candidates are joined strongest first, and only while the two groups hold no frame size in common: a
    /// platform makes one file per quality level, so two files of one size are two uploads (a re-upload with a logo
    /// matches its source as well as a rendition does, but repeats its sizes).
    /// </summary>
    private static (int Compared, int Skipped) VideoPairs(IReadOnlyList<TriageInput> files, TriageOptions options, VideoFrameSet frames, UnionFind renditions,
        UnionFind scenes, UnionFind alike)
    {
        int compared = 0, skipped = 0;
        var candidates = new List<(int A, int B, double Lo, double Distance)>();
        for (var a = 0; a < files.Count; a++)
        {
            var fa = frames.Kept[a];
            if (fa is null)
            {
                continue;
            }

            if (fa.Count == 0)
            {
                compared += LowQualityRenditions(files, options, frames, a, candidates, scenes, alike);
                continue;
            }

            var near = frames.Index.Search(fa.Select(f => f.Hash).ToArray(), options.Vpdq.Distance)
                .Select(m => (int)(m.Id >> 20)).Where(b => b > a).Distinct().ToList();
            foreach (var b in near)
            {
                if (TmkCosine(files[a], files[b]) is { } cosine && cosine < options.TmkPrefilter)
                {
                    skipped++;
                    continue;
                }

                compared++;
                var r = VpdqMatcher.Match(fa, frames.Kept[b]!, options.Vpdq);
                var hi = Math.Max(r.QueryMatchPercent, r.ComparedMatchPercent);
                var lo = Math.Min(r.QueryMatchPercent, r.ComparedMatchPercent);
                if (SameShape(files[a], files[b], options)
                    && Math.Abs(frames.Bordered[a] - frames.Bordered[b]) <= options.RenditionBorderTolerance
                    && (lo >= options.RenditionPercent || AlignedMeanDistance(frames.FirstPerFrame[a]!, frames.FirstPerFrame[b]!) <= options.RenditionAlignedDistance))
                {
                    candidates.Add((a, b, lo, MeanNearest(fa, frames.Kept[b]!)));
                    scenes.Union(a, b);
                    alike.Union(a, b);
                }
                else if (hi >= options.ScenePercent && lo >= options.SceneMinPercent)
                {
                    scenes.Union(a, b);
                    if (lo >= options.ScenePercent)
                    {
                        alike.Union(a, b);
                    }
                }
            }
        }

        var sizes = new Dictionary<int, HashSet<(int, int)>>();
        HashSet<(int, int)> SizesOf(int root, int member) =>
            sizes.TryGetValue(root, out var set) ? set : sizes[root] = [(files[member].Width ?? 0, files[member].Height ?? 0)];
        foreach (var (a, b, _, _) in candidates.OrderByDescending(c => c.Lo).ThenBy(c => c.Distance).ThenBy(c => c.A).ThenBy(c => c.B))
        {
            var ra = renditions.Find(a);
            var rb = renditions.Find(b);
            if (ra == rb)
            {
                continue;
            }

            var sa = SizesOf(ra, a);
            var sb = SizesOf(rb, b);
            if (sa.Overlaps(sb))
            {
                continue;
            }

            renditions.Union(a, b);
            var root = renditions.Find(a);
            var merged = new HashSet<(int, int)>(sa);
            merged.UnionWith(sb);
            sizes.Remove(ra);
            sizes.Remove(rb);
            sizes[root] = merged;
        }

        return (compared, skipped);
    }

    /// <summary>
    /// A video none of whose frames reaches the quality floor (a pattern that fades out; a dark, flat scene) matches no
    /// bank and has no frame in the index, but can still be a rendition of an upload that has some: its frames, whatever
    /// their quality, find candidates among the indexed frames, and a candidate of the same shape and framing whose frames
    /// with the same numbers average within <see cref="TriageOptions.RenditionAlignedDistance"/> joins. The floor keeps
    /// noise-like hashes of flat frames out of bank matching; frame-by-frame between two files of one duration, frame
    /// rate and aspect, flat frames of different videos hash far apart, so the average still tells them apart.
    /// </summary>
    private static int LowQualityRenditions(IReadOnlyList<TriageInput> files, TriageOptions options, VideoFrameSet frames, int a,
        List<(int A, int B, double Lo, double Distance)> candidates, UnionFind scenes, UnionFind alike)
    {
        if (files[a].Vpdq is not { Count: > 0 } all)
        {
            return 0;
        }

        var unfloored = options with { Vpdq = options.Vpdq with { Quality = 0 } };
        var mine = FirstHashPerFrame(all, unfloored);
        var compared = 0;
        foreach (var b in frames.Index.Search(all.Select(f => f.Hash).ToArray(), options.Vpdq.Distance).Select(m => (int)(m.Id >> 20)).Where(b => b != a).Distinct())
        {
            compared++;
            if (SameShape(files[a], files[b], options)
                && Math.Abs(frames.Bordered[a] - frames.Bordered[b]) <= options.RenditionBorderTolerance
                && AlignedMeanDistance(mine, FirstHashPerFrame(files[b].Vpdq!, unfloored)) is var d && d <= options.RenditionAlignedDistance)
            {
                candidates.Add((a, b, 0, d));
                scenes.Union(a, b);
                alike.Union(a, b);
            }
        }

        return compared;
    }

    /// <summary>
    /// The cosine of the two videos' TMK level-1 features, or null when either lacks one or has an all-zero one (a blank
    /// video): no evidence either way, so the pair is compared.
    /// </summary>
    private static double? TmkCosine(TriageInput a, TriageInput b)
    {
        if (a.TmkLevel1 is not { Length: > 0 } x || b.TmkLevel1 is not { Length: > 0 } y || x.Length != y.Length)
        {
            return null;
        }

        var cosine = TmkScorer.Cosine(x, y);
        return cosine == 0 ? null : cosine;
    }

    /// <summary>
    /// The mean distance between the frames of <paramref name="fa"/> and <paramref name="fb"/> with the same frame number
    /// (the first hash of each frame, quality ≥ the vPDQ minimum), or <see cref="double.MaxValue"/> when fewer than half
    /// of either side's frames have a counterpart. Renditions of one upload share frame numbers and timing, so this
    /// compares like with like; a low rendition of fine texture can miss the frame threshold on half its frames while
    /// still averaging far below unrelated video (measured on the demo preset: renditions ≤ 56 on 96 % of pairs,
    /// different items ≥ 80 on every pair of the same duration and shape).
    /// </summary>
    private static double AlignedMeanDistance(Dictionary<int, Hash256> fa, Dictionary<int, Hash256> fb)
    {
        var sum = 0L;
        var common = 0;
        foreach (var (frame, hash) in fa)
        {
            if (fb.TryGetValue(frame, out var other))
            {
                sum += hash.DistanceTo(other);
                common++;
            }
        }

        return common == 0 || 2 * common < Math.Max(fa.Count, fb.Count) ? double.MaxValue : (double)sum / common;
    }

    private static Dictionary<int, Hash256> FirstHashPerFrame(IReadOnlyList<VpdqFeature> features, TriageOptions options)
    {
        var map = new Dictionary<int, Hash256>();
        foreach (var f in features)
        {
            if (f.Quality >= options.Vpdq.Quality)
            {
                map.TryAdd(f.FrameNumber, f.Hash);
            }
        }

        return map;
    }

    /// <summary>The mean, over <paramref name="a"/>'s frames, of the distance to the nearest frame of <paramref name="b"/>.</summary>
    private static double MeanNearest(IReadOnlyList<VpdqFeature> a, IReadOnlyList<VpdqFeature> b)
    {
        double sum = 0;
        foreach (var x in a)
        {
            var best = int.MaxValue;
            foreach (var y in b)
            {
                best = Math.Min(best, x.Hash.DistanceTo(y.Hash));
            }

            sum += best;
        }

        return a.Count == 0 ? 0 : sum / a.Count;
    }

    private static bool SameShape(TriageInput a, TriageInput b, TriageOptions options)
    {
        if (a.DurationSeconds is not { } da || b.DurationSeconds is not { } db || da <= 0 || db <= 0)
        {
            return false;
        }

        if (Math.Abs(da - db) > options.RenditionDurationTolerance * Math.Max(da, db))
        {
            return false;
        }

        if (a.FrameRate is { } fa && b.FrameRate is { } fb && Math.Abs(fa - fb) > 0.01 * Math.Max(fa, fb))
        {
            return false;
        }

        if (a.Width is not { } wa || a.Height is not { } ha || b.Width is not { } wb || b.Height is not { } hb || ha == 0 || hb == 0)
        {
            return false;
        }

        double ra = (double)wa / ha, rb = (double)wb / hb;
        return Math.Abs(ra - rb) <= options.RenditionAspectTolerance * Math.Max(ra, rb);
    }

    /// <summary>Images join each other within the PDQ radius (dihedral), and the video where they match the largest share of frames.</summary>
    private static void ImageLinks(IReadOnlyList<TriageInput> files, TriageOptions options, VideoFrameSet frames, UnionFind scenes, UnionFind alike)
    {
        var images = Enumerable.Range(0, files.Count).Where(i => files[i].Pdq is { } p && p.Quality >= options.PdqMinQuality).ToList();
        if (images.Count == 0)
        {
            return;
        }

        var (owners, variants) = PdqQueries(files, images);
        var originals = new List<Hash256>();
        var ids = new List<long>();
        for (var k = 0; k < owners.Length; k++)
        {
            originals.Add(variants[8 * k]);
            ids.Add(images[owners[k]]);
        }

        using (var imageIndex = HammingIndex.Build([.. originals], [.. ids]))
        {
            foreach (var m in imageIndex.SearchDihedral(variants, options.PdqRadius))
            {
                scenes.Union(images[owners[m.QueryIndex]], (int)m.Id);
                alike.Union(images[owners[m.QueryIndex]], (int)m.Id);
            }
        }

        var bestShare = new double[images.Count];
        var bestVideo = new int[images.Count];
        Array.Fill(bestVideo, -1);
        var perImage = frames.Index.SearchDihedral(variants, options.PdqRadius).GroupBy(m => owners[m.QueryIndex]);
        foreach (var g in perImage)
        {
            foreach (var byVideo in g.GroupBy(m => (int)(m.Id >> 20)))
            {
                var share = (double)byVideo.Select(m => m.Id).Distinct().Count() / frames.Kept[byVideo.Key]!.Count;
                if (share > bestShare[g.Key] || (share == bestShare[g.Key] && byVideo.Key < bestVideo[g.Key]))
                {
                    bestShare[g.Key] = share;
                    bestVideo[g.Key] = byVideo.Key;
                }
            }
        }

        for (var k = 0; k < images.Count; k++)
        {
            if (bestVideo[k] >= 0)
            {
                scenes.Union(images[k], bestVideo[k]);
                alike.Union(images[k], bestVideo[k]);
            }
        }
    }
}
