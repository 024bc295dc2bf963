using System.Globalization;
using Harrier.Media.Vpdq;
using Harrier.Testing;
using Xunit.Abstractions;

namespace Harrier.Media.Tests.Vpdq;

/// <summary>
/// Our frame hashes of the sample videos (every frame, S = 0) against the upstream sample hashes, with the upstream
/// acceptance rule (vpdq/python/tests/test_vpdq_hash.py): equal frame counts; where both qualities are at least 50,
/// equal frame numbers and distance under 31; and then the maxima this code achieves (see the end of the test).
/// </summary>
public sealed class VpdqVectorTests(ITestOutputHelper output)
{
    public static TheoryData<string, int?> Videos()
    {
        var data = new TheoryData<string, int?>();
        foreach (var video in Directory.GetFiles(TestPaths.Vectors("vpdq", "videos"), "*.mp4").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(video);
            data.Add(name, null);
            if (File.Exists(ExpectedPath(name, 128)))
            {
                data.Add(name, 128);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Videos))]
    public async Task Every_frame_matches_the_sample_hashes_within_the_upstream_tolerance(string name, int? downsample)
    {
        var expected = VpdqFormats.ReadFile(ExpectedPath(name, downsample));
        var ours = await VpdqHasher.HashFileAsync(
            TestPaths.Vectors("vpdq", "videos", name + ".mp4"),
            new VpdqOptions { SecondsPerHash = 0, DownsampleSize = downsample });

        Assert.Equal(expected.Count, ours.Features.Count);
        var distances = new List<int>();
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var o = ours.Features[i];
            if (e.Quality < 50 || o.Quality < 50)
            {
                continue;
            }

            Assert.Equal(e.FrameNumber, o.FrameNumber);
            var d = e.Hash.DistanceTo(o.Hash);
            Assert.True(d < 31, $"frame {e.FrameNumber}: distance {d}");
            distances.Add(d);
        }

        distances.Sort();
        var histogram = distances.GroupBy(d => d).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}:{g.Count()}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} {(downsample is { } s ? $"{s}x{s}" : "native")}: {distances.Count} frames compared of {expected.Count}; " +
            $"median {Median(distances)}, max {(distances.Count > 0 ? distances[^1] : 0)}, exact {distances.Count(d => d == 0)}; " +
            $"distance:count {string.Join(' ', histogram)}"));
        Assert.NotEmpty(distances);

        // Tighter than upstream's rule: what this code achieves on these videos with Debian's ffmpeg (measured
        // 2026-12-05 over all 27 cases: native frames max 4, median ≤ 2; 128×128, where our resize and upstream's
        // differ, max 16, median ≤ 4). A change that moves hashes further fails here even while still "under 31";
        // a new ffmpeg that moves them needs a new measurement, not a looser bound.
        var (maxAllowed, medianAllowed) = downsample is null ? (4, 2.0) : (16, 4.0);
        Assert.True(distances[^1] <= maxAllowed, $"max frame distance {distances[^1]} > {maxAllowed} (measured maximum)");
        Assert.True(Median(distances) <= medianAllowed, $"median frame distance {Median(distances)} > {medianAllowed} (measured maximum)");
    }

    private static string ExpectedPath(string name, int? downsample) =>
        Path.Combine(TestPaths.Vectors("vpdq", "sample-hashes"), downsample is { } s ? $"{name}-{s}x{s}.txt" : name + ".txt");

    private static double Median(List<int> sorted) =>
        sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;
}
