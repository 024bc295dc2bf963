using System.Text.Json;
using Harrier.Media.Hashing;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary><c>harrier index build</c> and <c>harrier index search</c>, in-process.</summary>
public sealed class IndexCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-index-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Hashlist(string name) => TestPaths.Vectors("pdq", "hashlists", name);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HarrierApp.RunAsync(args, new CliHost(stdout, stderr, TimeProvider.System) { Interactive = false });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private string File(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("scan")]
    [InlineData("multiIndex16")]
    [InlineData("multiIndex32")]
    [InlineData("join")]
    public async Task Needles_against_haystack_print_the_expected_matches(string strategy)
    {
        // The haystack without ids: ids are 0-based line numbers, so the expected 1-based haystack line is id + 1.
        var idx = Path.Combine(_dir, "hay.hidx");
        var build = await Run("index", "build", "--out", idx, Hashlist("haystack.txt"));
        Assert.Equal(0, build.Code);

        var search = await Run("index", "search", idx, "--radius", "31", "--strategy", strategy, Hashlist("needles.txt"));
        Assert.Equal(0, search.Code);
        Assert.Equal("", search.Err);
        var expected = System.IO.File.ReadLines(Hashlist("expected-matches-needles-vs-haystack-d31.tsv")).Skip(1)
            .Where(l => l.Length > 0).Select(l => l.Split('\t'))
            .Select(f => $"{f[0]}\t{long.Parse(f[2]) - 1}\t{f[4]}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, Lines(search.Out).Order(StringComparer.Ordinal));
        Assert.Equal(250, Lines(search.Out).Length);
    }

    [Fact]
    public async Task Explicit_ids_json_output_and_line_numbers_skip_nothing()
    {
        var a = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
        var far = Hash256.Parse("0000000000000000000000000000000000000000000000000000000000000000");
        var list = File("list.tsv", [$"{a}\t-9000000000000000000", $"{far}\t12"]);
        var idx = Path.Combine(_dir, "ids.hidx");
        Assert.Equal(0, (await Run("index", "build", "--out", idx, list)).Code);

        // Line 2 is empty and line 3 is a `hash pdq` line: hash, quality, path.
        var queries = File("q.txt", [far.ToString(), "", $"{a}\t100\t/some/photo.jpg"]);
        var text = await Run("index", "search", idx, "--radius", "0", queries);
        Assert.Equal(["1\t12\t0", "3\t-9000000000000000000\t0"], Lines(text.Out));

        var json = await Run("index", "search", "--json", idx, "--radius", "0", queries);
        Assert.Equal(0, json.Code);
        using var doc = JsonDocument.Parse(json.Out);
        var matches = doc.RootElement.GetProperty("matches");
        Assert.Equal(2, matches.GetArrayLength());
        Assert.Equal(3, matches[1].GetProperty("queryLine").GetInt32());
        Assert.Equal(-9000000000000000000, matches[1].GetProperty("id").GetInt64());
        Assert.Equal(2, doc.RootElement.GetProperty("queries").GetInt32());
    }

    [Fact]
    public async Task Json_names_the_strategy_and_the_multi_index_part_count_the_search_used()
    {
        // 30,000 hashes: above the size where the index builds (and saves) the planner's tables.
        var rng = new Random(23);
        var hashes = Enumerable.Range(0, 30_000).Select(_ => new Hash256((ulong)rng.NextInt64(), (ulong)rng.NextInt64(),
            (ulong)rng.NextInt64(), (ulong)rng.NextInt64())).ToArray();
        var idx = Path.Combine(_dir, "big.hidx");
        Assert.Equal(0, (await Run("index", "build", "--out", idx, File("big.txt", hashes.Select(h => h.ToString())))).Code);
        var queries = File("bq.txt", [hashes[17].ToString(), hashes[29_999].ToString()]);

        foreach (var (strategy, parts) in new[] { ("multiIndex16", 16), ("multiIndex32", 8) })
        {
            using var doc = JsonDocument.Parse((await Run("index", "search", "--json", idx, "--radius", "31", "--strategy", strategy, queries)).Out);
            Assert.Equal(parts, doc.RootElement.GetProperty("multiIndexParts").GetInt32());
            Assert.Equal(2, doc.RootElement.GetProperty("matches").GetArrayLength());
        }

        // Two lookups against the saved tables: the planner's part count, from the tables the file holds.
        using var auto = JsonDocument.Parse((await Run("index", "search", "--json", idx, "--radius", "31", queries)).Out);
        Assert.Equal("multi_index", auto.RootElement.GetProperty("strategy").GetString());
        Assert.InRange(auto.RootElement.GetProperty("multiIndexParts").GetInt32(), 8, 16);

        using var scan = JsonDocument.Parse((await Run("index", "search", "--json", idx, "--radius", "31", "--strategy", "scan", queries)).Out);
        Assert.Equal(JsonValueKind.Null, scan.RootElement.GetProperty("multiIndexParts").ValueKind);
    }

    [Fact]
    public async Task Dihedral_queries_report_the_best_variant_by_name()
    {
        // Rows of the dihedral vectors: eight hashes per image in reference order.
        var rows = System.IO.File.ReadLines(TestPaths.Vectors("pdq", "expected-full-resolution-dihedral.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(f => f.Length >= 13 && Hash256.TryParse(f[5], out _)).ToList();
        var bridge = rows.Single(f => f[0].EndsWith("bridge-1-original.jpg", StringComparison.Ordinal));

        // Index the stored rotate90 hash of the bridge: the query's variant 1 must hit it at distance 0.
        var idx = Path.Combine(_dir, "dih.hidx");
        Assert.Equal(0, (await Run("index", "build", "--out", idx, File("bank.tsv", [$"{bridge[6]}\t7"]))).Code);
        var queries = File("dq.txt", [$"{string.Join(',', bridge[5..13])}\t100\tbridge.jpg"]);

        var result = await Run("index", "search", idx, "--radius", "31", "--dihedral", queries);
        Assert.Equal(0, result.Code);
        Assert.Equal(["1\t7\t0\trotate90"], Lines(result.Out));

        var plain = await Run("index", "search", idx, "--radius", "31", queries);
        Assert.Equal(2, plain.Code); // a malformed query line: nothing searched (the exit contract's "nothing valid")
        Assert.Contains("dq.txt:1", plain.Err);
    }

    [Fact]
    public async Task A_bad_line_names_file_and_line_and_writes_no_index()
    {
        var good = Hash256.Zero.ToString();
        var list = File("bad.tsv", [good, good, "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22"]);
        var idx = Path.Combine(_dir, "bad.hidx");
        var r = await Run("index", "build", "--out", idx, list);
        Assert.Equal(2, r.Code); // nothing built: exit 2 (1 is "some inputs unreadable, the rest done")
        Assert.Contains($"{list}:3: not a hash", r.Err);
        Assert.False(System.IO.File.Exists(idx));

        var badId = File("badid.tsv", [$"{good}\tx7"]);
        r = await Run("index", "build", "--out", idx, badId);
        Assert.Equal(2, r.Code);
        Assert.Contains($"{badId}:1: not an id: x7", r.Err);
    }

    [Fact]
    public async Task Missing_files_and_bad_radius_are_usage_errors()
    {
        var missing = Path.Combine(_dir, "nope.txt");
        Assert.Equal(2, (await Run("index", "build", "--out", Path.Combine(_dir, "x.hidx"), missing)).Code);
        var idx = Path.Combine(_dir, "one.hidx");
        Assert.Equal(0, (await Run("index", "build", "--out", idx, File("one.txt", [Hash256.Zero.ToString()]))).Code);
        Assert.Equal(2, (await Run("index", "search", idx, "--radius", "31", missing)).Code);
        Assert.Equal(2, (await Run("index", "search", missing, "--radius", "31", File("q1.txt", [Hash256.Zero.ToString()]))).Code);
        Assert.Equal(2, (await Run("index", "search", idx, "--radius", "300", File("q2.txt", [Hash256.Zero.ToString()]))).Code);
    }

    [Fact]
    public async Task A_damaged_index_is_reported_and_fails()
    {
        var idx = Path.Combine(_dir, "dmg.hidx");
        Assert.Equal(0, (await Run("index", "build", "--out", idx, Hashlist("haystack.txt"))).Code);
        var bytes = System.IO.File.ReadAllBytes(idx);
        bytes[4096 + 1234] ^= 0x01;
        System.IO.File.WriteAllBytes(idx, bytes);

        var r = await Run("index", "search", idx, "--radius", "31", Hashlist("needles.txt"));
        Assert.Equal(2, r.Code); // nothing searched
        Assert.Contains("checksum", r.Err);
        Assert.Equal("", r.Out);
    }
}
