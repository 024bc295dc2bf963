namespace Harrier.Chain.Store;

/// <summary>The store's <c>manifest.json</c>: format version, network, tip and counts.</summary>
public sealed record ChainManifest
{
    /// <summary>
    /// The current store format (bump when a column changes meaning). 3: columns appended in place (a column may hold
    /// more elements than the manifest names), hash indexes as sorted runs, the address → outputs index as first/next
    /// links instead of a CSR rebuilt on every import. 4: input and output ids are 64-bit (mainnet has more than 2^31 of
    /// each), so the link columns (<c>tx.instart</c>, <c>tx.outstart</c>, <c>in.spent</c>, <c>out.spentby</c>,
    /// <c>out.addrnext</c>, <c>addr.firstout</c>, <c>addr.lastout</c>) hold longs; formats 2 and 3 are read, not appended to.
    /// </summary>
    public const int CurrentFormat = 4;

    /// <summary>Store format version.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>Network short name (main, testnet, regtest, signet, testnet4).</summary>
    public required string Network { get; init; }

    /// <summary>Height of the first stored block (0 from genesis; BIP34 height otherwise; null when unknown).</summary>
    public int? BaseHeight { get; init; }

    /// <summary>Previous hash of the first stored block (zeros for genesis).</summary>
    public required string FirstPrev { get; init; }

    /// <summary>Hash of the last stored block.</summary>
    public required string Tip { get; init; }

    /// <summary>Stored blocks.</summary>
    public int Blocks { get; init; }

    /// <summary>Stored transactions.</summary>
    public int Transactions { get; init; }

    /// <summary>Stored inputs.</summary>
    public long Inputs { get; init; }

    /// <summary>Stored outputs.</summary>
    public long Outputs { get; init; }

    /// <summary>Distinct addresses.</summary>
    public int Addresses { get; init; }

    /// <summary>Inputs whose previous output is not stored (a chain imported from a later height).</summary>
    public long UnresolvedInputs { get; init; }

    /// <summary>How many imports built this store.</summary>
    public int Imports { get; init; }

    /// <summary>The sorted runs of the txid → tx index, oldest first (files in the store folder).</summary>
    public IReadOnlyList<string> TxIndexRuns { get; init; } = [];

    /// <summary>The sorted runs of the script → address index, oldest first.</summary>
    public IReadOnlyList<string> AddressIndexRuns { get; init; } = [];
}
