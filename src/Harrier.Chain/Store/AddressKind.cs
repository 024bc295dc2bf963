namespace Harrier.Chain.Store;

/// <summary>The script type an address was first seen with.</summary>
public enum AddressKind : byte
{
    /// <summary>Not a standard template: keyed by the script's hex.</summary>
    NonStandard = 0,

    /// <summary>Pay to public key hash.</summary>
    P2PKH = 1,

    /// <summary>Pay to script hash.</summary>
    P2SH = 2,

    /// <summary>Pay to witness public key hash.</summary>
    P2WPKH = 3,

    /// <summary>Pay to witness script hash.</summary>
    P2WSH = 4,

    /// <summary>Pay to taproot.</summary>
    P2TR = 5,

    /// <summary>Pay to a bare public key; shares its id with the key's P2PKH address.</summary>
    P2PK = 6,

    /// <summary>Bare multisig.</summary>
    Multisig = 7,

    /// <summary>Another witness program version.</summary>
    WitnessUnknown = 8,
}

/// <summary>Per-transaction flags stored in one byte.</summary>
[Flags]
public enum TxTraits : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The block's coinbase.</summary>
    Coinbase = 1,

    /// <summary>Carries witness data.</summary>
    Segwit = 2,

    /// <summary>At least one input spends a multisig script (bare, P2SH or P2WSH).</summary>
    MultisigInput = 4,

    /// <summary>At least one input's previous output is not in the store.</summary>
    UnresolvedInput = 8,
}
