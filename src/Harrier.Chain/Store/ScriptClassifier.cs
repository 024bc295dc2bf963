using NBitcoin;

namespace Harrier.Chain.Store;

/// <summary>Maps an output script to the address key the store indexes, and spots inputs that spend multisig scripts.</summary>
public static class ScriptClassifier
{
    /// <summary>
    /// The address text and kind of <paramref name="script"/>: base58/bech32 for standard templates, a bare public key
    /// as its P2PKH address (the GraphSense join convention), <c>multisig:HEX</c> for bare multisig,
    /// <c>script:HEX</c> for anything else, and null for OP_RETURN and empty scripts (no address).
    /// </summary>
    public static (string? Text, AddressKind Kind) Classify(Script script, Network network)
    {
        ArgumentNullException.ThrowIfNull(script);
        var bytes = script.ToBytes(@unsafe: true);
        if (bytes.Length == 0 || bytes[0] == (byte)OpcodeType.OP_RETURN)
        {
            return (null, AddressKind.NonStandard);
        }

        var kind = KindOf(bytes);
        switch (kind)
        {
            case AddressKind.P2PKH or AddressKind.P2SH or AddressKind.P2WPKH or AddressKind.P2WSH or AddressKind.P2TR or AddressKind.WitnessUnknown:
                var dest = script.GetDestinationAddress(network);
                return dest is null ? ("script:" + Convert.ToHexStringLower(bytes), AddressKind.NonStandard) : (dest.ToString(), kind);
            case AddressKind.P2PK:
                var pubkey = PayToPubkeyTemplate.Instance.ExtractScriptPubKeyParameters(script);
                return pubkey is null
                    ? ("script:" + Convert.ToHexStringLower(bytes), AddressKind.NonStandard)
                    : (pubkey.GetAddress(ScriptPubKeyType.Legacy, network).ToString(), AddressKind.P2PK);
            case AddressKind.Multisig:
                return ("multisig:" + Convert.ToHexStringLower(bytes), AddressKind.Multisig);
            default:
                return ("script:" + Convert.ToHexStringLower(bytes), AddressKind.NonStandard);
        }
    }

    /// <summary>The template of a script by its bytes (cheap pattern checks before any address encoding).</summary>
    public static AddressKind KindOf(ReadOnlySpan<byte> s)
    {
        if (s.Length == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 0x14 && s[23] == 0x88 && s[24] == 0xac)
        {
            return AddressKind.P2PKH;
        }

        if (s.Length == 23 && s[0] == 0xa9 && s[1] == 0x14 && s[22] == 0x87)
        {
            return AddressKind.P2SH;
        }

        if (s.Length == 22 && s[0] == 0x00 && s[1] == 0x14)
        {
            return AddressKind.P2WPKH;
        }

        if (s.Length == 34 && s[0] == 0x00 && s[1] == 0x20)
        {
            return AddressKind.P2WSH;
        }

        if (s.Length == 34 && s[0] == 0x51 && s[1] == 0x20)
        {
            return AddressKind.P2TR;
        }

        if (s.Length >= 4 && s.Length <= 42 && s[0] >= 0x51 && s[0] <= 0x60 && s[1] >= 2 && s[1] <= 40 && s[1] == s.Length - 2)
        {
            return AddressKind.WitnessUnknown;
        }

        if ((s.Length == 35 && s[0] == 33 && s[34] == 0xac) || (s.Length == 67 && s[0] == 65 && s[66] == 0xac))
        {
            return AddressKind.P2PK;
        }

        if (s.Length >= 37 && s[^1] == 0xae && s[0] >= 0x51 && s[0] <= 0x60 && s[^2] >= 0x51 && s[^2] <= 0x60)
        {
            return AddressKind.Multisig;
        }

        return AddressKind.NonStandard;
    }

    /// <summary>True when the input reveals a multisig redeem script (P2SH scriptSig) or witness script (P2WSH).</summary>
    public static bool SpendsMultisig(TxIn input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var witness = input.WitScript;
        if (witness is not null && witness.PushCount >= 3)
        {
            var last = witness.Pushes.Last();
            if (last.Length > 0 && KindOf(last) == AddressKind.Multisig)
            {
                return true;
            }
        }

        var sig = input.ScriptSig;
        if (sig is null || sig.Length == 0)
        {
            return false;
        }

        byte[]? lastPush = null;
        try
        {
            foreach (var op in sig.ToOps())
            {
                if (op.PushData is null)
                {
                    return false;
                }

                lastPush = op.PushData;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        return lastPush is { Length: > 0 } && KindOf(lastPush) == AddressKind.Multisig;
    }
}
