using System.Globalization;
using Harrier.Matching.Video;
using Harrier.Media.Tmk;
using Harrier.Testing;
using Xunit.Abstractions;

namespace Harrier.Matching.Tests.Video;

public sealed class TmkScorerTests(ITestOutputHelper output)
{
    private static string Sample(string name) => TestPaths.Vectors("tmk", "sample-hashes", name);

    [Fact]
    public void Scores_from_the_sample_files_reproduce_every_published_pair_to_1e5()
    {
        var rows = File.ReadAllLines(TestPaths.Vectors("tmk", "published-pair-scores.tsv")).Skip(1)
            .Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
        Assert.Equal(39, rows.Count);
        var cache = new Dictionary<string, TmkFeatures>();
        TmkFeatures Load(string n) => cache.TryGetValue(n, out var f) ? f : cache[n] = TmkFormat.ReadFile(Sample(n));

        double worst1 = 0, worst2 = 0;
        foreach (var r in rows)
        {
            var score = TmkScorer.Score(Load(r[2]), Load(r[3]));
            var d1 = Math.Abs(score.Level1 - double.Parse(r[0], CultureInfo.InvariantCulture));
            var d2 = Math.Abs(score.Level2!.Value - double.Parse(r[1], CultureInfo.InvariantCulture));
            Assert.True(d1 <= 1e-5, $"{r[2]} vs {r[3]}: level1 {score.Level1:F6}, published {r[0]}");
            Assert.True(d2 <= 1e-5, $"{r[2]} vs {r[3]}: level2 {score.Level2:F6}, published {r[1]}");
            worst1 = Math.Max(worst1, d1);
            worst2 = Math.Max(worst2, d2);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"39 pairs: max |Δlevel1| {worst1:E2}, max |Δlevel2| {worst2:E2}"));
    }

    [Fact]
    public void Level2_is_gated_by_level1_when_asked()
    {
        var a = TmkFormat.ReadFile(Sample("doorknob-hd-no-bar.tmk"));
        var b = TmkFormat.ReadFile(Sample("pattern-sd-with-large-logo-bar.tmk"));
        var gated = TmkScorer.Score(a, b, TmkScorer.DefaultThreshold);
        Assert.True(gated.Level1 < TmkScorer.DefaultThreshold);
        Assert.Null(gated.Level2);
        Assert.NotNull(TmkScorer.Score(a, b).Level2);
    }

    [Theory]
    [InlineData("chair-19-sd-bar")]
    [InlineData("pattern-sd-grey-bar")]
    public async Task Our_hash_of_a_sample_video_scores_like_the_reference_hash_of_it(string name)
    {
        var ours = await TmkHasher.HashFileAsync(TestPaths.Vectors("vpdq", "videos", name + ".mp4"));
        var reference = TmkFormat.ReadFile(Sample(name + ".tmk"));

        var score = TmkScorer.Score(ours, reference);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: frames ours {ours.FrameCount} / reference {reference.FrameCount}; level1 {score.Level1:F6}, level2 {score.Level2:F6}"));
        Assert.Equal(reference.FrameCount, ours.FrameCount);
        Assert.True(score.Level2 >= 0.99, $"level2 {score.Level2}");
        Assert.True(score.Level1 >= 0.99, $"level1 {score.Level1}");
    }
}
