using System.Text;
using Harrier.Cases;
using Harrier.Testing;

namespace Harrier.Cli.Tests;

/// <summary>
/// Every command given bad input: a missing file, garbage bytes, a truncated or invalid file of the format it expects,
/// an unknown id, an out-of-range option. Each case checks the exit code (2: refused; 1 only where the contract in
/// ExitCodes.cs says "ran and found unreadable files"), that stderr names the offending file, record or value, and —
/// for commands acting on a case — that the case is unchanged: <c>audit.head</c>, every table's row count (the audit
/// log's included) and the case folder's file names are the same before and after.
/// </summary>
/// <remarks>
/// Arguments are written with placeholders: {case} the case folder, {dir} the scratch folder, {missing} a path that
/// does not exist, {garbage} 3,000 fixed non-text bytes, and the files made in the constructor by name.
/// </remarks>
public sealed class BadInputTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-badinput-").FullName;

    public BadInputTests()
    {
        // Deterministic garbage: starts with 0x1A (no text, JSON, YAML or image signature) and never a line of hex.
        File.WriteAllBytes(P("garbage.bin"), [.. Enumerable.Range(0, 3000).Select(i => (byte)(0x1A + (i * 151 % 229)))]);
        File.WriteAllText(P("truncated.json"), "{\"version\": 1, \"files\": [{\"path\": \"a.jpg\", ");
        File.WriteAllText(P("bad.yaml"), "header: [unclosed\n  - x\n");
        File.WriteAllText(P("bad-hash.csv"), "md5\nnot-a-hash\n0123\n");
        File.WriteAllText(P("good-bank.csv"), "md5\n0123456789abcdef0123456789abcdef\n");
        File.WriteAllText(P("header-only.csv"), "md5,sha1\n");
        File.WriteAllText(P("wrong-columns.csv"), "name,size,hash\nphoto.jpg,1234,n/a\nclip.mp4,99,n/a\n");
        File.WriteAllText(P("hashes.txt"), new string('a', 64) + "\n");
        File.WriteAllText(P("bad-hashes.txt"), new string('a', 64) + "\n" + new string('z', 64) + "\n");
        File.WriteAllText(P("header-only.tmk"), "TMK1 FVEC PDQF");
        File.WriteAllText(P("short.vpdq"), "0,100\n");
        File.WriteAllText(P("one.vpdq"), "0,100," + new string('a', 64) + ",0.000\n");
        // A YAML alias bomb (issue 20.5): nine levels of nine aliases, 387 million nodes once expanded, under 1 KB.
        var bomb = new StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        for (var level = 'b'; level <= 'i'; level++)
        {
            bomb.Append(level).Append(": &").Append(level).Append(" [").AppendJoin(',', Enumerable.Repeat("*" + (char)(level - 1), 9)).Append("]\n");
        }

        File.WriteAllText(P("bomb.yaml"), bomb + "title: bomb\ncontext: {k: *i}\ntags:\n  - address: 1BombAddress\n");
        Directory.CreateDirectory(P("empty"));
        Directory.CreateDirectory(P("empty-blk"));
        File.WriteAllBytes(P("empty-blk", "blk00000.dat"), new byte[4096]); // a preallocated block file: zeros, no record
        Directory.CreateDirectory(P("mixed-blocks"));
        File.Copy(P("garbage.bin"), P("mixed-blocks", "blk00000.dat"));
        File.Copy(TestPaths.Blocks("nbitcoin", "block169482.txt"), P("mixed-blocks", "block169482.txt"));
        Directory.CreateDirectory(P("mixed-packs"));
        File.Copy(P("bomb.yaml"), P("mixed-packs", "bomb.yaml"));
        File.WriteAllText(P("mixed-packs", "good.yaml"), "title: good\ncurrency: BTC\ntags:\n  - address: 1GoodAddress\n    label: good\n");
        Directory.CreateDirectory(P("evidence"));
        File.WriteAllText(P("evidence", "a.txt"), "abc");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string P(params string[] parts) => Path.Combine([_root, .. parts]);

    private string CaseDir => P("case");

    private string Expand(string text) => text
        .Replace("{case}", CaseDir, StringComparison.Ordinal)
        .Replace("{missing}", P("missing"), StringComparison.Ordinal)
        .Replace("{garbage}", P("garbage.bin"), StringComparison.Ordinal)
        .Replace("{dir}", _root, StringComparison.Ordinal);

    private string[] Args(string line) => [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Expand)];

    private static async Task Ok(params string[] args)
    {
        var r = await CliRunner.RunAsync(args);
        Assert.True(r.ExitCode == 0, $"setup `{string.Join(' ', args)}` exited {r.ExitCode}: {r.Err}");
    }

    /// <summary>
    /// A new case; with setup "triaged", one registered exhibit (EX-1, a text file) and triage results; with "chain",
    /// a chain store of one real block.
    /// </summary>
    private async Task NewCaseAsync(string setup = "")
    {
        await Ok("case", "init", CaseDir, "--name", "Op Bad Input");
        if (setup == "triaged")
        {
            await Ok("evidence", "add", P("evidence"), "--exhibit", "EX-1", "--case", CaseDir);
            await Ok("triage", "--case", CaseDir);
        }
        else if (setup == "chain")
        {
            await Ok("chain", "import", TestPaths.Blocks("nbitcoin", "block169482.txt"), "--case", CaseDir);
            Assert.True(Directory.Exists(Path.Combine(CaseDir, "chain")));
        }
    }

    /// <summary>audit.head, the row count of every table and the case folder's file names (not the database's own files).</summary>
    private async Task<string> CaseStateAsync()
    {
        var state = new StringBuilder();
        state.Append("audit.head: ").AppendLine(File.ReadAllText(Path.Combine(CaseDir, CaseFolder.AuditHeadFileName)).Trim());
        var store = await CaseStore.OpenAsync(CaseDir, null, TimeProvider.System, CancellationToken.None);
        await using (var conn = await store.Database.OpenAsync(CancellationToken.None))
        {
            var tables = new List<string>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.Contains("audit_log", tables);
            foreach (var t in tables)
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT COUNT(*) FROM \"{t}\"";
                state.Append(t).Append(": ").AppendLine(Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var f in Directory.EnumerateFileSystemEntries(CaseDir, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(CaseDir, f)).Where(f => !f.StartsWith("case.db", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            state.Append("file: ").AppendLine(f);
        }

        return state.ToString();
    }

    private async Task<CliRunner.Result> RunAsync(string args)
    {
        var r = await CliRunner.RunAsync(Args(args));
        Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);
        return r;
    }

    private void AssertNames(CliRunner.Result r, string names)
    {
        foreach (var name in names.Split('|').Select(Expand))
        {
            Assert.Contains(name, r.Err, StringComparison.Ordinal);
        }
    }

    /// <summary>Commands on a case that refuse the request: exit 2, stderr names the culprit, the case is unchanged.</summary>
    [Theory]
    [InlineData("case init {case} --name Again", "{case}|already holds a case", "")]
    [InlineData("evidence add {missing} --exhibit EX-2 --case {case}", "{missing}", "")]
    [InlineData("evidence add {dir}/empty --exhibit EX-1 --case {case}", "EX-1|was registered from|{dir}/evidence", "triaged")]
    [InlineData("evidence verify --exhibit EX-9 --case {case}", "EX-9", "triaged")]
    [InlineData("evidence list --exhibit EX-9 --case {case}", "EX-9", "triaged")]
    [InlineData("audit show --tail 0 --case {case}", "--tail", "")]
    [InlineData("audit show --tail -3 --case {case}", "--tail|-3", "")]
    [InlineData("banks import {missing} --name b --case {case}", "{missing}", "")]
    [InlineData("banks import {garbage} --name b --case {case}", "{garbage}|no valid entry", "")]
    [InlineData("banks import {dir}/bad-hash.csv --name b --case {case}", "{dir}/bad-hash.csv|line 2", "")]
    [InlineData("banks import {dir}/header-only.csv --name b --case {case}", "{dir}/header-only.csv|no valid entry|no records", "")]
    [InlineData("banks import {dir}/wrong-columns.csv --name b --case {case}", "{dir}/wrong-columns.csv|no valid entry|line 2", "")]
    [InlineData("banks import {dir}/truncated.json --name b --format vics --case {case}", "{dir}/truncated.json", "")]
    [InlineData("banks import {dir}/good-bank.csv --name \t --case {case}", "bank name", "")]
    [InlineData("ingest media --exhibit EX-9 --case {case}", "EX-9", "triaged")]
    [InlineData("ingest media --exhibit EX-1 --thumbnail-blur 0 --case {case}", "--thumbnail-blur", "triaged")]
    [InlineData("ingest media --exhibit EX-1 --jobs 0 --case {case}", "--jobs", "triaged")]
    [InlineData("ingest media --exhibit EX-1 --memory-budget lots --case {case}", "--memory-budget lots|at least 64M", "triaged")]
    [InlineData("ingest media --exhibit EX-1 --memory-budget 1M --case {case}", "--memory-budget 1M|at least 64M", "triaged")]
    [InlineData("eval --truth {missing} --case {case}", "{missing}", "triaged")]
    [InlineData("eval --truth {garbage} --case {case}", "{garbage}", "triaged")]
    [InlineData("eval --truth {dir}/truncated.json --case {case}", "{dir}/truncated.json", "triaged")]
    [InlineData("export vics --out {missing}/sub/vics.json --case {case}", "{missing}/sub/vics.json", "triaged")]
    [InlineData("export vics --out {dir}/vics.json --case {case}", "no triage results", "")]
    [InlineData("report triage --case {case}", "no triage results", "")]
    [InlineData("chain import {missing} --case {case}", "{missing}", "")]
    [InlineData("chain import {dir}/empty --case {case}", "{dir}/empty", "")]
    [InlineData("chain import {garbage} --network moon --case {case}", "moon", "")]
    [InlineData("chain import {garbage} --case {case}", "{garbage}|no block found|nothing imported", "")]
    [InlineData("chain import {garbage} --case {case}", "{garbage}|no block found", "chain")]
    [InlineData("chain import {dir}/empty-blk/blk00000.dat --case {case}", "{dir}/empty-blk/blk00000.dat|no block found|only zero bytes", "")]
    [InlineData("tags import {garbage} --case {case}", "{garbage}|no tag or actor pack could be read", "")]
    [InlineData("tags import {dir}/bad.yaml --case {case}", "{dir}/bad.yaml|not valid YAML", "")]
    [InlineData("tags import {dir}/bomb.yaml --case {case}", "{dir}/bomb.yaml|aliases expand to more than", "")]
    [InlineData("chain cluster --change bogus --case {case}", "bogus", "")]
    [InlineData("chain cluster --exclude-tx nothex --case {case}", "nothex", "")]
    [InlineData("chain cluster --deposits {missing} --case {case}", "{missing}", "")]
    [InlineData("chain trace --deposits {missing} --case {case}", "{missing}", "")]
    [InlineData("chain trace --deposits {dir}/hashes.txt --max-hops -1 --case {case}", "--max-hops|-1", "")]
    [InlineData("chain trace --deposits {dir}/hashes.txt --dust -5 --case {case}", "--dust|-5", "")]
    [InlineData("chain trace --deposits {dir}/hashes.txt --case {case}", "{dir}/hashes.txt|no deposit address|line 1", "chain")]
    [InlineData("chain cluster --deposits {dir}/hashes.txt --case {case}", "{dir}/hashes.txt|no deposit address", "chain")]
    [InlineData("chain show 00ff --case {case}", "no chain store", "")]
    [InlineData("chain show 00ff --case {case}", "00ff|not an address, txid or block hash", "chain")]
    [InlineData("chain show abababababababababababababababababababababababababababababababab --case {case}", "abababababababababababababababababababababababababababababababab", "chain")]
    [InlineData("chain requests --out {dir}/requests --case {case}", "no trace", "")]
    [InlineData("tags import {missing} --case {case}", "{missing}", "")]
    [InlineData("platform import --from {missing} --case {case}", "{missing}|sqlite:FILE", "")]
    [InlineData("platform import --from sqlite:{missing} --case {case}", "{missing}", "")]
    [InlineData("platform import --from sqlite:{garbage} --case {case}", "not a database", "")]
    [InlineData("platform import --from sqlite:{garbage} --mapping {dir}/bad.yaml --case {case}", "{dir}/bad.yaml", "")]
    [InlineData("platform deposits --out {dir}/deposits.txt --case {case}", "no platform import", "")]
    [InlineData("platform deposits --out {dir}/deposits.txt --import 42 --case {case}", "42", "")]
    [InlineData("returns import {missing} --case {case}", "{missing}", "")]
    [InlineData("returns import {dir}/empty --case {case}", "{dir}/empty", "")]
    [InlineData("returns import {garbage} --case {case}", "{garbage}", "")]
    [InlineData("returns import {garbage} --kind bogus --case {case}", "bogus", "")]
    [InlineData("persons resolve --case {case}", "no platform import", "")]
    [InlineData("persons resolve --wait -1 --case {case}", "--wait|-1", "")]
    [InlineData("persons resolve --import 42 --case {case}", "42", "")]
    [InlineData("persons resolve --prior-records {missing} --case {case}", "{missing}", "")]
    [InlineData("persons resolve --exit-list tor={missing} --case {case}", "{missing}", "")]
    [InlineData("persons list --case {case}", "no persons", "")]
    [InlineData("persons list --limit 0 --case {case}", "--limit", "")]
    [InlineData("persons list --country Germany --case {case}", "--country|Germany", "")]
    [InlineData("persons show 1 --case {case}", "no persons", "")]
    [InlineData("persons show --case {case}", "person number", "")]
    [InlineData("persons show 1 --account 10 --case {case}", "person number", "")]
    [InlineData("users add de1 --role reader --case {case}", "--country", "")]
    [InlineData("users add de1 --role reader --country Germany --case {case}", "Germany|ISO 3166-1", "")]
    [InlineData("users add boss --role coordinator --country DE --case {case}", "--country|readers only", "")]
    [InlineData("users add Bad/Name --role analyst --case {case}", "Bad/Name", "")]
    [InlineData("users add x --role admin --case {case}", "admin", "")]
    [InlineData("users token nobody --case {case}", "nobody", "")]
    [InlineData("users reset nobody --case {case}", "nobody", "")]
    [InlineData("users remove nobody --case {case}", "nobody", "")]
    [InlineData("serve --bind not-an-address --port 0 --case {case}", "--bind|not-an-address", "")]
    [InlineData("serve --port 70000 --case {case}", "--port|70000", "")]
    public async Task Case_command_refuses_bad_input_names_it_and_leaves_the_case_unchanged(string args, string names, string setup)
    {
        await NewCaseAsync(setup);
        var before = await CaseStateAsync();

        var r = await RunAsync(args);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.Err}");
        AssertNames(r, names);
        Assert.Equal(before, await CaseStateAsync());
    }

    /// <summary>Any case command pointed at a folder without a case: exit 2 naming the folder, and no case is created there.</summary>
    [Theory]
    [InlineData("case info")]
    [InlineData("evidence list")]
    [InlineData("audit verify")]
    [InlineData("banks list")]
    [InlineData("triage")]
    [InlineData("report triage")]
    [InlineData("chain stats")]
    [InlineData("chain show 00ff")]
    [InlineData("returns list")]
    [InlineData("persons list")]
    [InlineData("persons show 1")]
    public async Task Case_command_without_a_case_exits_2_naming_the_folder(string command)
    {
        var r = await RunAsync(command + " --case {missing}");

        Assert.Equal(2, r.ExitCode);
        AssertNames(r, "{missing}");
        Assert.False(Directory.Exists(P("missing")));
    }

    /// <summary>
    /// Imports of a folder where some files do not parse: the import runs, reports each unreadable file and exits 1 (the
    /// contract's "some files unreadable, the others done"), importing the rest. (A file or folder with nothing valid at
    /// all is exit 2 and leaves the case unchanged: the refusals above, among them a returns import whose every file is rejected.)
    /// </summary>
    [Theory]
    [InlineData("chain import {dir}/mixed-blocks --case {case}", "{dir}/mixed-blocks/blk00000.dat", "1 added")]
    [InlineData("tags import {dir}/mixed-packs --case {case}", "{dir}/mixed-packs/bomb.yaml|aliases expand to more than", "1 tags and 0 actors")]
    public async Task Import_of_an_unreadable_file_exits_1_naming_it_and_adds_nothing(string args, string names, string nothingAdded)
    {
        await NewCaseAsync();

        var r = await RunAsync(args);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}, stderr: {r.Err}");
        AssertNames(r, names);
        Assert.Contains(nothingAdded, r.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// A deposit list with one record that is not a Bitcoin address among valid ones (a mainnet base58 and a bech32
    /// address, checksums valid): the record is left out and named with its line, the rest is traced, exit 1. (Every
    /// record invalid is exit 2 with nothing written: the refusals above.)
    /// </summary>
    [Theory]
    [InlineData("chain trace")]
    [InlineData("chain cluster")]
    public async Task A_deposit_list_with_an_invalid_address_names_its_line_uses_the_rest_and_exits_1(string command)
    {
        await NewCaseAsync("chain");
        File.WriteAllText(P("mixed-deposits.txt"), "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2,user 1\nnot-an-address,user 2\nbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq,user 3\n");

        var r = await RunAsync(command + " --deposits {dir}/mixed-deposits.txt --case {case}");

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}, stderr: {r.Err}");
        Assert.Contains($"{P("mixed-deposits.txt")} line 2: left out: not-an-address: not a Bitcoin address", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1", r.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("line 3", r.Err, StringComparison.Ordinal);
        if (command == "chain trace")
        {
            Assert.Contains("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 (user 1): not in the chain", r.Out, StringComparison.Ordinal);
            Assert.Contains("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (user 3): not in the chain", r.Out, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A VICS bank with some records of the wrong kind (issue 20.5: they were kept without their MD5 or category and the
    /// import said "0 records skipped"): the import keeps what is valid, exits 1, and prints each record skipped and each
    /// field left out with the file, the record and the field; --json lists the same.
    /// </summary>
    [Fact]
    public async Task Bank_import_names_the_file_record_and_field_of_every_record_skipped_or_kept_without_a_field()
    {
        await NewCaseAsync();
        var vics = P("partly-bad.json");
        File.WriteAllText(vics, """
            {"@odata.context": "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media", "value": [
              {"MediaID": 1, "MD5": 12345, "SHA1": "0123456789abcdef0123456789abcdef01234567", "Category": 1},
              {"MediaID": 2, "MD5": "0123456789abcdef0123456789abcdef", "Category": [1, 2]},
              {"MediaID": 3, "MD5": 12345}
            ]}
            """);

        var r = await RunAsync("banks import {dir}/partly-bad.json --name v --case {case}");

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}, stderr: {r.Err}");
        Assert.Contains("bank v: 2 entries (VICS 2.0 US #Media), 1 records skipped, 2 fields left out of kept records", r.Out, StringComparison.Ordinal);
        Assert.Contains($"skipped: {vics}: value[3]: skipped: no valid MD5, SHA-1 or SHA-256 (MD5: 12345 (a JSON number) is not 32 hex digits)", r.Out, StringComparison.Ordinal);
        Assert.Contains($"left out: {vics}: value[1]: kept without MD5: 12345 (a JSON number) is not 32 hex digits", r.Out, StringComparison.Ordinal);
        Assert.Contains($"left out: {vics}: value[2]: kept without Category: [1,2] (a JSON array) is not a category code", r.Out, StringComparison.Ordinal);

        var json = await RunAsync("banks import {dir}/partly-bad.json --name v2 --json --case {case}");
        Assert.Equal(1, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(["value[3]: skipped: no valid MD5, SHA-1 or SHA-256 (MD5: 12345 (a JSON number) is not 32 hex digits)"],
            doc.RootElement.GetProperty("warnings").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, doc.RootElement.GetProperty("degraded").GetArrayLength());
    }

    /// <summary>Commands without a case refusing a request: exit 2, naming the culprit.</summary>
    [Theory]
    [InlineData("platform mapping", "--default")]
    [InlineData("platform mapping {missing}", "{missing}")]
    [InlineData("platform mapping {garbage}", "{garbage}")]
    [InlineData("platform mapping {dir}/bad.yaml", "{dir}/bad.yaml")]
    [InlineData("platform mapping {dir}/bomb.yaml", "{dir}/bomb.yaml|aliases expand to more than")]
    [InlineData("hash pdq {dir}/hashes.txt --jobs 0", "--jobs")]
    [InlineData("compare vpdq {missing} {dir}/short.vpdq", "{missing}")]
    [InlineData("compare vpdq {garbage} {garbage}", "{garbage}")]
    [InlineData("compare vpdq {dir}/short.vpdq {dir}/short.vpdq", "{dir}/short.vpdq|line 1")]
    [InlineData("compare vpdq {dir}/short.vpdq {dir}/short.vpdq --distance -1", "--distance")]
    [InlineData("compare vpdq {dir}/short.vpdq {dir}/short.vpdq --quality 101", "--quality")]
    [InlineData("compare vpdq {dir}/one.vpdq {dir}/one.vpdq --query-percent 150", "--query-percent|150")]
    [InlineData("compare vpdq {dir}/one.vpdq {dir}/one.vpdq --compared-percent -1", "--compared-percent|-1")]
    [InlineData("hash pdq {dir}/hashes.txt --max-pixels 0", "--max-pixels")]
    [InlineData("hash pdq {dir}/hashes.txt --reframe 5", "--reframe")]
    [InlineData("scenario generate --out {dir}/sc --photos {missing}", "--photos|{missing}")]
    [InlineData("demo --out {dir}/dm --photos {missing}", "--photos|{missing}")]
    [InlineData("compare tmk {missing} {dir}/header-only.tmk", "{missing}")]
    [InlineData("compare tmk {garbage} {garbage}", "{garbage}")]
    [InlineData("compare tmk {dir}/header-only.tmk {dir}/header-only.tmk", "{dir}/header-only.tmk")]
    [InlineData("index build --out {dir}/x.hidx {missing}", "{missing}")]
    [InlineData("index search {missing} {dir}/hashes.txt --radius 3", "{missing}")]
    [InlineData("index search {missing} {dir}/hashes.txt --radius 300", "--radius|300")]
    [InlineData("scenario generate --out {dir}/sc --preset bogus", "bogus")]
    [InlineData("scenario generate --out {dir}/sc --users -5", "--users|-5")]
    [InlineData("scenario generate --out {dir}/sc --items 0", "--items|0")]
    [InlineData("scenario generate --out {dir}/evidence", "{dir}/evidence|not empty")]
    [InlineData("demo --out {dir}/dm --preset bogus", "bogus")]
    [InlineData("demo --out {dir}/evidence", "{dir}/evidence|not a previous demo")]
    public async Task Command_refuses_bad_input_with_exit_2_naming_it(string args, string names)
    {
        var r = await RunAsync(args);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.Err}");
        AssertNames(r, names);
        Assert.False(File.Exists(P("x.hidx")));
        Assert.False(Directory.Exists(P("sc")) && Directory.EnumerateFileSystemEntries(P("sc")).Any());
        Assert.False(Directory.Exists(P("dm")));
    }

    /// <summary>
    /// Batch commands over files (hash, index) whose input holds nothing valid (a missing or unreadable file, a malformed
    /// hash-list line, which stops the build): exit 2, the contract's "nothing valid at all", naming the file (and the
    /// line for hash lists); no index or TMK file is left behind. Exit 1 (some inputs unreadable, the rest done) is
    /// tested below with a good image beside the garbage.
    /// </summary>
    [Theory]
    [InlineData("hash pdq {missing}", "{missing}")]
    [InlineData("hash pdq {garbage}", "{garbage}|not a recognised image")]
    [InlineData("hash vpdq {missing}", "{missing}")]
    [InlineData("hash tmk {missing} -o {dir}/x.tmk", "{missing}")]
    [InlineData("index build --out {dir}/x.hidx {garbage}", "{garbage}:1")]
    [InlineData("index build --out {dir}/x.hidx {dir}/bad-hashes.txt", "{dir}/bad-hashes.txt:2")]
    [InlineData("index search {garbage} {dir}/hashes.txt --radius 3", "{garbage}")]
    public async Task File_command_with_nothing_valid_exits_2_naming_the_file(string args, string names)
    {
        var r = await RunAsync(args);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}, stderr: {r.Err}");
        AssertNames(r, names);
        Assert.False(File.Exists(P("x.hidx")));
        Assert.False(File.Exists(P("x.tmk")));
    }

    /// <summary>Hashing a garbage file beside a good image: the image is hashed, the garbage named, exit 1.</summary>
    [Fact]
    public async Task Hash_of_garbage_beside_a_good_image_exits_1_naming_the_garbage_and_hashes_the_image()
    {
        var image = TestPaths.Vectors("pdq", "images", "misc-images", "wee.jpg");

        var r = await RunAsync("hash pdq {garbage} " + image);

        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}, stderr: {r.Err}");
        AssertNames(r, "{garbage}|not a recognised image");
        Assert.EndsWith("\t" + image, r.Out.Trim(), StringComparison.Ordinal);
    }

    /// <summary>An index file cut short and a query file with a bad line: exit 2 naming the file (and the line), nothing searched.</summary>
    [Fact]
    public async Task Index_search_reports_a_truncated_index_and_a_bad_query_line()
    {
        var index = P("good.hidx");
        await Ok("index", "build", "--out", index, P("hashes.txt"));
        await File.WriteAllBytesAsync(P("truncated.hidx"), (await File.ReadAllBytesAsync(index))[..100]);

        var truncated = await RunAsync("index search {dir}/truncated.hidx {dir}/hashes.txt --radius 3");
        Assert.Equal(2, truncated.ExitCode);
        AssertNames(truncated, "{dir}/truncated.hidx");

        var badQuery = await RunAsync("index search {dir}/good.hidx {dir}/bad-hashes.txt --radius 3");
        Assert.Equal(2, badQuery.ExitCode);
        AssertNames(badQuery, "{dir}/bad-hashes.txt:2");
    }
}
