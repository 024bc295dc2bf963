using System.Text.Json.Serialization;
using Harrier.Cases;
using Harrier.Chain;
using Harrier.Chain.Attribution;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;

namespace Harrier.Operations.Chain;

/// <summary>
/// Shows an address (outputs, balance, cluster with its evidence, tags), a transaction (inputs, outputs, CoinJoin,
/// change candidates) or a block; audited as <c>chain.show</c>. It uses the saved clusters
/// (<see cref="ChainWorkspace.LoadSavedClusters"/>); without them it computes multi-input clusters for this view only
/// and saves nothing, since a view must not change what a later trace rests on.
/// </summary>
public sealed class ShowChain(CaseStore store)
{
    /// <summary>Finds <see cref="ShowChainRequest.Id"/> and builds its view.</summary>
    public async Task<ShowChainResult> RunAsync(ShowChainRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = request.Id.Trim();
        var workspace = new ChainWorkspace(store);
        using var chain = workspace.OpenChain();
        using var clusters = ChainWorkspace.LoadSavedClusters(chain) ?? ClusterSet.Build(chain);
        var index = new AttributionIndex(chain, clusters, workspace.LoadTags());
        ShowChainResult result;
        if (Hash32.TryParse(id, out var hash) && chain.TryFindTx(hash, out var tx))
        {
            result = new ShowChainResult("tx", null, ChainTxView.Of(chain, clusters, index, tx), null);
        }
        else if (Hash32.TryParse(id, out hash) && chain.TryFindBlock(hash, out var block))
        {
            result = new ShowChainResult("block", null, null, ChainBlockView.Of(chain, block));
        }
        else if (chain.TryFindAddress(id, out var address))
        {
            result = new ShowChainResult("address", ChainAddressView.Of(chain, clusters, index, address), null, null);
        }
        else
        {
            throw new OperationException($"{id} is not an address, txid or block hash in this chain");
        }

        await store.RecordAsync(context.Intent("chain.show", request.Justification), $"{result.Kind} {id}", cancellationToken);
        return result;
    }
}

/// <summary>What to show: an address, a txid or a block hash.</summary>
public sealed record ShowChainRequest(string Id, string? Justification = null);

/// <summary>The view found: exactly one of <see cref="Address"/>, <see cref="Transaction"/> and <see cref="Block"/>, as <see cref="Kind"/> says.</summary>
public sealed record ShowChainResult(string Kind, ChainAddressView? Address, ChainTxView? Transaction, ChainBlockView? Block)
{
    /// <summary>The one view that is set.</summary>
    [JsonIgnore]
    public object View => (object?)Address ?? (object?)Transaction ?? Block!;
}

/// <summary>An address: what it received and holds, its outputs, its cluster with the evidence for it, and its tags.</summary>
public sealed record ChainAddressView(
    string Kind,
    string Address,
    string Type,
    long ReceivedSats,
    long BalanceSats,
    IReadOnlyList<ChainAddressOutput> Outputs,
    ChainClusterView Cluster,
    IReadOnlyList<ChainTagView> Tags)
{
    internal static ChainAddressView Of(ChainStore chain, ClusterSet clusters, AttributionIndex index, int address)
    {
        var outs = chain.OutputsOf(address);
        long received = 0, unspent = 0;
        foreach (var o in outs)
        {
            received += chain.OutValue[o];
            if (chain.OutSpentBy[o] < 0)
            {
                unspent += chain.OutValue[o];
            }
        }

        var cluster = clusters.ClusterOf[address];
        return new ChainAddressView(
            "address",
            chain.AddressText(address),
            chain.KindOf(address).ToString(),
            received,
            unspent,
            [.. outs.Select(o => new ChainAddressOutput(
                chain.TxHash[chain.OutTx[o]].ToString(),
                chain.VoutOf(o),
                chain.OutValue[o],
                chain.TimeOfTx(chain.OutTx[o]),
                chain.OutSpentBy[o] >= 0 ? chain.TxHash[chain.InTx[chain.OutSpentBy[o]]].ToString() : null))],
            new ChainClusterView(
                cluster,
                clusters.Members(cluster).Length,
                [.. clusters.Explain(address).Take(100).Select(u => new ChainUnionView(
                    chain.AddressText(u.AddressA), chain.AddressText(u.AddressB), chain.TxHash[u.Tx].ToString(), u.Rule.ToString()))]),
            ChainTagView.For(index, address));
    }
}

/// <summary>One output paid to an address.</summary>
public sealed record ChainAddressOutput(string Txid, int Vout, long ValueSats, DateTimeOffset TimeUtc, string? SpentIn);

/// <summary>An address's cluster: id, size, and up to 100 unions that put the address in it (addresses, txid, rule).</summary>
public sealed record ChainClusterView(int Id, int Size, IReadOnlyList<ChainUnionView> Evidence);

/// <summary>One union of two addresses: the transaction and the rule that linked them.</summary>
public sealed record ChainUnionView(string A, string B, string Txid, string Rule);

/// <summary>A tag on an address, with its actor's jurisdictions and legal name when the actor is known.</summary>
public sealed record ChainTagView(
    string? Actor,
    string? Label,
    string? Category,
    string? Confidence,
    string? Source,
    string Pack,
    bool IsClusterDefiner,
    bool IsPublic,
    IReadOnlyList<string> Jurisdictions,
    string? LegalName)
{
    internal static IReadOnlyList<ChainTagView> For(AttributionIndex index, int address) =>
        [.. index.TagsFor(address).Select(t => new ChainTagView(t.Actor, t.Label, t.Category, t.Confidence, t.Source, t.Pack, t.IsClusterDefiner,
            t.IsPublic, index.ActorOf(t)?.Jurisdictions ?? [], index.ActorOf(t)?.LegalName))];
}

/// <summary>A transaction: block, time, fee, CoinJoin kind, inputs, outputs (with tags) and each change heuristic's candidates.</summary>
public sealed record ChainTxView(
    string Kind,
    string Txid,
    string Block,
    int Height,
    DateTimeOffset TimeUtc,
    bool Coinbase,
    long? FeeSats,
    string CoinJoin,
    IReadOnlyList<ChainTxInput> Inputs,
    IReadOnlyList<ChainTxOutput> Outputs,
    IReadOnlyDictionary<string, int[]> ChangeCandidates)
{
    internal static ChainTxView Of(ChainStore chain, ClusterSet clusters, AttributionIndex index, int tx)
    {
        var inputs = new List<ChainTxInput>();
        for (var i = chain.TxInStart[tx]; i < chain.TxInStart[tx + 1]; i++)
        {
            var o = chain.InSpent[i];
            inputs.Add(o < 0
                ? new ChainTxInput(null, -1, null, null)
                : new ChainTxInput(chain.TxHash[chain.OutTx[o]].ToString(), chain.VoutOf(o),
                    chain.OutAddress[o] >= 0 ? chain.AddressText(chain.OutAddress[o]) : null, chain.OutValue[o]));
        }

        var outputs = new List<ChainTxOutput>();
        for (var o = chain.TxOutStart[tx]; o < chain.TxOutStart[tx + 1]; o++)
        {
            var a = chain.OutAddress[o];
            outputs.Add(new ChainTxOutput(
                chain.VoutOf(o),
                a >= 0 ? chain.AddressText(a) : null,
                chain.OutValue[o],
                chain.OutSpentBy[o] >= 0 ? chain.TxHash[chain.InTx[chain.OutSpentBy[o]]].ToString() : null,
                a >= 0 ? ChainTagView.For(index, a) : []));
        }

        var change = ChangeHeuristics.Names.ToDictionary(n => n, n => ChangeHeuristics.Candidates(n, chain, tx).Select(chain.VoutOf).ToArray());
        return new ChainTxView(
            "tx",
            chain.TxHash[tx].ToString(),
            chain.BlockHash[chain.TxBlock[tx]].ToString(),
            chain.HeightOf(chain.TxBlock[tx]),
            chain.TimeOfTx(tx),
            chain.IsCoinbase(tx),
            chain.Fee(tx),
            clusters.CoinJoinOf(tx).ToString(),
            inputs,
            outputs,
            change);
    }
}

/// <summary>One input: the output it spends (null txid, vout −1 for a coinbase input).</summary>
public sealed record ChainTxInput(string? Txid, int Vout, string? Address, long? ValueSats);

/// <summary>One output: address, value, the transaction that spent it, and the address's tags.</summary>
public sealed record ChainTxOutput(int Vout, string? Address, long ValueSats, string? SpentIn, IReadOnlyList<ChainTagView> Tags);

/// <summary>A block: hash, height, previous hash, time and its txids.</summary>
public sealed record ChainBlockView(string Kind, string Hash, int Height, string Previous, DateTimeOffset TimeUtc, int Transactions, IReadOnlyList<string> Txids)
{
    internal static ChainBlockView Of(ChainStore chain, int block) => new(
        "block",
        chain.BlockHash[block].ToString(),
        chain.HeightOf(block),
        block > 0 ? chain.BlockHash[block - 1].ToString() : chain.Manifest.FirstPrev,
        DateTimeOffset.FromUnixTimeSeconds(chain.BlockTime[block]),
        chain.BlockTxStart[block + 1] - chain.BlockTxStart[block],
        [.. Enumerable.Range(chain.BlockTxStart[block], chain.BlockTxStart[block + 1] - chain.BlockTxStart[block]).Select(t => chain.TxHash[t].ToString())]);
}
