using System.Text.Json;
using Harrier.Testing;
using Harrier.Media.Hashing;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier hash pdq</c> run in-process on the PDQ vectors.</summary>
public sealed class HashPdqCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-hashpdq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Vectors(params string[] parts) => TestPaths.Vectors(["pdq", .. parts]);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HarrierApp.RunAsync(args, new CliHost(stdout, stderr, TimeProvider.System) { Interactive = false });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static Dictionary<string, (string Hash, string Quality)> Expected(string tsv) =>
        File.ReadLines(Vectors(tsv)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .ToDictionary(f => f[0], f => (f[1], f[2]), StringComparer.Ordinal);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Folder_of_synthetic_pngs_prints_hash_quality_path_in_order()
    {
        var (code, stdout, stderr) = await Run("hash", "pdq", Vectors("synthetic"));
        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var expected = Expected("expected-full-resolution.tsv");
        var lines = Lines(stdout);
        Assert.Equal(8, lines.Length);
        var paths = new List<string>();
        foreach (var line in lines)
        {
            var f = line.Split('\t');
            Assert.Equal(3, f.Length);
            var key = "synthetic/" + Path.GetFileName(f[2]);
            Assert.Equal(expected[key], (f[0], f[1]));
            paths.Add(f[2]);
        }

        Assert.Equal(paths.Order(StringComparer.Ordinal), paths);
    }

    [Fact]
    public async Task Pre512_front_end_and_dihedral_output()
    {
        var strip = Vectors("synthetic", "synth-strip-rgb-1000x5.png");
        var (code, stdout, _) = await Run("hash", "pdq", "--front-end", "pre512", strip);
        Assert.Equal(0, code);
        Assert.Equal(Expected("expected-cli-pre512.tsv")["synthetic/synth-strip-rgb-1000x5.png"].Hash, stdout.Split('\t')[0]);

        var c = Vectors("images", "misc-images", "c.png");
        (code, stdout, _) = await Run("hash", "pdq", "--dihedral", c);
        Assert.Equal(0, code);
        var row = File.ReadLines(Vectors("expected-full-resolution-dihedral.tsv")).Select(l => l.Split('\t'))
            .Single(f => f[0] == "images/misc-images/c.png");
        Assert.Equal($"{string.Join(',', row[5..13])}\t{row[4]}\t{c}", stdout.TrimEnd('\n'));
    }

    [Fact]
    public async Task Failures_go_to_stderr_with_the_path_and_exit_1_while_good_images_are_still_hashed()
    {
        var good = Path.Combine(_dir, "a-good.bin");
        File.Copy(Vectors("images", "misc-images", "wee.jpg"), good);
        var bytes = File.ReadAllBytes(Vectors("images", "misc-images", "wee.jpg"));
        var truncated = Path.Combine(_dir, "b-truncated.jpg");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        File.WriteAllText(Path.Combine(_dir, "c-notes.jpg"), "not an image, skipped inside a folder");
        var empty = Path.Combine(_dir, "d-empty.png");
        File.WriteAllBytes(empty, []);

        var (code, stdout, stderr) = await Run("hash", "pdq", _dir);
        Assert.Equal(1, code);
        var lines = Lines(stdout);
        Assert.Single(lines);
        Assert.EndsWith("\t" + good, lines[0], StringComparison.Ordinal);
        Assert.Equal(Expected("expected-full-resolution.tsv")["images/misc-images/wee.jpg"].Hash, lines[0].Split('\t')[0]);
        Assert.Contains(truncated, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("c-notes.jpg", stderr, StringComparison.Ordinal);

        // An explicitly named non-image is an error; so is a path that does not exist. With nothing hashed at all: exit 2.
        (code, _, stderr) = await Run("hash", "pdq", Path.Combine(_dir, "c-notes.jpg"), Path.Combine(_dir, "absent.png"));
        Assert.Equal(2, code);
        Assert.Contains("c-notes.jpg: not a recognised image", stderr, StringComparison.Ordinal);
        Assert.Contains("absent.png: no such file or folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trim_borders_hashes_the_content_inside_a_letterbox()
    {
        // The 64×64 noise vector inside black bars: trimmed, it hashes like the vector itself.
        var src = Vectors("synthetic", "synth-noise-rgb-64x64.png");
        var (code, plain, _) = await Run("hash", "pdq", src);
        Assert.Equal(0, code);
        using var image = SkiaSharp.SKImage.FromEncodedData(src);
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(64, 100));
        surface.Canvas.Clear(SkiaSharp.SKColors.Black);
        surface.Canvas.DrawImage(image, 0, 18, new SkiaSharp.SKSamplingOptions(SkiaSharp.SKFilterMode.Nearest));
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        var boxed = Path.Combine(_dir, "boxed.png");
        File.WriteAllBytes(boxed, png.ToArray());

        var (_, untrimmed, _) = await Run("hash", "pdq", boxed);
        var (code2, trimmed, _) = await Run("hash", "pdq", "--trim-borders", boxed);
        Assert.Equal(0, code2);
        Assert.Equal(plain.Split('\t')[0], trimmed.Split('\t')[0]);
        Assert.NotEqual(plain.Split('\t')[0], untrimmed.Split('\t')[0]);
    }

    [Fact]
    public async Task Reframe_hashes_a_crop_back_towards_its_photo_in_either_fill_and_refuses_bad_shares()
    {
        var photo = TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");
        var cropped = Path.Combine(_dir, "cropped.png");
        FfmpegTool.Run("-i", photo, "-vf", "crop=iw*0.8:ih*0.8", cropped);
        var (_, original, _) = await Run("hash", "pdq", photo);
        var (_, plain, _) = await Run("hash", "pdq", cropped);
        var (code, faded, _) = await Run("hash", "pdq", "--reframe", "0.1", cropped);
        var (code2, grey, _) = await Run("hash", "pdq", "--reframe", "0.1", "--reframe-fill", "grey", "--json", cropped);
        Assert.Equal((0, 0), (code, code2));
        int Distance(string a, string b) => Hash256.Parse(a.Split('\t')[0]).DistanceTo(Hash256.Parse(b.Split('\t')[0]));
        using var doc = JsonDocument.Parse(grey);
        var greyHash = doc.RootElement.GetProperty("images")[0].GetProperty("hash").GetString()!;
        Assert.Equal("grey", doc.RootElement.GetProperty("reframeFill").GetString());
        Assert.NotEqual(faded.Split('\t')[0], greyHash);
        Assert.True(Distance(faded, original) + 30 < Distance(plain, original), $"faded {Distance(faded, original)}, plain {Distance(plain, original)}");
        Assert.True(Distance(greyHash, original) < Distance(plain, original), $"grey {Distance(greyHash, original)}, plain {Distance(plain, original)}");

        Assert.Equal(2, (await Run("hash", "pdq", "--reframe", "0.6", cropped)).Code);
        Assert.Equal(2, (await Run("hash", "pdq", "--reframe", "0.1", "--dihedral", cropped)).Code);
    }

    [Fact]
    public async Task Json_is_one_document()
    {
        var (code, stdout, _) = await Run("hash", "pdq", "--json", "--dihedral", Vectors("images", "misc-images", "c.png"), Vectors("README.md"));
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("hashed").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        var image = root.GetProperty("images")[0];
        Assert.Equal(Expected("expected-full-resolution.tsv")["images/misc-images/c.png"].Hash, image.GetProperty("hash").GetString());
        Assert.Equal(8, image.GetProperty("dihedral").GetArrayLength());
        Assert.Equal("flipminus1", root.GetProperty("dihedralOrder")[7].GetString());
    }

    [Fact]
    public async Task Missing_path_argument_is_a_usage_error()
    {
        var (code, _, stderr) = await Run("hash", "pdq");
        Assert.Equal(2, code);
        Assert.NotEqual("", stderr);
        (code, _, _) = await Run("hash", "pdq", "--front-end", "sideways", Vectors("synthetic"));
        Assert.Equal(2, code);
    }
}
