using System.Globalization;
using System.Security.Cryptography;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Chain.Store;
using Harrier.Matching.Index;
using Harrier.Media.Hashing;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Files written by an earlier version must still be read (issue 22). <c>tests/data/fixtures/v6/</c> was written once
/// by <c>tests/data/fixtures/make-fixtures.sh</c> at schema version 6: a case folder (SQLite case.db, audit log and
/// head, evidence rows, two banks, media facts, triage results, a chain store of 600 real blocks, tags) and a Hamming
/// index file. The fixture is copied before it is opened, since opening may migrate it. When a format changes, these
/// tests must keep passing through a migration or a reader of the old version; never regenerate the fixture to make
/// them pass (add a new versioned folder beside it).
/// </summary>
public sealed class FixtureCompatibilityTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-fixture-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Fixture(params string[] parts) => TestPaths.InRepo(["tests", "data", "fixtures", "v6", .. parts]);

    private async Task<CaseStore> OpenCopyAsync()
    {
        var copy = Path.Combine(_root, "case");
        foreach (var file in Directory.GetFiles(Fixture("case"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Fixture("case"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return await CaseStore.OpenAsync(copy, null, TimeProvider.System, CancellationToken.None);
    }

    [Fact]
    public async Task A_schema_6_case_opens_and_reads_with_an_intact_audit_chain()
    {
        var store = await OpenCopyAsync();
        var ct = CancellationToken.None;

        var summary = await store.SummaryAsync(ct);
        Assert.Equal("fixture case", summary.Name);
        Assert.Equal(4, summary.Files);
        var fresh = await CaseStore.CreateAsync(Path.Combine(_root, "fresh"), "fresh", null, "test", TimeProvider.System, ct);
        Assert.Equal((await fresh.SummaryAsync(ct)).SchemaVersion, summary.SchemaVersion); // migrated to this build's schema

        var audit = await store.Audit.VerifyAsync(ct);
        Assert.True(audit.Ok, audit.Problem);
        Assert.True(audit.Entries >= 10, $"{audit.Entries} entries"); // the fixture's ten, plus any a migration records
        Assert.Equal("case.init", (await store.Audit.ReadAsync(null, ct))[0].Action);

        // Evidence rows: the digests of the photos as they are in data/photos, computed here.
        var files = (await store.Evidence.ListAsync("EX-1", ct)).ToDictionary(f => f.RelPath, StringComparer.Ordinal);
        Assert.Equal(["a-copy.jpg", "a.jpg", "b.jpg", "notes.txt"], files.Keys.Order(StringComparer.Ordinal));
        var daisy = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(TestPaths.Photos("flowers-ccby/daisy/100080576_f52e8ee070_n.jpg"))));
        Assert.Equal(daisy, files["a.jpg"].Sha256);
        Assert.Equal(daisy, files["a-copy.jpg"].Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("not media\n"u8)), files["notes.txt"].Sha256);

        var banks = await new BankStore(store).ListAsync(ct);
        Assert.Equal(["known-csv", "known-pdq"], banks.Select(b => b.Name).Order(StringComparer.Ordinal));

        // Media facts (the versioned media_facts encoding): kinds and b.jpg's PDQ hash as stored in 2026-12.
        var facts = await new MediaFactsStore(store).LoadAsync(ct);
        Assert.Equal(4, facts.Count);
        var b = facts[files["b.jpg"].Id];
        Assert.Equal("image", b.Kind);
        Assert.Equal("92d5527f22126bdbb953557e4ea525754debc6541fa8221ae06e611c96bb0aa3", b.Pdq!.Value.Original.ToString());
        Assert.Equal("other", facts[files["notes.txt"].Id].Kind);

        // Triage results: a.jpg and its copy by SHA-256, b.jpg by PDQ, the text file not media.
        var triage = (await new TriageStore(store).LoadAsync(ct)).ToDictionary(r => r.RelPath, StringComparer.Ordinal);
        Assert.Equal(("known", "sha256"), (triage["a.jpg"].Status, triage["a.jpg"].Method));
        Assert.Equal(("known", "sha256"), (triage["a-copy.jpg"].Status, triage["a-copy.jpg"].Method));
        Assert.Equal("known", triage["b.jpg"].Status);
        Assert.Equal("known-pdq", triage["b.jpg"].Bank);
        Assert.Equal("not-media", triage["notes.txt"].Status);
    }

    [Fact]
    public void A_format_2_chain_store_opens_with_its_blocks_and_transactions()
    {
        using var chain = ChainStore.Open(Fixture("case", "chain"));
        Assert.Equal(600, chain.BlockCount); // NBitcoin's blk00000.dat and blk00001.dat: mainnet heights 0-599
        Assert.Equal(616, chain.TxCount);
        Assert.Equal("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f", chain.BlockHash[0].ToString()); // genesis
        Assert.Equal("0000000042844571bc6bce8e1c0fbec99466971eaff89fef8c0d123582181d4d", chain.BlockHash[^1].ToString());
        var firstPayment = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"; // block 170
        var found = false;
        foreach (var h in chain.TxHash)
        {
            found |= h.ToString() == firstPayment;
        }

        Assert.True(found, "the first non-coinbase transaction is not in the store");
    }

    [Fact]
    public void A_2026_index_file_opens_and_finds_exactly_what_brute_force_and_the_recorded_search_find()
    {
        const int Radius = 48;
        var stored = File.ReadAllLines(Fixture("index-hashes.txt")).Select(l => l.Split('\t'))
            .Select(p => (Hash: Hash256.Parse(p[0]), Id: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        var queries = File.ReadAllLines(Fixture("index-queries.txt")).Select(l => Hash256.Parse(l)).ToArray();

        using var index = HammingIndex.Open(Fixture("index.hidx"));
        Assert.Equal(stored.Count, index.Count);
        var found = index.Search(queries, Radius).Select(m => (m.QueryIndex, m.Id, m.Distance)).Order().ToList();

        var brute = new List<(int, long, int)>();
        for (var q = 0; q < queries.Length; q++)
        {
            foreach (var (hash, id) in stored)
            {
                var d = queries[q].DistanceTo(hash);
                if (d <= Radius)
                {
                    brute.Add((q, id, d));
                }
            }
        }

        Assert.NotEmpty(brute);
        Assert.Equal(brute.Order().ToList(), found);
        var recorded = File.ReadAllLines(Fixture("index-search.expected.tsv")).Select(l => l.Split('\t'))
            .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture) - 1, long.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture)))
            .Order().ToList();
        Assert.Equal(recorded, found);
    }
}
