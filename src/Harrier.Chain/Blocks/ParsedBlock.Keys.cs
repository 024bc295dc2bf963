using Harrier.Chain.Store;
using NBitcoin;

namespace Harrier.Chain.Blocks;

internal sealed partial class ParsedBlock
{
    /// <summary>Each output's address index key (<see cref="ChainBuilder.KeyOf"/>), valid once <see cref="ComputeAddressKeys"/> ran.</summary>
    public Hash32[] OutKey = new Hash32[256];

    /// <summary>Each output's address kind, or <see cref="AddressKind.NonStandard"/> with <see cref="OutHasAddress"/> false (OP_RETURN, empty).</summary>
    public byte[] OutKind = new byte[256];

    /// <summary>Whether each output pays an address (not OP_RETURN, not empty).</summary>
    public bool[] OutHasAddress = new bool[256];

    /// <summary>Whether <see cref="OutKey"/> holds this block's keys.</summary>
    public bool AddressKeysComputed { get; private set; }

    /// <summary>
    /// Computes every output's address key and kind. The importer calls it on its parse workers, so the one sequential
    /// thread that appends blocks only looks keys up (and can prefetch them a few transactions ahead).
    /// </summary>
    public void ComputeAddressKeys()
    {
        var n = OutputCount;
        if (OutKey.Length < n)
        {
            OutKey = new Hash32[OutValue.Length];
            OutKind = new byte[OutValue.Length];
            OutHasAddress = new bool[OutValue.Length];
        }

        for (var o = 0; o < n; o++)
        {
            var script = Script(o);
            if (script.Length == 0 || script[0] == (byte)OpcodeType.OP_RETURN)
            {
                OutHasAddress[o] = false;
                OutKind[o] = (byte)AddressKind.NonStandard;
                continue;
            }

            var kind = ScriptClassifier.KindOf(script);
            OutHasAddress[o] = true;
            OutKind[o] = (byte)kind;
            OutKey[o] = ChainBuilder.KeyOf(kind == AddressKind.P2PK ? ScriptClassifier.CanonicalScript(script.ToArray()).Key! : script);
        }

        AddressKeysComputed = true;
    }

    /// <summary>Marks the keys stale (a new parse into this instance).</summary>
    private void ForgetAddressKeys() => AddressKeysComputed = false;
}
