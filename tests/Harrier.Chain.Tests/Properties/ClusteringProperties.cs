using CsCheck;
using Harrier.Chain.Clustering;

namespace Harrier.Chain.Tests.Properties;

/// <summary>
/// Invariants of address clustering on the synthetic tracing chain, for generated options (any subset of the change
/// heuristics, with or without the known payees, a random set of excluded transactions): every recorded union joins
/// two addresses of one cluster and comes from no excluded transaction; the clusters are exactly the components of the
/// recorded unions (each cluster explains itself); clusters = addresses − unions.
/// On failure CsCheck shrinks the case and its exception message prints the seed; replay by passing it as
/// <c>seed: "…"</c> to <c>Sample</c> (or setting the <c>CsCheck_Seed</c> environment variable).
/// </summary>
public sealed class ClusteringProperties(ScenarioFixture f) : IClassFixture<ScenarioFixture>
{
    /// <summary>Each iteration clusters the whole (small) scenario chain once.</summary>
    private const int Iterations = 40;

    [Fact]
    public void Clusters_are_the_components_of_their_recorded_unions()
    {
        var store = f.Store;
        var gen = Gen.Select(
            Gen.Bool.Array[ChangeHeuristics.Names.Count],
            Gen.Bool,
            Gen.Int[0, store.TxCount - 1].Array[0, 8],
            (heuristics, payees, excluded) => new ClusterOptions
            {
                ChangeHeuristics = [.. ChangeHeuristics.Names.Where((_, i) => heuristics[i])],
                KnownPayees = payees ? f.Deposits : [],
                ExcludedTxs = [.. excluded.Distinct().Select(t => store.TxHash[t])],
            });
        gen.Sample(options =>
        {
            var clusters = ClusterSet.Build(store, options);
            var excluded = options.ExcludedTxs.Select(h => store.TryFindTx(h, out var t) ? t : -1).ToHashSet();
            var model = new UnionFind(store.AddressCount);
            foreach (var u in clusters.Unions)
            {
                Assert.Equal(clusters.ClusterOf[u.AddressA], clusters.ClusterOf[u.AddressB]);
                Assert.DoesNotContain(u.Tx, excluded);
                Assert.True(model.Union(u.AddressA, u.AddressB), $"union {u} joined addresses already together");
            }

            for (var a = 0; a < store.AddressCount; a++)
            {
                for (var b = a + 1; b < store.AddressCount; b++)
                {
                    Assert.Equal(model.Find(a) == model.Find(b), clusters.ClusterOf[a] == clusters.ClusterOf[b]);
                }
            }

            Assert.Equal(store.AddressCount, clusters.Stats.Addresses);
            Assert.Equal(clusters.Unions.Count, clusters.Stats.Unions);
            Assert.Equal(store.AddressCount - clusters.Unions.Count, clusters.Stats.Clusters);
            Assert.Equal(clusters.Stats.Clusters, clusters.ClusterOf.Distinct().Count());
        }, iter: Iterations, threads: 1,
        print: o => $"heuristics [{string.Join(",", o.ChangeHeuristics)}], {o.KnownPayees.Count} payees, excluded [{string.Join(",", o.ExcludedTxs)}]");
    }
}
