using Harrier.Scenario.Truth;

namespace Harrier.Scenario.Evaluation;

/// <summary>Compares triage predictions with <c>truth.json</c>'s <c>files[]</c>.</summary>
public static class MediaEvaluator
{
    private sealed record TruthFile(string Path, string Kind, long UploadId, string Items, bool Known);

    /// <summary>Evaluates <paramref name="predictions"/> against the truth file at <paramref name="truthPath"/>.</summary>
    public static MediaEvaluation Evaluate(string truthPath, IReadOnlyList<MediaPrediction> predictions) =>
        Evaluate(TruthJson.Read(truthPath), predictions);

    /// <summary>Evaluates <paramref name="predictions"/> against <paramref name="truth"/>'s files.</summary>
    public static MediaEvaluation Evaluate(ScenarioTruth truth, IReadOnlyList<MediaPrediction> predictions)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var files = (truth.Files ?? throw new InvalidDataException("the truth has no files[]: not a scenario truth file"))
            .Select(f => new TruthFile(f.Path, f.Kind, f.UploadId, string.Join(',', (f.Items ?? []).Order()), f.Known)).ToList();
        return Evaluate(files, predictions);
    }

    private static MediaEvaluation Evaluate(IReadOnlyList<TruthFile> truth, IReadOnlyList<MediaPrediction> predictions)
    {
        // Truth paths are relative to the scenario folder (media/...); the case registers media/ as the exhibit.
        var byPath = new Dictionary<string, MediaPrediction>(StringComparer.Ordinal);
        foreach (var p in predictions)
        {
            byPath[p.RelPath.Replace('\\', '/')] = p;
        }

        MediaPrediction? Find(TruthFile t)
        {
            var rel = t.Path.StartsWith("media/", StringComparison.Ordinal) ? t.Path["media/".Length..] : t.Path;
            return byPath.GetValueOrDefault(rel) ?? byPath.GetValueOrDefault(t.Path);
        }

        var media = truth.Where(t => t.Kind is "video" or "image").Select(t => (Truth: t, Pred: Find(t))).ToList();
        var missing = truth.Count(t => Find(t) is null);
        long tp = 0, fp = 0, fn = 0;
        foreach (var (t, p) in media)
        {
            var predicted = p?.PredictedKnown ?? false;
            if (predicted && t.Known)
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (t.Known)
            {
                fn++;
            }
        }

        var videos = media.Where(m => m.Truth.Kind == "video").ToList();
        var renditions = Pairs(videos, (a, b) => a.UploadId == b.UploadId && a.UploadId != 0, p => p.RenditionGroup);
        var scenes = Pairs(media, (a, b) => a.Items.Length > 0 && a.Items == b.Items, p => p.SceneGroup);
        var decoys = truth.Where(t => t.Kind == "decoy").ToList();
        var filtered = decoys.Count(d => Find(d)?.KnownGood == true);
        var unknown = media.Count(m => m.Pred is { PredictedKnown: false, KnownGood: false });
        return new MediaEvaluation(media.Count, missing, new PairScore(tp, fp, fn), renditions, scenes, decoys.Count, filtered,
            media.Count == 0 ? 0 : (double)unknown / media.Count,
            media.Count == 0 ? 0 : (double)media.Count(m => !m.Truth.Known) / media.Count);
    }

    private static PairScore Pairs(List<(TruthFile Truth, MediaPrediction? Pred)> files, Func<TruthFile, TruthFile, bool> same,
        Func<MediaPrediction, int?> group)
    {
        long tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < files.Count; i++)
        {
            for (var j = i + 1; j < files.Count; j++)
            {
                var t = same(files[i].Truth, files[j].Truth);
                var gi = files[i].Pred is { } pi ? group(pi) : null;
                var gj = files[j].Pred is { } pj ? group(pj) : null;
                var p = gi is not null && gi == gj;
                if (t && p)
                {
                    tp++;
                }
                else if (p)
                {
                    fp++;
                }
                else if (t)
                {
                    fn++;
                }
            }
        }

        return new PairScore(tp, fp, fn);
    }
}
