using System.Text.Json;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

public sealed class VideoCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-video-cli-").FullName;

    private static string Video(string name) => TestPaths.Vectors("vpdq", "videos", name + ".mp4");

    private static string SampleHashes(string name) => TestPaths.Vectors("vpdq", "sample-hashes", name + ".txt");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Hash_vpdq_of_one_video_prints_reference_lines_one_per_second_by_default()
    {
        var r = await CliRunner.RunAsync("hash", "vpdq", Video("doorknob-hd-no-bar"));

        Assert.Equal(0, r.ExitCode);
        var features = VpdqFormats.Read(new StringReader(r.Out));
        Assert.Equal([0, 30, 60, 90], features.Select(f => f.FrameNumber));
        Assert.Equal("0,100,", r.Out[..6]);
    }

    [Fact]
    public async Task Every_frame_mode_matches_the_sample_hash_file_line_count_and_compares_as_the_same_video()
    {
        var ours = Path.Combine(_dir, "padded.txt");
        var r = await CliRunner.RunAsync("hash", "vpdq", "--seconds-per-hash", "0", Video("test-padded-dimensions"));
        Assert.Equal(0, r.ExitCode);
        await File.WriteAllTextAsync(ours, r.Out);

        var cmp = await CliRunner.RunAsync("compare", "vpdq", ours, SampleHashes("test-padded-dimensions"), "--json");
        Assert.Equal(0, cmp.ExitCode);
        using var doc = JsonDocument.Parse(cmp.Out);
        Assert.Equal(150, VpdqFormats.ReadFile(ours).Count);
        Assert.Equal(100.0, doc.RootElement.GetProperty("queryMatchPercent").GetDouble());
        Assert.Equal(100.0, doc.RootElement.GetProperty("comparedMatchPercent").GetDouble());
        Assert.True(doc.RootElement.GetProperty("isMatch").GetBoolean());
    }

    [Fact]
    public async Task Several_videos_need_an_output_folder_and_a_bad_one_fails_alone()
    {
        var usage = await CliRunner.RunAsync("hash", "vpdq", Video("doorknob-hd-no-bar"), Video("test-padded-dimensions"));
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("-o DIR", usage.Err, StringComparison.Ordinal);

        var garbage = Path.Combine(_dir, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray());
        var outDir = Path.Combine(_dir, "out");
        var r = await CliRunner.RunAsync("hash", "vpdq", "-o", outDir, Video("doorknob-hd-no-bar"), garbage, Video("test-padded-dimensions"));

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"harrier: {garbage}: not a readable video", r.Err, StringComparison.Ordinal);
        Assert.Equal(["doorknob-hd-no-bar.txt", "test-padded-dimensions.txt"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(5, VpdqFormats.ReadFile(Path.Combine(outDir, "test-padded-dimensions.txt")).Count);
    }

    [Fact]
    public async Task Pytx_format_is_a_json_signal_that_compare_reads()
    {
        var r = await CliRunner.RunAsync("hash", "vpdq", "--format", "pytx", Video("doorknob-hd-no-bar"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("[\"", r.Out, StringComparison.Ordinal);
        var signal = Path.Combine(_dir, "doorknob.json");
        await File.WriteAllTextAsync(signal, r.Out);

        var cmp = await CliRunner.RunAsync("compare", "vpdq", signal, SampleHashes("doorknob-hd-no-bar"));
        Assert.Equal(0, cmp.ExitCode);
        Assert.Contains("query\t100.00%", cmp.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_vpdq_prints_both_percentages_for_either_matcher_and_the_clip_ranges()
    {
        var a = SampleHashes("chair-19-sd-bar");
        var b = SampleHashes("chair-20-sd-bar");

        var pytx = await CliRunner.RunAsync("compare", "vpdq", a, b);
        Assert.Equal(0, pytx.ExitCode);
        Assert.Contains("query\t100.00%", pytx.Out, StringComparison.Ordinal);
        Assert.Contains("compared\t92.76%", pytx.Out, StringComparison.Ordinal);
        Assert.Contains("match\tyes", pytx.Out, StringComparison.Ordinal);
        Assert.Contains("clip\tquery ", pytx.Out, StringComparison.Ordinal);

        var cpp = await CliRunner.RunAsync("compare", "vpdq", a, b, "--mode", "cpp", "--json");
        using var doc = JsonDocument.Parse(cpp.Out);
        Assert.Equal(100.0, doc.RootElement.GetProperty("queryMatchPercent").GetDouble());
        Assert.Equal(92.18, doc.RootElement.GetProperty("comparedMatchPercent").GetDouble());
        Assert.Equal("cpp", doc.RootElement.GetProperty("mode").GetString());
        Assert.True(doc.RootElement.GetProperty("clips").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Compare_vpdq_refuses_a_file_that_is_not_a_hash_file()
    {
        var bad = Path.Combine(_dir, "bad.txt");
        await File.WriteAllTextAsync(bad, "hello\n");
        var r = await CliRunner.RunAsync("compare", "vpdq", bad, SampleHashes("chair-19-sd-bar"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("not a vPDQ hash file", r.Err, StringComparison.Ordinal);
        Assert.Contains("line 1", r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_tmk_writes_a_reference_layout_file_that_compare_tmk_scores_against_the_sample()
    {
        var ours = Path.Combine(_dir, "pattern.tmk");
        var h = await CliRunner.RunAsync("hash", "tmk", Video("pattern-sd-grey-bar"), "-o", ours);
        Assert.Equal(0, h.ExitCode);
        Assert.Equal(263_344, new FileInfo(ours).Length);

        var sample = TestPaths.Vectors("tmk", "sample-hashes", "pattern-sd-grey-bar.tmk");
        var r = await CliRunner.RunAsync("compare", "tmk", ours, sample, "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.True(doc.RootElement.GetProperty("level1").GetDouble() >= 0.99);
        Assert.True(doc.RootElement.GetProperty("level2").GetDouble() >= 0.99);

        var text = await CliRunner.RunAsync("compare", "tmk",
            TestPaths.Vectors("tmk", "sample-hashes", "chair-19-sd-bar.tmk"),
            TestPaths.Vectors("tmk", "sample-hashes", "chair-20-sd-bar.tmk"));
        Assert.Equal("level1\t0.989083\nlevel2\t0.991138\n", text.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Missing_ffmpeg_is_exit_code_2_with_a_fix()
    {
        var r = await CliRunner.RunAsync("hash", "vpdq", "--ffprobe", "/nonexistent/ffprobe", Video("doorknob-hd-no-bar"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("ffprobe not found", r.Err, StringComparison.Ordinal);

        var tmk = await CliRunner.RunAsync("hash", "tmk", "--ffmpeg", "/nonexistent/ffmpeg", Video("doorknob-hd-no-bar"), "-o", Path.Combine(_dir, "x.tmk"));
        Assert.Equal(2, tmk.ExitCode);
        Assert.Contains("ffmpeg not found", tmk.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_input_alone_is_exit_2_naming_it_and_writes_nothing()
    {
        var empty = Path.Combine(_dir, "empty.mp4");
        await File.WriteAllBytesAsync(empty, []);
        var r = await CliRunner.RunAsync("hash", "tmk", empty, "-o", Path.Combine(_dir, "e.tmk"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{empty}: empty file", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "e.tmk")));
    }
}
