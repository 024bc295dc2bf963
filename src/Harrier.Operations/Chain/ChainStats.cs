using Harrier.Cases;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;

namespace Harrier.Operations.Chain;

/// <summary>
/// The chain store's counts, two timed passes over every input and output, and a timed clustering run that is not
/// saved. Not audited: counts and timings only, no case content.
/// </summary>
public sealed class ChainStats(CaseStore store)
{
    /// <summary>Measures the case's chain.</summary>
    public ChainStatsResult Run()
    {
        using var chain = new ChainWorkspace(store).OpenChain();
        var first = ChainScan.Run(chain);
        var second = ChainScan.Run(chain);
        using var clusters = ClusterSet.Build(chain);
        return new ChainStatsResult(chain.Manifest, first, second, second.VisitsPerSecond, clusters.Stats);
    }
}

/// <summary>The store's manifest, the first (cold) and second (warm) pass, and the clustering run's counts and time.</summary>
public sealed record ChainStatsResult(ChainManifest Store, ChainScanResult FirstPass, ChainScanResult SecondPass, double SecondPassVisitsPerSecond,
    ClusterStats Clustering);
