using System.Threading.Channels;

namespace Harrier.Cases;

/// <summary>
/// Produce on many threads, write on one: items become rows in parallel and pass through a bounded channel to a
/// single writer that commits them in batches. Evidence registration and media ingest both work this way, so a row
/// exists only once its item is fully processed and an interrupted run resumes where the committed batches end.
/// </summary>
public static class ParallelPipeline
{
    /// <summary>Runs <paramref name="produce"/> over <paramref name="items"/> and returns what <paramref name="write"/> returns.</summary>
    public static async Task<int> RunAsync<TItem, TRow>(
        IEnumerable<TItem> items,
        int parallelism,
        int capacity,
        Func<TItem, CancellationToken, ValueTask<TRow>> produce,
        Func<ChannelReader<TRow>, CancellationToken, Task<int>> write,
        CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<TRow>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var writer = Task.Run(() => write(channel.Reader, cancellationToken), cancellationToken);
        try
        {
            await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (item, ct) => await channel.Writer.WriteAsync(await produce(item, ct), ct));
            channel.Writer.Complete();
        }
        catch (Exception e)
        {
            channel.Writer.TryComplete(e);
            try
            {
                await writer;
            }
            catch (Exception) when (writer.IsFaulted || writer.IsCanceled)
            {
                // The writer stops because the producers failed; their exception is the one to report.
                // Batches it committed before stay committed.
            }

            throw;
        }

        return await writer;
    }
}
