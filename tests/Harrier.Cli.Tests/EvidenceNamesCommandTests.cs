using System.Text;
using System.Text.Json;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary>
/// Names as a seized disk has them, through the commands (issue 20.2): not UTF-8, NFC beside NFD, a newline, an RTL
/// override. Each is its own file, hashed, verified, ingested; every output shows it escaped, so no name can add a line to
/// a listing or a report or turn the text around it; <c>--json</c> carries the bytes (base64) where the shown name is escaped.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EvidenceNamesCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-names-test-").FullName;

    public void Dispose() => RawNames.DeleteTree(_root);

    private static void NothingRaw(string output)
    {
        // The names' own characters never reach the output raw: no RTL override, no U+FFFD of a lossy decoding, and no
        // line break but the ones the command writes.
        Assert.DoesNotContain('\u202E', output);
        Assert.DoesNotContain('\uFFFD', output);
        Assert.DoesNotContain("two\nlines", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_name_is_registered_hashed_verified_ingested_and_shown_escaped_and_a_change_names_its_file()
    {
        var evidence = Directory.CreateDirectory(Path.Combine(_root, "evidence")).FullName;
        foreach (var (name, i) in RawNames.All.Select((n, i) => (n.Name, i)))
        {
            RawNames.Write(evidence, name, Encoding.ASCII.GetBytes($"content {i}"));
        }

        byte[] picture = [.. "daisy"u8, 0xFF, .. ".jpg"u8];
        RawNames.Write(evidence, picture, File.ReadAllBytes(TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg")));
        var caseDir = Path.Combine(_root, "case");
        string[] at = ["--case", caseDir, "--progress", "None"];
        Assert.Equal(0, (await CliRunner.RunAsync("case", "init", caseDir, "--name", "names")).ExitCode);

        var add = await CliRunner.RunAsync(["evidence", "add", evidence, "--exhibit", "EX-1", "--json", .. at]);
        Assert.Equal(0, add.ExitCode);
        using (var doc = JsonDocument.Parse(add.Out))
        {
            Assert.Equal(8, doc.RootElement.GetProperty("registered").GetInt32());
            Assert.Empty(doc.RootElement.GetProperty("unreadable").EnumerateArray());
        }

        var list = await CliRunner.RunAsync(["evidence", "list", .. at]);
        Assert.Equal(0, list.ExitCode);
        NothingRaw(list.Out);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        foreach (var (_, shown) in RawNames.All)
        {
            Assert.Single(lines, l => l.StartsWith($"EX-1\t{shown}\t", StringComparison.Ordinal) && l.Split('\t').Length == 6);
        }

        var json = await CliRunner.RunAsync(["evidence", "list", "--json", .. at]);
        NothingRaw(json.Out);
        using (var doc = JsonDocument.Parse(json.Out))
        {
            var rows = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("relPath").GetString()!);
            foreach (var (name, shown) in RawNames.All)
            {
                Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes($"content {Array.FindIndex(RawNames.All, n => n.Shown == shown)}"))),
                    rows[shown].GetProperty("sha256").GetString());
                // The bytes to reopen the file where the shown name is escaped; none where it is the name itself.
                Assert.Equal(shown.Contains('\\', StringComparison.Ordinal), rows[shown].TryGetProperty("relPathBase64", out var b64));
                if (shown.Contains('\\', StringComparison.Ordinal))
                {
                    Assert.Equal(name, Convert.FromBase64String(b64.GetString()!));
                }
            }
        }

        var verified = await CliRunner.RunAsync(["evidence", "verify", .. at]);
        Assert.Equal(0, verified.ExitCode);
        Assert.StartsWith("8 checked: 8 unchanged, 0 changed", verified.Out, StringComparison.Ordinal);

        var ingest = await CliRunner.RunAsync(["ingest", "media", "--exhibit", "EX-1", "--json", .. at]);
        Assert.Equal(0, ingest.ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(["triage", .. at])).ExitCode);
        var report = await CliRunner.RunAsync(["report", "triage", "--json", .. at]);
        Assert.Equal(0, report.ExitCode);
        NothingRaw(report.Out);
        NothingRaw(await File.ReadAllTextAsync(Path.Combine(caseDir, "triage-report.html")));
        using (var doc = JsonDocument.Parse(report.Out))
        {
            var daisy = doc.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("relPath").GetString() == @"daisy\xFF.jpg");
            Assert.Equal("image", daisy.GetProperty("kind").GetString());
        }

        // One file's bytes change: verify names exactly that file, escaped, and exits 1.
        RawNames.Write(evidence, RawNames.BadFE, "altered"u8.ToArray());
        var changed = await CliRunner.RunAsync(["evidence", "verify", .. at]);
        Assert.Equal(1, changed.ExitCode);
        NothingRaw(changed.Out);
        Assert.StartsWith("8 checked: 7 unchanged, 1 changed, 0 missing, 0 added, 0 unreadable", changed.Out, StringComparison.Ordinal);
        Assert.Single(changed.Out.Split('\n'), l => l.StartsWith(@"  changed: EX-1:bad\xFE.png: size ", StringComparison.Ordinal));

        var audit = await CliRunner.RunAsync(["audit", "show", .. at]);
        NothingRaw(audit.Out);
        Assert.Equal(0, (await CliRunner.RunAsync(["audit", "verify", .. at])).ExitCode);
    }
}
