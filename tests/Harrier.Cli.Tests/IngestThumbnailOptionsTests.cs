using System.Text.Json;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary><c>ingest media</c>'s thumbnail options: on by default, off with --no-thumbnails, a weak blur refused.</summary>
public sealed class IngestThumbnailOptionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-ingest-thumbs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<string> CaseWithOnePhotoAsync(string name)
    {
        var evidence = Directory.CreateDirectory(Path.Combine(_root, name + "-evidence")).FullName;
        var daisy = await File.ReadAllBytesAsync(TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg"));
        await File.WriteAllBytesAsync(Path.Combine(evidence, "a.jpg"), ExifJpeg.Insert(daisy, ExifJpeg.SampleTiff()));
        var caseDir = Path.Combine(_root, name);
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", caseDir, "--name", name)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "add", evidence, "--exhibit", "EX-1", "--case", caseDir, "--progress", "None")).ExitCode);
        return caseDir;
    }

    [Fact]
    public async Task Thumbnails_are_written_by_default_and_not_with_no_thumbnails()
    {
        var on = await CaseWithOnePhotoAsync("on");
        var r = await CliRunner.RunAsync("ingest", "media", "--exhibit", "EX-1", "--case", on, "--json", "--progress", "None");
        Assert.Equal(0, r.ExitCode);
        using (var doc = JsonDocument.Parse(r.Out))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("thumbnails").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("withGps").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("withCameraSerial").GetInt32());
        }

        Assert.Single(Directory.GetFiles(Path.Combine(on, "derived", "thumbs"), "*.png"));

        var off = await CaseWithOnePhotoAsync("off");
        r = await CliRunner.RunAsync("ingest", "media", "--exhibit", "EX-1", "--case", off, "--no-thumbnails", "--json", "--progress", "None");
        Assert.Equal(0, r.ExitCode);
        using (var doc = JsonDocument.Parse(r.Out))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("thumbnails").GetInt32());
            Assert.Equal(1, doc.RootElement.GetProperty("withGps").GetInt32()); // metadata is read either way
        }

        Assert.False(Directory.Exists(Path.Combine(off, "derived")));

        // The values are in report triage --json, per file.
        Assert.Equal(0, (await CliRunner.RunAsync("triage", "--case", on)).ExitCode);
        r = await CliRunner.RunAsync("report", "triage", "--case", on, "--json");
        using (var doc = JsonDocument.Parse(r.Out))
        {
            var file = Assert.Single(doc.RootElement.GetProperty("files").EnumerateArray());
            Assert.Equal(ExifJpeg.Serial, file.GetProperty("metadata").GetProperty("cameraSerial").GetString());
            Assert.Equal(ExifJpeg.Latitude, file.GetProperty("metadata").GetProperty("latitude").GetDouble(), 9);
            Assert.StartsWith("derived/thumbs/", file.GetProperty("derived").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_blur_below_the_minimum_is_refused_before_anything_is_ingested()
    {
        var caseDir = await CaseWithOnePhotoAsync("weak");
        var r = await CliRunner.RunAsync("ingest", "media", "--exhibit", "EX-1", "--case", caseDir, "--thumbnail-blur", "1");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--thumbnail-blur", r.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(caseDir, "derived")));
        r = await CliRunner.RunAsync("ingest", "media", "--exhibit", "EX-1", "--case", caseDir, "--thumbnail-blur", "6", "--json", "--progress", "None");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("ingested").GetInt32());
    }
}
