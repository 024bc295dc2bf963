using Harrier.Cases.Triage;
using Harrier.Media.Hashing;
using Harrier.Operations.Banks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Harrier.Cluster;

/// <summary>
/// The HMA-compatible PDQ lookups of the case's banks, served by whichever silo takes the call: a stateless worker, so
/// every silo activates it locally and the client's calls spread over the silos. Each silo answers from its own
/// <see cref="PdqLookupIndex"/> (<see cref="SiloBankIndex"/>), the same index and search the web host and single-machine
/// lookups use, so the answers are the same.
/// </summary>
public interface IPdqLookupGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Every bank signal within the PDQ threshold of <paramref name="query"/>, nearest first; the silo's index first catches
    /// up when it holds no entry as new as <paramref name="seenEntryId"/> (an entry the caller knows the case holds).
    /// </summary>
    Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query, long seenEntryId);

    /// <summary>The answering silo's index: loaded, last change, size, newest entry.</summary>
    Task<PdqIndexState> StateAsync();

    /// <summary>The answering silo's address (<c>IP:PORT@GENERATION</c>).</summary>
    Task<string> SiloAsync();
}

[Orleans.Concurrency.StatelessWorker]
internal sealed class PdqLookupGrain(SiloBankIndex banks, ILocalSiloDetails silo) : Grain, IPdqLookupGrain
{
    public Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query, long seenEntryId) => banks.Index.LookupAsync(query, seenEntryId, CancellationToken.None);

    public async Task<PdqIndexState> StateAsync()
    {
        await banks.Index.EnsureLoadedAsync();
        return banks.Index.State();
    }

    public Task<string> SiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}

/// <summary>
/// A silo's index of the case's bank PDQ signals: loaded on the first lookup this silo serves (a silo that serves none
/// never loads it), then kept current by a timer on the silo's clock that every <see cref="SiloSettings.BankPoll"/> reads
/// what the banks gained (<see cref="PdqLookupIndex.CatchUpAsync"/>: entries with an id above the newest indexed, an index
/// range scan that returns nothing when nothing changed). Polling the case's table rather than an Orleans stream or
/// notification because banks are changed by processes that are not cluster members (<c>harrier banks import</c>, a web
/// host): the table is the one place every change lands. A lookup that must see an entry the caller committed passes its
/// id and is answered after a catch-up, so a web host reads its own writes at once.
/// </summary>
internal sealed class SiloBankIndex(CaseAccess cases, SiloSettings settings, ILogger<SiloBankIndex> log) : IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _running;

    public PdqLookupIndex Index { get; } = new(cases.StoreAsync, settings.Time);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = settings.Time.CreateTimer(_ => _ = CatchUpAsync(), null, settings.BankPoll, settings.BankPoll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _timer?.Dispose();
        Index.Dispose();
    }

    private async Task CatchUpAsync()
    {
        if (!Index.IsLoaded || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return; // not serving lookups yet, or the previous catch-up is still reading
        }

        try
        {
            await Index.CatchUpAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is Harrier.Cases.CaseStoreException or System.Data.Common.DbException or IOException)
        {
            log.LogWarning("the bank index could not read what the case's banks gained: {Message} (tried again in {Seconds} s)", e.Message, settings.BankPoll.TotalSeconds);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}

/// <summary>
/// The PDQ lookups of a web host served by the case's cluster (<c>harrier serve --cluster</c>): each lookup is a call to
/// the stateless lookup grain, answered by any silo. The newest entry this host committed travels with each lookup, so a
/// signal added through this host's API is found by the next lookup whichever silo answers.
/// </summary>
internal sealed class ClusterPdqLookup(IGrainFactory grains, TimeProvider time) : IPdqLookup
{
    private long _seen;

    /// <summary>How long a call is tried again while silos come and go before it fails.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(2);

    public Task<IReadOnlyList<PdqMatch>> LookupAsync(Hash256 query, CancellationToken cancellationToken)
    {
        var seen = Volatile.Read(ref _seen);
        return ClusterCalls.RetryAsync(() => grains.GetGrain<IPdqLookupGrain>(0).LookupAsync(query, seen), time, RetryFor, cancellationToken);
    }

    public Task AddedAsync(BankPdq signal, CancellationToken cancellationToken)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _seen);
        }
        while (signal.Id > seen && Interlocked.CompareExchange(ref _seen, signal.Id, seen) != seen);

        return Task.CompletedTask;
    }

    public Task<PdqIndexState> StateAsync(CancellationToken cancellationToken) =>
        ClusterCalls.RetryAsync(() => grains.GetGrain<IPdqLookupGrain>(0).StateAsync(), time, RetryFor, cancellationToken);
}

/// <summary>Orleans' wire form of <see cref="Hash256"/> (an engine type, free of Orleans attributes).</summary>
[GenerateSerializer]
internal struct Hash256Surrogate
{
    [Id(0)] public ulong W0;
    [Id(1)] public ulong W1;
    [Id(2)] public ulong W2;
    [Id(3)] public ulong W3;
}

[RegisterConverter]
internal sealed class Hash256Converter : IConverter<Hash256, Hash256Surrogate>
{
    public Hash256 ConvertFromSurrogate(in Hash256Surrogate surrogate) => new(surrogate.W0, surrogate.W1, surrogate.W2, surrogate.W3);

    public Hash256Surrogate ConvertToSurrogate(in Hash256 value) => new() { W0 = value.W0, W1 = value.W1, W2 = value.W2, W3 = value.W3 };
}

/// <summary>Orleans' wire form of <see cref="PdqMatch"/>.</summary>
[GenerateSerializer]
internal struct PdqMatchSurrogate
{
    [Id(0)] public long ContentId;
    [Id(1)] public string Bank;
    [Id(2)] public int Distance;
}

[RegisterConverter]
internal sealed class PdqMatchConverter : IConverter<PdqMatch, PdqMatchSurrogate>
{
    public PdqMatch ConvertFromSurrogate(in PdqMatchSurrogate surrogate) => new(surrogate.ContentId, surrogate.Bank, surrogate.Distance);

    public PdqMatchSurrogate ConvertToSurrogate(in PdqMatch value) => new() { ContentId = value.ContentId, Bank = value.Bank, Distance = value.Distance };
}

/// <summary>Orleans' wire form of <see cref="PdqIndexState"/>.</summary>
[GenerateSerializer]
internal struct PdqIndexStateSurrogate
{
    [Id(0)] public bool Loaded;
    [Id(1)] public DateTimeOffset? BuiltAt;
    [Id(2)] public int Size;
    [Id(3)] public long MaxEntryId;
}

[RegisterConverter]
internal sealed class PdqIndexStateConverter : IConverter<PdqIndexState, PdqIndexStateSurrogate>
{
    public PdqIndexState ConvertFromSurrogate(in PdqIndexStateSurrogate surrogate) => new(surrogate.Loaded, surrogate.BuiltAt, surrogate.Size, surrogate.MaxEntryId);

    public PdqIndexStateSurrogate ConvertToSurrogate(in PdqIndexState value) =>
        new() { Loaded = value.Loaded, BuiltAt = value.BuiltAt, Size = value.Size, MaxEntryId = value.MaxEntryId };
}
