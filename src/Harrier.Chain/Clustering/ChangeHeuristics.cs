using Harrier.Chain.Store;

namespace Harrier.Chain.Clustering;

/// <summary>
/// Change-output heuristics by name (crypto-tracing.md §2.2, BlockSci semantics). Each returns the candidate change
/// outputs of one transaction; combined heuristics intersect, and a link is made only when exactly one output is left.
/// None is on by default: each has known false positives (fresh address, for one, would put the platform's fresh
/// deposit addresses into the payer's cluster), and known deposit addresses are never change.
/// </summary>
public static class ChangeHeuristics
{
    /// <summary>Output address equals an input address.</summary>
    public const string AddressReuse = "address_reuse";

    /// <summary>All inputs share one script type; outputs of that type are candidates.</summary>
    public const string AddressType = "address_type";

    /// <summary>Outputs that are not multiples of 10^6 sat (round values are payments).</summary>
    public const string PowerOfTen = "power_of_ten";

    /// <summary>Outputs smaller than every input.</summary>
    public const string OptimalChange = "optimal_change";

    /// <summary>Outputs whose address first appears in this transaction.</summary>
    public const string FreshAddress = "fresh_address";

    /// <summary>The output that carries on a peel chain (1 input, 2 outputs, 3+ steps, peels of 1,000 sat or more).</summary>
    public const string PeelingChain = "peeling_chain";

    /// <summary>Every heuristic name.</summary>
    public static readonly IReadOnlyList<string> Names = [AddressReuse, AddressType, PowerOfTen, OptimalChange, FreshAddress, PeelingChain];

    /// <summary>Smallest peel (the dust-sized look of token transfers is not a peel step).</summary>
    public const long MinPeelSats = 1_000;

    /// <summary>Round-number granularity (10^6 sat = 0.01 BTC).</summary>
    public const long RoundUnit = 1_000_000;

    /// <summary>Candidate change outputs of <paramref name="tx"/> by heuristic <paramref name="name"/>.</summary>
    public static IReadOnlyList<long> Candidates(string name, ChainStore store, int tx)
    {
        ArgumentNullException.ThrowIfNull(store);
        var outStart = store.TxOutStart[tx];
        var outEnd = store.TxOutStart[tx + 1];
        var result = new List<long>();
        if (store.IsCoinbase(tx) || outEnd - outStart < 2)
        {
            return result;
        }

        var inStart = store.TxInStart[tx];
        var inEnd = store.TxInStart[tx + 1];
        switch (name)
        {
            case AddressReuse:
                {
                    var inputs = new HashSet<int>();
                    for (var i = inStart; i < inEnd; i++)
                    {
                        var o = store.InSpent[i];
                        if (o >= 0 && store.OutAddress[o] >= 0)
                        {
                            inputs.Add(store.OutAddress[o]);
                        }
                    }

                    for (var o = outStart; o < outEnd; o++)
                    {
                        if (store.OutAddress[o] >= 0 && inputs.Contains(store.OutAddress[o]))
                        {
                            result.Add(o);
                        }
                    }

                    break;
                }

            case AddressType:
                {
                    AddressKind? kind = null;
                    for (var i = inStart; i < inEnd; i++)
                    {
                        var o = store.InSpent[i];
                        if (o < 0 || store.OutAddress[o] < 0)
                        {
                            return result;
                        }

                        var k = store.KindOf(store.OutAddress[o]);
                        if (kind is not null && kind != k)
                        {
                            return result;
                        }

                        kind = k;
                    }

                    for (var o = outStart; o < outEnd; o++)
                    {
                        if (store.OutAddress[o] >= 0 && store.KindOf(store.OutAddress[o]) == kind)
                        {
                            result.Add(o);
                        }
                    }

                    break;
                }

            case PowerOfTen:
                for (var o = outStart; o < outEnd; o++)
                {
                    if (store.OutAddress[o] >= 0 && store.OutValue[o] % RoundUnit != 0)
                    {
                        result.Add(o);
                    }
                }

                break;
            case OptimalChange:
                {
                    var min = long.MaxValue;
                    for (var i = inStart; i < inEnd; i++)
                    {
                        var o = store.InSpent[i];
                        if (o < 0)
                        {
                            return result;
                        }

                        min = Math.Min(min, store.OutValue[o]);
                    }

                    for (var o = outStart; o < outEnd; o++)
                    {
                        if (store.OutAddress[o] >= 0 && store.OutValue[o] < min)
                        {
                            result.Add(o);
                        }
                    }

                    break;
                }

            case FreshAddress:
                for (var o = outStart; o < outEnd; o++)
                {
                    var a = store.OutAddress[o];
                    if (a >= 0 && store.AddrFirstOut[a] == o)
                    {
                        result.Add(o);
                    }
                }

                break;
            case PeelingChain:
                {
                    var next = PeelContinuation(store, tx);
                    if (next >= 0 && PeelChainLength(store, tx) >= 3)
                    {
                        result.Add(next);
                    }

                    break;
                }

            default:
                throw new ArgumentException($"unknown change heuristic '{name}' (known: {string.Join(", ", Names)})", nameof(name));
        }

        return result;
    }

    /// <summary>The unique change output under all <paramref name="names"/> (intersection), or -1.</summary>
    public static long UniqueChange(IReadOnlyCollection<string> names, ChainStore store, int tx, Func<long, bool>? neverChange = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        HashSet<long>? set = null;
        foreach (var name in names)
        {
            var c = Candidates(name, store, tx);
            if (set is null)
            {
                set = [.. c];
            }
            else
            {
                set.IntersectWith(c);
            }

            if (set.Count == 0)
            {
                return -1;
            }
        }

        if (set is null)
        {
            return -1;
        }

        if (neverChange is not null)
        {
            set.RemoveWhere(o => neverChange(o));
        }

        return set.Count == 1 ? set.First() : -1;
    }

    /// <summary>For a 1-input, 2-output tx: the larger output, when the smaller is a real peel (≥ 1,000 sat); else -1.</summary>
    public static long PeelContinuation(ChainStore store, int tx)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.IsCoinbase(tx) || store.TxInStart[tx + 1] - store.TxInStart[tx] != 1 || store.TxOutStart[tx + 1] - store.TxOutStart[tx] != 2)
        {
            return -1;
        }

        var a = store.TxOutStart[tx];
        var b = a + 1;
        var (big, small) = store.OutValue[a] >= store.OutValue[b] ? (a, b) : (b, a);
        return store.OutValue[small] >= MinPeelSats && store.OutValue[big] > store.OutValue[small] ? big : -1;
    }

    /// <summary>Steps in the peel chain through <paramref name="tx"/> (parents via the spent larger output, children via the larger output's spender).</summary>
    public static int PeelChainLength(ChainStore store, int tx)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (PeelContinuation(store, tx) < 0)
        {
            return 0;
        }

        var length = 1;
        var t = tx;
        while (true)
        {
            var spent = store.InSpent[store.TxInStart[t]];
            if (spent < 0)
            {
                break;
            }

            var parent = store.OutTx[spent];
            if (PeelContinuation(store, parent) != spent)
            {
                break;
            }

            length++;
            t = parent;
        }

        t = tx;
        while (true)
        {
            var cont = PeelContinuation(store, t);
            var spender = cont >= 0 ? store.OutSpentBy[cont] : -1;
            if (spender < 0)
            {
                break;
            }

            var child = store.InTx[spender];
            if (PeelContinuation(store, child) < 0)
            {
                break;
            }

            length++;
            t = child;
        }

        return length;
    }
}
