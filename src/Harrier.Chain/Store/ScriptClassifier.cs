using NBitcoin;
using NBitcoin.Crypto;

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
        var (key, kind) = CanonicalScript(script.ToBytes(@unsafe: true));
        return key is null ? (null, kind) : (TextOf(key, network), kind);
    }

    /// <summary>
    /// The script an address is indexed under (null for OP_RETURN and empty scripts): the script itself, except a bare
    /// public key, which is indexed under the P2PKH script of its key hash. No address encoding happens here.
    /// </summary>
    public static (byte[]? Key, AddressKind Kind) CanonicalScript(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length == 0 || bytes[0] == (byte)OpcodeType.OP_RETURN)
        {
            return (null, AddressKind.NonStandard);
        }

        var kind = KindOf(bytes);
        if (kind != AddressKind.P2PK)
        {
            return (bytes, kind);
        }

        var hash = Hashes.Hash160(bytes, 1, bytes.Length - 2).ToBytes();
        var p2pkh = new byte[25];
        p2pkh[0] = 0x76;
        p2pkh[1] = 0xa9;
        p2pkh[2] = 0x14;
        hash.CopyTo(p2pkh, 3);
        p2pkh[23] = 0x88;
        p2pkh[24] = 0xac;
        return (p2pkh, AddressKind.P2PK);
    }

    /// <summary>The text of an indexed script: base58/bech32 when it has a standard address, else <c>multisig:HEX</c> or <c>script:HEX</c>.</summary>
    public static string TextOf(ReadOnlySpan<byte> key, Network network)
    {
        var kind = KindOf(key);
        if (kind is AddressKind.P2PKH or AddressKind.P2SH or AddressKind.P2WPKH or AddressKind.P2WSH or AddressKind.P2TR or AddressKind.WitnessUnknown)
        {
            var dest = new Script(key.ToArray()).GetDestinationAddress(network);
            if (dest is not null)
            {
                return dest.ToString();
            }
        }

        return (kind == AddressKind.Multisig ? "multisig:" : "script:") + Convert.ToHexStringLower(key);
    }

    /// <summary>The indexed script of an address text (the inverse of <see cref="TextOf"/>), or null when it is not one.</summary>
    public static byte[]? KeyOf(string text, Network network)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            foreach (var prefix in new[] { "multisig:", "script:" })
            {
                if (text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return Convert.FromHexString(text.AsSpan(prefix.Length));
                }
            }

            return BitcoinAddress.Create(text, network).ScriptPubKey.ToBytes();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
            return null;
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
