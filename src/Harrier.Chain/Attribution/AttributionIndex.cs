using Harrier.Chain.Clustering;
using Harrier.Chain.Store;

namespace Harrier.Chain.Attribution;

/// <summary>Two or more different services named by cluster-defining tags in one cluster: a likely cluster collapse.</summary>
public sealed record CollapseFlag(int Cluster, IReadOnlyList<string> Actors, IReadOnlyList<string> TaggedAddresses);

/// <summary>
/// Joins tags to the chain: a tag labels its own address; a cluster-defining tag (<c>is_cluster_definer</c>) labels every
/// address of the address's cluster. Only tags of this chain's currency (BTC, or none given) are used.
/// </summary>
public sealed class AttributionIndex
{
    private readonly ChainStore _store;
    private readonly ClusterSet _clusters;
    private readonly Dictionary<int, List<Tag>> _direct = [];
    private readonly Dictionary<int, List<Tag>> _byCluster = [];

    public AttributionIndex(ChainStore store, ClusterSet clusters, TagLibrary library)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(library);
        _store = store;
        _clusters = clusters;
        Library = library;
        foreach (var tag in library.Tags)
        {
            if (tag.Currency is not null && tag.Currency != "BTC")
            {
                continue;
            }

            if (!store.TryFindAddress(tag.Address, out var a))
            {
                continue;
            }

            TagsMatched++;
            (_direct.TryGetValue(a, out var l) ? l : _direct[a] = []).Add(tag);
            if (tag.IsClusterDefiner)
            {
                var c = clusters.ClusterOf[a];
                (_byCluster.TryGetValue(c, out var lc) ? lc : _byCluster[c] = []).Add(tag);
            }
        }

        var flags = new List<CollapseFlag>();
        foreach (var (cluster, tags) in _byCluster)
        {
            var actors = tags.Select(t => t.Who).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            if (actors.Count > 1)
            {
                var addresses = tags.Select(t => t.Address).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                flags.Add(new CollapseFlag(cluster, actors, addresses));
            }
        }

        Collapses = flags.OrderBy(f => f.Cluster).ToList();
    }

    public TagLibrary Library { get; }

    /// <summary>Tags whose address is in the chain.</summary>
    public int TagsMatched { get; }

    /// <summary>Clusters whose defining tags name more than one service.</summary>
    public IReadOnlyList<CollapseFlag> Collapses { get; }

    /// <summary>Tags on the address itself.</summary>
    public IReadOnlyList<Tag> DirectTags(int address) => _direct.GetValueOrDefault(address) ?? [];

    /// <summary>Cluster-defining tags of the address's cluster.</summary>
    public IReadOnlyList<Tag> ClusterTags(int address) => _byCluster.GetValueOrDefault(_clusters.ClusterOf[address]) ?? [];

    /// <summary>The tags that attribute an address: its own, then its cluster's (each once).</summary>
    public IReadOnlyList<Tag> TagsFor(int address)
    {
        var direct = DirectTags(address);
        var cluster = ClusterTags(address);
        return cluster.Count == 0 ? direct : direct.Concat(cluster.Where(t => !direct.Contains(t))).ToList();
    }

    /// <summary>The best tag for an address (direct over cluster, then by confidence), or null.</summary>
    public Tag? Best(int address)
    {
        var tags = TagsFor(address);
        return tags.Count == 0 ? null : tags.OrderBy(t => ConfidenceRank(t.Confidence)).First();
    }

    /// <summary>The actor record of a tag, when the actor pack has it.</summary>
    public Actor? ActorOf(Tag tag) => tag?.Actor is { } id ? Library.Actors.GetValueOrDefault(id) : null;

    /// <summary>True when the tag names an exchange (tag category or actor category).</summary>
    public bool IsExchange(Tag tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return string.Equals(tag.Category, "exchange", StringComparison.OrdinalIgnoreCase)
            || (ActorOf(tag)?.Categories.Contains("exchange", StringComparer.OrdinalIgnoreCase) ?? false);
    }

    /// <summary>
    /// Our ordering of GraphSense confidence values, strongest first (the tagpack-tool's own list was not at hand; unknown
    /// values sort last). Kept as text on every lead, so the order only decides which tag is shown first.
    /// </summary>
    public static int ConfidenceRank(string? confidence) => confidence switch
    {
        "ownership" => 0,
        "authority_data" => 1,
        "service_data" => 2,
        "ledger_immanent" => 3,
        "forensic" => 4,
        "web_crawl" => 5,
        "untrusted_transaction" => 6,
        _ => 7,
    };
}
