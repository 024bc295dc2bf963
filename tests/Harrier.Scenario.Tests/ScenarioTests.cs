using Harrier.Testing;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Harrier.Media.Hashing;
using Harrier.Scenario.Truth;
using Microsoft.Data.Sqlite;
using NBitcoin;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Harrier.Scenario.Tests;

public sealed class ScenarioTests(TinyScenarioFixture fixture) : IClassFixture<TinyScenarioFixture>
{
    private JsonElement Truth => fixture.Truth.RootElement;

    private static Dictionary<string, string> TreeDigest(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public async Task Same_seed_gives_byte_identical_output_and_another_seed_another_world()
    {
        var again = Path.Combine(fixture.Root, "b");
        await ScenarioGenerator.GenerateAsync(TinyScenarioFixture.Options(again, 7), null, CancellationToken.None);
        var first = TreeDigest(fixture.Dir);
        var second = TreeDigest(again);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        foreach (var (path, digest) in first)
        {
            Assert.True(digest == second[path], $"{path} differs between two runs with the same seed");
        }

        var other = Path.Combine(fixture.Root, "c");
        await ScenarioGenerator.GenerateAsync(TinyScenarioFixture.Options(other, 8), null, CancellationToken.None);
        Assert.NotEqual(first["truth.json"], TreeDigest(other)["truth.json"]);
        Assert.NotEqual(first["platform/platform.sql"], TreeDigest(other)["platform/platform.sql"]);
    }

    [Fact]
    public void Every_media_file_in_truth_exists_and_every_media_file_is_in_truth()
    {
        var inTruth = Truth.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToHashSet();
        var onDisk = Directory.EnumerateFiles(Path.Combine(fixture.Dir, "media"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(fixture.Dir, f).Replace('\\', '/')).ToHashSet();
        Assert.Equal(inTruth.Order(), onDisk.Order());
        var videos = Truth.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("kind").GetString() == "video");
        Assert.True(videos >= 6 * 3, $"tiny has at least 6 videos in three renditions; got {videos} files");
    }

    [Fact]
    public void Renditions_are_real_videos_of_the_intended_heights()
    {
        foreach (var file in Truth.GetProperty("files").EnumerateArray().Where(f => f.GetProperty("kind").GetString() == "video").Take(6))
        {
            var path = Path.Combine(fixture.Dir, file.GetProperty("path").GetString()!);
            var psi = new ProcessStartInfo("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=height,codec_name", "-of", "csv=p=0", path])
            {
                RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            Assert.Equal(0, p.ExitCode);
            var expected = file.GetProperty("rendition").GetString() switch { "low" => "mpeg4,90", "medium" => "h264,144", _ => "h264,180" };
            Assert.Equal(expected, output);
        }
    }

    [Fact]
    public void The_platform_sqlite_loads_and_agrees_with_truth()
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(fixture.Dir, "platform", "platform.sqlite")};Mode=ReadOnly");
        conn.Open();
        long Count(string table)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM " + table;
            return (long)cmd.ExecuteScalar()!;
        }

        Assert.Equal(ScenarioPreset.Tiny.Users, Count("users"));
        Assert.Equal(Truth.GetProperty("payments").GetArrayLength(), Count("payments"));
        Assert.Equal(fixture.Summary.Uploads, Count("videos"));
        Assert.True(Count("logins") >= ScenarioPreset.Tiny.Users);
        Assert.True(Count("token_ledger") > 0);
    }

    [Fact]
    public async Task The_postgres_dump_loads_with_psql()
    {
        var admin = TestPostgres.AdminConnection;

        var b = new NpgsqlConnectionStringBuilder(admin);
        var db = "scenario_" + Guid.NewGuid().ToString("N");
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {db}", conn).ExecuteNonQueryAsync();
        }

        var psi = new ProcessStartInfo("psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", b.Host!, "-p", b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", b.Username!, "-d", db,
             "-f", Path.Combine(fixture.Dir, "platform", "platform.sql")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using (var p = Process.Start(psi)!)
        {
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, err);
        }

        await using var check = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Database = db }.ConnectionString);
        await check.OpenAsync();
        Assert.Equal((long)ScenarioPreset.Tiny.Users, (long)(await new NpgsqlCommand("SELECT COUNT(*) FROM users", check).ExecuteScalarAsync())!);
        Assert.Equal((long)Truth.GetProperty("payments").GetArrayLength(), (long)(await new NpgsqlCommand("SELECT COUNT(*) FROM payments", check).ExecuteScalarAsync())!);
    }

    [Fact]
    public void Every_block_parses_with_valid_merkle_root_pow_and_links_and_every_true_payment_is_on_chain()
    {
        var net = Network.RegTest;
        var bytes = File.ReadAllBytes(Path.Combine(fixture.Dir, "chain", "blk00000.dat"));
        var prev = net.GetGenesis().GetHash();
        var outputs = new Dictionary<(string, int), (string Address, long Sats)>();
        var offset = 0;
        var blocks = 0;
        while (offset < bytes.Length)
        {
            Assert.Equal(net.Magic, BitConverter.ToUInt32(bytes, offset));
            var size = BitConverter.ToInt32(bytes, offset + 4);
            var block = Block.Load(bytes.AsSpan(offset + 8, size).ToArray(), net);
            Assert.True(block.CheckMerkleRoot(), $"block {blocks} merkle root");
            Assert.True(block.Header.CheckProofOfWork(), $"block {blocks} proof of work");
            Assert.Equal(prev, block.Header.HashPrevBlock);
            prev = block.GetHash();
            foreach (var tx in block.Transactions)
            {
                for (var i = 0; i < tx.Outputs.Count; i++)
                {
                    outputs[(tx.GetHash().ToString(), i)] = (tx.Outputs[i].ScriptPubKey.GetDestinationAddress(net)!.ToString(), tx.Outputs[i].Value.Satoshi);
                }
            }

            offset += 8 + size;
            blocks++;
        }

        Assert.Equal(fixture.Summary.Blocks, blocks);
        using var conn = new SqliteConnection($"Data Source={Path.Combine(fixture.Dir, "platform", "platform.sqlite")};Mode=ReadOnly");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT txid, vout, deposit_address, satoshis FROM payments";
        using var reader = cmd.ExecuteReader();
        var checkedPayments = 0;
        while (reader.Read())
        {
            var output = outputs[(reader.GetString(0), reader.GetInt32(1))];
            Assert.Equal(reader.GetString(2), output.Address);
            Assert.Equal(reader.GetInt64(3), output.Sats);
            checkedPayments++;
        }

        Assert.True(checkedPayments > 0);
        var decoys = Truth.GetProperty("decoyTransactions").EnumerateArray().ToDictionary(d => d.GetProperty("kind").GetString()!, d => d.GetProperty("txid").GetString()!);
        Assert.Equal(["coinjoin-joinmarket", "coinjoin-wasabi", "coinjoin-whirlpool", "payjoin"], decoys.Keys.Order());
        var whirlpool = outputs.Where(o => o.Key.Item1 == decoys["coinjoin-whirlpool"]).Select(o => o.Value.Sats).ToList();
        Assert.Equal(5, whirlpool.Count);
        Assert.All(whirlpool, v => Assert.Equal(5_000_000, v));
        foreach (var change in Truth.GetProperty("changeOutputs").EnumerateArray())
        {
            Assert.True(outputs.ContainsKey((change.GetProperty("txid").GetString()!, change.GetProperty("vout").GetInt32())));
        }
    }

    [Fact]
    public void Every_spend_on_the_chain_is_signed_and_spends_an_unspent_output()
    {
        var blocks = ChainFiles.Read(Path.Combine(fixture.Dir, "chain"));
        Assert.Equal(fixture.Summary.Blocks, blocks.Count);
        Assert.Equal(fixture.Summary.Transactions, blocks.Sum(b => b.Transactions.Count));
        var inputs = ChainFiles.AssertEverySpendIsValid(blocks);
        Assert.True(inputs >= Truth.GetProperty("payments").GetArrayLength(), $"{inputs} inputs checked");
    }

    [Fact]
    public void Hash_sets_parse_and_exact_entries_match_media_files()
    {
        var dir = Path.Combine(fixture.Dir, "hashsets");
        using var vics2 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "earlier-case.vics2.json")));
        Assert.StartsWith("http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/", vics2.RootElement.GetProperty("@odata.context").GetString());
        using var vics13 = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "earlier-case.vics13.json")));
        Assert.Equal(JsonValueKind.String, vics13.RootElement.GetProperty("value")[0].GetProperty("MediaSize").ValueKind);
        Assert.StartsWith("MD5;SHA1;PhotoDNA;Image ID;", File.ReadLines(Path.Combine(dir, "icse-export.csv")).First());
        foreach (var line in File.ReadLines(Path.Combine(dir, "images.pdq.txt")))
        {
            Assert.True(Hash256.TryParse(line.Split('\t')[0], out _), line);
        }

        var mediaMd5 = Directory.EnumerateFiles(Path.Combine(fixture.Dir, "media"), "*", SearchOption.AllDirectories)
            .Select(f => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(f)))).ToHashSet();
        var exact = Truth.GetProperty("bank").EnumerateArray().Where(b => b.GetProperty("exactInMedia").GetBoolean()).ToList();
        Assert.NotEmpty(exact);
        foreach (var b in exact)
        {
            Assert.Contains(b.GetProperty("md5").GetString()!, mediaMd5);
        }

        var vpdqFiles = 0;
        foreach (var b in Truth.GetProperty("bank").EnumerateArray().Where(b => b.GetProperty("vpdq").ValueKind == JsonValueKind.String))
        {
            var features = Harrier.Media.Vpdq.VpdqFormats.ReadFile(Path.Combine(dir, b.GetProperty("vpdq").GetString()!));
            Assert.NotEmpty(features);
            vpdqFiles++;
        }

        Assert.True(vpdqFiles > 0);
        Assert.Equal(vpdqFiles, File.ReadAllLines(Path.Combine(dir, "videos.vpdq.tsv")).Length);
        foreach (var b in Truth.GetProperty("bank").EnumerateArray().Where(b => !b.GetProperty("exactInMedia").GetBoolean()))
        {
            Assert.DoesNotContain(b.GetProperty("md5").GetString()!, mediaMd5);
        }
    }

    [Fact]
    public void Tag_packs_name_real_exchange_addresses_and_the_actor_pack_gives_jurisdictions()
    {
        var owners = Truth.GetProperty("addressOwners").EnumerateArray()
            .ToDictionary(o => o.GetProperty("address").GetString()!, o => o.GetProperty("owner").GetString()!);
        var tagged = 0;
        foreach (var pack in Directory.EnumerateFiles(Path.Combine(fixture.Dir, "tags"), "scenario-*.yaml"))
        {
            var actor = File.ReadLines(pack).Single(l => l.StartsWith("actor: ", StringComparison.Ordinal))[7..];
            foreach (var line in File.ReadLines(pack).Where(l => l.StartsWith("- address: ", StringComparison.Ordinal)))
            {
                Assert.Equal("exchange:" + actor, owners[line[11..]]);
                tagged++;
            }
        }

        Assert.True(tagged > 0);
        Assert.Contains("jurisdictions:\n  - SE", File.ReadAllText(Path.Combine(fixture.Dir, "tags", "scenario.actorpack.yaml")));
    }

    [Fact]
    public void Tag_packs_parse_as_yaml_with_the_graphsense_fields()
    {
        static YamlMappingNode Load(string path)
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            Assert.Single(stream.Documents);
            return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
        }

        static string Scalar(YamlMappingNode node, string key) =>
            Assert.IsType<YamlScalarNode>(node.Children[new YamlScalarNode(key)]).Value!;

        var owners = Truth.GetProperty("addressOwners").EnumerateArray()
            .ToDictionary(o => o.GetProperty("address").GetString()!, o => o.GetProperty("owner").GetString()!);
        var packs = Directory.EnumerateFiles(Path.Combine(fixture.Dir, "tags"), "scenario-*.yaml").ToList();
        Assert.Equal(ChainBuilder.Exchanges.Length, packs.Count);
        var tagged = 0;
        foreach (var pack in packs)
        {
            var root = Load(pack);
            var actor = Scalar(root, "actor");
            Assert.Equal("exchange", Scalar(root, "category"));
            Assert.False(string.IsNullOrEmpty(Scalar(root, "title")));
            var tags = Assert.IsType<YamlSequenceNode>(root.Children[new YamlScalarNode("tags")]);
            foreach (var tag in tags.Children.Cast<YamlMappingNode>())
            {
                Assert.Equal("BTC", Scalar(tag, "currency"));
                Assert.Equal("exchange:" + actor, owners[Scalar(tag, "address")]);
                tagged++;
            }
        }

        Assert.True(tagged > 0);
        var actors = Assert.IsType<YamlSequenceNode>(Load(Path.Combine(fixture.Dir, "tags", "scenario.actorpack.yaml")).Children[new YamlScalarNode("actors")]);
        var jurisdictions = actors.Children.Cast<YamlMappingNode>().ToDictionary(
            a => Scalar(a, "id"),
            a => Assert.IsType<YamlSequenceNode>(a.Children[new YamlScalarNode("jurisdictions")]).Children.Cast<YamlScalarNode>().Select(j => j.Value).ToList());
        Assert.Equal(ChainBuilder.Exchanges.ToDictionary(e => e.Id, e => new List<string?> { e.Country }), jurisdictions);

        // The real public packs copied as noise are YAML too.
        foreach (var pack in Directory.EnumerateFiles(Path.Combine(fixture.Dir, "tags"), "public-*.yaml"))
        {
            Assert.True(Load(pack).Children.ContainsKey(new YamlScalarNode("tags")), pack);
        }
    }

    [Fact]
    public void Login_addresses_geolocate_to_the_persons_country()
    {
        // A missing database fails here, saying where it comes from, rather than passing without checking anything.
        var mmdb = TinyScenarioFixture.GeoIp ?? throw new InvalidOperationException(
            "the IP-to-country database is missing: ./test.sh fetches it from the npm registry into .cache/geoip (or set HARRIER_GEOIP to an .mmdb)");

        using var geo = new GeoIpRanges(mmdb);
        var countryOfAccount = new Dictionary<long, string>();
        foreach (var person in Truth.GetProperty("persons").EnumerateArray())
        {
            foreach (var account in person.GetProperty("accounts").EnumerateArray())
            {
                countryOfAccount[account.GetInt64()] = person.GetProperty("country").GetString()!;
            }
        }

        using var conn = new SqliteConnection($"Data Source={Path.Combine(fixture.Dir, "platform", "platform.sqlite")};Mode=ReadOnly");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT user_id, ip FROM logins";
        using var reader = cmd.ExecuteReader();
        int located = 0, anonymised = 0;
        while (reader.Read())
        {
            var ip = reader.GetString(1);
            if (ip.StartsWith("10.250.", StringComparison.Ordinal))
            {
                anonymised++; // a shared VPN/Tor exit: no country by design
                continue;
            }

            Assert.Equal(countryOfAccount[reader.GetInt64(0)], geo.Lookup(ip));
            located++;
        }

        Assert.True(located > ScenarioPreset.Tiny.Users / 2, $"{located} located, {anonymised} anonymised");
        Assert.DoesNotContain("synthetic", Truth.GetProperty("ipSource").GetString());
    }

    [Fact]
    public void Truth_appears_in_no_input_file()
    {
        // The person ids and roles exist only in truth.json; the platform database knows accounts, not persons.
        var sql = File.ReadAllText(Path.Combine(fixture.Dir, "platform", "platform.sql"));
        Assert.DoesNotContain("Producer", sql);
        Assert.DoesNotContain("person", sql, StringComparison.OrdinalIgnoreCase);
        Assert.True(Truth.GetProperty("targetsByCountry").EnumerateObject().Any());
    }

    [Fact]
    public async Task Truth_json_reads_into_the_model_and_writes_back_byte_for_byte()
    {
        var path = Path.Combine(fixture.Dir, "truth.json");
        var truth = await TruthJson.ReadAsync(path, CancellationToken.None);
        Assert.Equal(TruthJson.Schema, truth.Schema);
        Assert.NotEmpty(truth.Files!);
        Assert.NotEmpty(truth.Payments!);
        using var again = new MemoryStream();
        await TruthJson.WriteAsync(again, truth, CancellationToken.None);
        Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(again.ToArray()), "truth.json written from its model differs from the generated file");
    }

    [Fact]
    public void Bank_files_read_back_to_the_truths_bank()
    {
        var dir = Path.Combine(fixture.Dir, "hashsets");
        var bank = Truth.GetProperty("bank").EnumerateArray().Select(b => b.GetProperty("md5").GetString()!).ToHashSet();
        var csv = Harrier.Matching.Banks.BankReader.Read(Path.Combine(dir, "hashes.csv"));
        Assert.Empty(csv.Warnings);
        Assert.Equal(bank, csv.Entries.Select(e => e.Md5!).ToHashSet());
        var icse = Harrier.Matching.Banks.BankReader.Read(Path.Combine(dir, "icse-export.csv"));
        Assert.Equal(Harrier.Matching.Banks.BankFormat.Icse, icse.Format);
        Assert.All(icse.Entries, e => Assert.Contains(e.Md5!, bank));
        var nsrl = Harrier.Matching.Banks.BankReader.Read(Path.Combine(dir, "NSRLFile.txt"));
        Assert.Equal(Harrier.Matching.Banks.BankFormat.Nsrl, nsrl.Format);
        Assert.All(nsrl.Entries, e => Assert.True(e.KnownGood));
        Assert.Equal(Truth.GetProperty("files").EnumerateArray().Count(f => f.GetProperty("kind").GetString() == "decoy"), nsrl.Entries.Count);
    }
}
