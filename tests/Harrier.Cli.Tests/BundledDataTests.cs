using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary>The CLI finds the benign data the repository ships, and never looks outside the repository for it.</summary>
public sealed class BundledDataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-bundled-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_build_finds_the_repository_data_folder_above_it()
    {
        Assert.Equal(Path.Combine(TestPaths.RepoRoot, "data"), BundledData.Root);
        Assert.True(File.Exists(Path.Combine(BundledData.Photos!, "flowers-ccby", "ATTRIBUTION.txt")));
        Assert.True(File.Exists(Path.Combine(BundledData.PublicTagPacks!, "demo.yaml")));
    }

    [Fact]
    public void A_folder_outside_a_repository_has_no_bundled_data_even_with_a_data_folder()
    {
        // A data/photos folder alone is not enough: only a Harrier repository (Harrier.slnx beside data/) counts.
        Directory.CreateDirectory(Path.Combine(_root, "data", "photos"));
        File.WriteAllText(Path.Combine(_root, "data", "photos", "MANIFEST.sha256"), string.Empty);
        var build = Directory.CreateDirectory(Path.Combine(_root, "x", "bin")).FullName;
        Assert.Null(BundledData.Find(build));
    }

    [Fact]
    public async Task Scenario_generate_refuses_a_photos_folder_without_photos()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var r = await CliRunner.RunAsync("scenario", "generate", "--preset", "tiny", "--photos", empty, "--out", Path.Combine(_root, "out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(empty, r.Err, StringComparison.Ordinal);
        Assert.Contains("no .jpg photos", r.Err, StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync("scenario", "generate", "--preset", "tiny", "--photos", Path.Combine(_root, "nope"), "--out", Path.Combine(_root, "out2"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--photos " + Path.Combine(_root, "nope") + ": no such folder", missing.Err, StringComparison.Ordinal);
    }
}
