using Harrier.Testing;

namespace Harrier.Fuzz.Tests;

/// <summary>
/// Replays every seed (<c>fuzz/corpus/TARGET</c>) and every crash the fuzzer found (<c>fuzz/regressions/TARGET</c>)
/// through the same target function AFL++ runs (<see cref="FuzzTargets.Run"/>), in-process: each input must end in a
/// result or in the parser's documented bad-input exception, so the targets cannot rot and a crash once fixed stays fixed.
/// </summary>
public sealed class FuzzReplayTests
{
    private static readonly string[] Kinds = ["corpus", "regressions"];

    /// <summary>(kind, target, file name) for every input file in the repository.</summary>
    public static TheoryData<string, string, string> Inputs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kind in Kinds)
        {
            var root = Path.Combine(TestPaths.RepoRoot, "fuzz", kind);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            {
                foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                {
                    data.Add(kind, Path.GetFileName(dir), Path.GetFileName(file));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_seed_and_saved_crash_ends_in_a_result_or_a_documented_bad_input_error(string kind, string target, string file)
    {
        Assert.True(FuzzTargets.Exists(target), $"fuzz/{kind}/{target} names no fuzz target (one of {string.Join(", ", FuzzTargets.Names)})");
        var input = File.ReadAllBytes(TestPaths.InRepo("fuzz", kind, target, file));
        var scratch = Directory.CreateTempSubdirectory("harrier-fuzz-test-").FullName;
        try
        {
            var outcome = FuzzTargets.Run(target, input, scratch);
            Assert.False(outcome.StartsWith("skipped", StringComparison.Ordinal), $"{kind}/{target}/{file}: {outcome}");
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void Every_target_has_seeds_and_at_least_one_seed_the_parser_accepts()
    {
        foreach (var target in FuzzTargets.Names)
        {
            var dir = TestPaths.InRepo("fuzz", "corpus", target);
            var files = Directory.GetFiles(dir);
            Assert.True(files.Length >= 2, $"fuzz/corpus/{target}: {files.Length} seeds; give the fuzzer a few valid and edge-case inputs");
            var scratch = Directory.CreateTempSubdirectory("harrier-fuzz-test-").FullName;
            try
            {
                var outcomes = files.Select(f => FuzzTargets.Run(target, File.ReadAllBytes(f), scratch)).ToList();
                Assert.Contains(outcomes, o => !o.StartsWith("rejected", StringComparison.Ordinal));
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
    }
}
