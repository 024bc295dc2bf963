using Harrier.Cases;
using Harrier.Matching.Banks;
using Harrier.Media.Hashing;
using Harrier.Operations;
using Harrier.Operations.Banks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Harrier.Cluster.Tests;

/// <summary>
/// The HMA-compatible lookups on the cluster (issue 18 item 2), on Orleans' in-process TestCluster (two silos) against a
/// real PostgreSQL case: every silo answers exactly what the single-process index answers for the same banks and
/// queries; a bank imported by another process reaches every silo; a signal the web host added is found by its next lookup.
/// </summary>
public sealed class BankLookupTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private TestDatabase _db = null!;
    private string _root = null!;
    private CaseStore _store = null!;
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _root = Directory.CreateTempSubdirectory("harrier-cluster-lookup-").FullName;
        _store = await CaseStore.CreateAsync(Path.Combine(_root, "case"), "cluster lookups", _db.ConnectionString, "tester", TimeProvider.System, CancellationToken.None);
        Configurator.Settings = new SiloSettings
        {
            ConnectionString = _db.ConnectionString,
            CaseDir = _store.CaseDir,
            ClusterId = "unused-in-test-cluster",
            Keys = _store.KeyStore,
            Store = _store,
            Jobs = 1,
            IdlePoll = TimeSpan.FromMilliseconds(200),
            BankPoll = TimeSpan.FromMilliseconds(200),
        };
        await ClusterSchema.EnsureAsync(_db.ConnectionString, CancellationToken.None);
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Configurator>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        await _db.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Every_silo_answers_what_the_single_process_index_answers()
    {
        var random = new Random(1818);
        var a = await ImportAsync("BANK_A", [.. Enumerable.Range(0, 300).Select(_ => RandomHash(random))]);
        // BANK_B holds near copies of a third of BANK_A (and its own): queries match in both banks, at several distances.
        var b = await ImportAsync("BANK_B", [.. a.Where((_, i) => i % 3 == 0).Select(h => Flip(h, 7, random)).Concat(Enumerable.Range(0, 50).Select(_ => RandomHash(random)))]);
        var queries = a.Take(60).Select((h, i) => Flip(h, i % 40, random)).Concat(b.Take(20)).Concat(Enumerable.Range(0, 20).Select(_ => RandomHash(random))).ToList();

        using var local = new PdqLookupIndex(_store, TimeProvider.System);
        var expected = new List<IReadOnlyList<PdqMatch>>();
        foreach (var q in queries)
        {
            expected.Add(await local.LookupAsync(q));
        }

        Assert.Contains(expected, m => m.Select(x => x.Bank).Distinct().Count() == 2); // the test means something: both banks, ...
        Assert.Contains(expected, m => m.Count == 0); // ... misses, ...
        Assert.Contains(expected, m => m.Any(x => x.Distance > 0)); // ... and near matches

        var silos = _cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<IGrainFactory>()).ToList();
        Assert.Equal(2, silos.Count);
        var answeredBy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grains in silos)
        {
            var grain = grains.GetGrain<IPdqLookupGrain>(0);
            answeredBy.Add(await grain.SiloAsync());
            for (var i = 0; i < queries.Count; i++)
            {
                Assert.Equal(expected[i], await grain.LookupAsync(queries[i], 0));
            }
        }

        Assert.Equal(2, answeredBy.Count); // a stateless worker: each silo answered from its own index

        // And through a client, as the web host's serve --cluster calls it.
        var client = new ClusterPdqLookup(_cluster.Client, TimeProvider.System);
        for (var i = 0; i < queries.Count; i++)
        {
            Assert.Equal(expected[i], await client.LookupAsync(queries[i], CancellationToken.None));
        }

        var state = await client.StateAsync(CancellationToken.None);
        Assert.True(state.Loaded);
        Assert.Equal(local.Size, state.Size);
        Assert.Equal(450, state.Size);
    }

    [Fact]
    public async Task A_bank_imported_by_another_process_reaches_every_silo_and_an_added_signal_is_found_at_once()
    {
        var random = new Random(77);
        await ImportAsync("OLD", [.. Enumerable.Range(0, 20).Select(_ => RandomHash(random))]);
        var fresh = RandomHash(random);
        var query = Flip(fresh, 5, random);
        var silos = _cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<IGrainFactory>().GetGrain<IPdqLookupGrain>(0)).ToList();
        foreach (var silo in silos)
        {
            Assert.Empty(await silo.LookupAsync(query, 0)); // loads each silo's index: the old banks only
        }

        // `harrier banks import` in another process: no silo is told; each finds the new entries on its next bank poll.
        await ImportAsync("NEW", [fresh]);
        foreach (var silo in silos)
        {
            var matches = await Eventually.WaitAsync(async () => await silo.LookupAsync(query, 0) is { Count: > 0 } m ? m : null,
                Deadline, "the silo answers with the new bank");
            var match = Assert.Single(matches);
            Assert.Equal(("NEW", 5), (match.Bank, match.Distance));
        }

        // A signal added through the web host (committed, then announced to its lookup): its next lookup finds it,
        // whichever silo answers, without waiting for a poll.
        var client = new ClusterPdqLookup(_cluster.Client, TimeProvider.System);
        var added = RandomHash(random);
        var signal = await new CurateBank(_store).AddSignalAsync("NEW", added, new OperationContext("web:analyst", TimeProvider.System), CancellationToken.None);
        await client.AddedAsync(signal, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new[] { new PdqMatch(signal.Id, "NEW", 0) }, await client.LookupAsync(added, CancellationToken.None));
        }
    }

    private async Task<List<Hash256>> ImportAsync(string bank, List<Hash256> hashes)
    {
        var file = Path.Combine(_root, bank + ".pdq");
        await File.WriteAllLinesAsync(file, hashes.Select(h => h + ",100"));
        await new ImportBank(_store).RunAsync(new ImportBankRequest(file, bank, BankFormat.Pdq), new OperationContext("other-process", TimeProvider.System), CancellationToken.None);
        return hashes;
    }

    private static Hash256 RandomHash(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

    /// <summary><paramref name="hash"/> with <paramref name="bits"/> distinct bits flipped.</summary>
    private static Hash256 Flip(Hash256 hash, int bits, Random random)
    {
        var words = new[] { hash.W0, hash.W1, hash.W2, hash.W3 };
        foreach (var bit in Enumerable.Range(0, 256).OrderBy(_ => random.Next()).Take(bits))
        {
            words[bit / 64] ^= 1UL << (bit % 64);
        }

        return new Hash256(words[0], words[1], words[2], words[3]);
    }

    /// <summary>The cluster's services in each test silo (TestCluster makes configurators with their default constructor).</summary>
    public sealed class Configurator : ISiloConfigurator
    {
        internal static SiloSettings Settings { get; set; } = null!;

        public void Configure(ISiloBuilder siloBuilder) => ClusterSilo.Configure(siloBuilder.Services, Settings);
    }
}
