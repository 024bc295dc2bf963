using System.Globalization;
using System.Text.Json;
using Harrier.Cases;
using Harrier.Chain.Attribution;
using Harrier.Chain.Clustering;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;

namespace Harrier.Operations.Chain;

/// <summary>
/// The case's chain data, which live as files in the case folder (see <see cref="CaseFolder"/>): the columnar store and
/// its saved clusters under <c>chain/</c>, the last trace in <c>chain/trace.json</c>, imported packs under <c>tags/</c>.
/// Every chain operation reaches them through here.
/// </summary>
public sealed class ChainWorkspace(CaseStore store)
{
    /// <summary>How <c>trace.json</c> is written and read (indented, camelCase): the trace report's file contract.</summary>
    public static JsonSerializerOptions TraceJson { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The chain store's folder.</summary>
    public string ChainDirectory => CaseFolder.ChainDirectory(store.CaseDir);

    /// <summary>The imported packs' folder.</summary>
    public string TagsDirectory => CaseFolder.TagsDirectory(store.CaseDir);

    /// <summary>The last trace.</summary>
    public string TraceFile => CaseFolder.TraceFile(store.CaseDir);

    /// <summary>Opens the imported chain; an <see cref="OperationException"/> when none was imported.</summary>
    public ChainStore OpenChain()
    {
        try
        {
            return ChainStore.Open(ChainDirectory);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new OperationException(e.Message, e);
        }
    }

    /// <summary>
    /// The one rule for using saved clusters: those saved by <c>chain cluster</c> (or by a trace) for this chain's tip,
    /// or null when none are saved or they are unreadable or stale (computed at another tip). What to do without them
    /// is the caller's: a trace computes and saves clusters (see <see cref="TraceChain"/>), a view computes them
    /// for itself and saves nothing (see <see cref="ShowChain"/>).
    /// </summary>
    public static ClusterSet? LoadSavedClusters(ChainStore chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (!ClusterSet.Exists(chain.Directory))
        {
            return null;
        }

        try
        {
            return ClusterSet.Load(chain);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The case's imported tag and actor packs (empty when none).</summary>
    public TagLibrary LoadTags() => TagLibrary.Load(TagsDirectory);

    /// <summary>Writes <paramref name="report"/> as the case's last trace.</summary>
    public void WriteTrace(TraceReport report) => File.WriteAllText(TraceFile, JsonSerializer.Serialize(report, TraceJson));

    /// <summary>The case's last trace, or null when no trace was run.</summary>
    public TraceReport? ReadTrace()
    {
        if (!File.Exists(TraceFile))
        {
            return null;
        }

        return JsonSerializer.Deserialize<TraceReport>(File.ReadAllText(TraceFile), TraceJson)
            ?? throw new OperationException($"{TraceFile} is empty");
    }

    /// <summary>
    /// Reads a deposit-address list (address[,label] a line), leaving out, and returning in <paramref name="problems"/>, each
    /// record that is not a Bitcoin address; an <see cref="OperationException"/> when the file cannot be read or none of
    /// its records is an address (nothing is then written: exit 2).
    /// </summary>
    public static IReadOnlyList<DepositAddress> ReadDeposits(string file, out IReadOnlyList<DepositListProblem> problems)
    {
        try
        {
            var deposits = DepositList.Read(file, out problems);
            if (deposits.Count == 0 && problems.Count > 0)
            {
                var first = problems[0];
                throw new OperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{file}: no deposit address in it ({problems.Count} records left out; line {first.Line}: {first.Value}: {first.Problem})"));
            }

            return deposits;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            throw new OperationException($"cannot read deposits file {file}: {e.Message}", e);
        }
    }
}
