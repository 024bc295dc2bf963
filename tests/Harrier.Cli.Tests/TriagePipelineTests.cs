using System.Text.Json;
using Xunit.Abstractions;

namespace Harrier.Cli.Tests;

/// <summary>
/// The media pipeline, command by command, on the tiny scenario (real ffmpeg, real SQLite, real files): generate →
/// case → evidence → every hash set as a bank → ingest → triage → report → eval. Asserts the figures it achieves.
/// </summary>
public sealed class TriagePipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-pipeline-").FullName;

    [Fact]
    public async Task Tiny_scenario_is_triaged_and_evaluated_against_its_truth()
    {
        var scenario = Path.Combine(_root, "scenario");
        var caseDir = Path.Combine(_root, "case");
        Assert.Equal(0, (await CliRunner.RunAsync("scenario", "generate", "--seed", "7", "--preset", "tiny", "--out", scenario)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", caseDir, "--name", "pipeline")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("evidence", "add", Path.Combine(scenario, "media"), "--exhibit", "M", "--case", caseDir)).ExitCode);
        foreach (var file in Directory.GetFiles(Path.Combine(scenario, "hashsets")))
        {
            var imported = await CliRunner.RunAsync("banks", "import", file, "--name", Path.GetFileName(file), "--case", caseDir, "--json");
            Assert.True(imported.ExitCode == 0, imported.Err);
            using var bank = JsonDocument.Parse(imported.Out);
            Assert.True(bank.RootElement.GetProperty("entries").GetInt32() > 0, file);
            Assert.Equal(0, bank.RootElement.GetProperty("warnings").GetArrayLength());
        }

        var banks = await CliRunner.RunAsync("banks", "list", "--case", caseDir, "--json");
        using (var list = JsonDocument.Parse(banks.Out))
        {
            Assert.Equal(["csv", "icse", "nsrl", "pdq", "vics", "vpdq"],
                list.RootElement.EnumerateArray().Select(b => b.GetProperty("format").GetString()).Distinct().Order(StringComparer.Ordinal));
        }

        int mediaFiles = 0, decoyFiles = 0;
        var ingest = await CliRunner.RunAsync("ingest", "media", "--exhibit", "M", "--case", caseDir, "--json");
        Assert.True(ingest.ExitCode == 0, ingest.Err + ingest.Out);
        using (var doc = JsonDocument.Parse(ingest.Out))
        {
            // Every file is sniffed as what the truth says it is.
            var kinds = doc.RootElement.GetProperty("kinds");
            using var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(scenario, "truth.json")));
            int TruthCount(string kind) => truth.RootElement.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("kind").GetString() == kind);
            Assert.Equal(TruthCount("video"), kinds.GetProperty("video").GetInt32());
            Assert.Equal(TruthCount("image"), kinds.GetProperty("image").GetInt32());
            Assert.Equal(TruthCount("decoy"), kinds.GetProperty("other").GetInt32());
            mediaFiles = truth.RootElement.GetProperty("files").GetArrayLength();
            decoyFiles = TruthCount("decoy");
        }

        // Resumable: a second ingest has nothing left to do.
        using (var again = JsonDocument.Parse((await CliRunner.RunAsync("ingest", "media", "--exhibit", "M", "--case", caseDir, "--json")).Out))
        {
            Assert.Equal(0, again.RootElement.GetProperty("ingested").GetInt32());
        }

        Assert.Equal(0, (await CliRunner.RunAsync("triage", "--case", caseDir)).ExitCode);
        var report = await CliRunner.RunAsync("report", "triage", "--case", caseDir, "--json");
        Assert.Equal(0, report.ExitCode);
        using (var doc = JsonDocument.Parse(report.Out))
        {
            var html = File.ReadAllText(doc.RootElement.GetProperty("report").GetString()!);
            Assert.Contains("First-seen queue", html, StringComparison.Ordinal);
            Assert.DoesNotContain(".mp4", html, StringComparison.Ordinal); // no file names in the report
            Assert.DoesNotContain(".jpg", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
            var files = doc.RootElement.GetProperty("files").EnumerateArray().ToList();
            Assert.Equal(mediaFiles, files.Count);
            Assert.Contains(files, f => f.GetProperty("queueRank").ValueKind == JsonValueKind.Number && f.GetProperty("queueRank").GetInt32() == 1);
        }

        var eval = await CliRunner.RunAsync("eval", "--truth", Path.Combine(scenario, "truth.json"), "--case", caseDir, "--json");
        Assert.Equal(0, eval.ExitCode);
        using (var doc = JsonDocument.Parse(eval.Out))
        {
            var media = doc.RootElement.GetProperty("media");
            output.WriteLine(media.ToString());
            double Get(string section, string key) => media.GetProperty(section).GetProperty(key).GetDouble();

            // Measured on seed 7 (tiny): every known call is right (precision 1) and all 22 known files are found (the
            // compilation holding half of a known item through the clip rule, the mirrored still through its plain
            // dihedral hashes, the still cropped to 80 % of each side through its reframed hashes: plain PDQ does not
            // survive that crop). Renditions are grouped exactly; stills never join their item's video scene (a still is
            // not a frame of the slideshow), which caps scene recall.
            Assert.Equal(0, media.GetProperty("missingFromCase").GetInt32());
            Assert.Equal(1.0, Get("known", "precision"));
            Assert.Equal(1.0, Get("known", "recall"));
            Assert.Equal(1.0, Get("renditions", "f1"));
            Assert.Equal(1.0, Get("scenes", "precision"));
            Assert.True(Get("scenes", "f1") >= 0.73, "scenes.f1 " + Get("scenes", "f1"));
            Assert.Equal(6, media.GetProperty("knownGood").GetProperty("filtered").GetInt32());
        }

        // The VICS export reads back as a bank: one record per media file, VICS-US categories of the known ones kept.
        var vics = Path.Combine(_root, "export.vics.json");
        Assert.Equal(0, (await CliRunner.RunAsync("export", "vics", "--out", vics, "--case", caseDir)).ExitCode);
        var reimported = await CliRunner.RunAsync("banks", "import", vics, "--name", "round-trip", "--case", caseDir, "--json");
        Assert.Equal(0, reimported.ExitCode);
        using (var doc = JsonDocument.Parse(reimported.Out))
        {
            // Every media file but the known-good decoys, which triage filters out.
            Assert.Equal(mediaFiles - decoyFiles, doc.RootElement.GetProperty("entries").GetInt32());
            Assert.Equal("VICS 2.0 US #Media", doc.RootElement.GetProperty("version").GetString());
        }

        Assert.DoesNotContain(".mp4", File.ReadAllText(vics), StringComparison.Ordinal);
        Assert.Contains("\"Category\": 1", File.ReadAllText(vics), StringComparison.Ordinal);

        Assert.Equal(0, (await CliRunner.RunAsync("audit", "verify", "--case", caseDir)).ExitCode);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
