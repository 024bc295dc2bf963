using Harrier.Media.Features;

namespace Harrier.Media.Tests.Features;

/// <summary>The run-wide memory budget ingest reserves each file's estimated working set from.</summary>
public sealed class MemoryBudgetTests
{
    [Fact]
    public async Task Concurrent_reservations_never_hold_more_than_the_budget_and_all_are_served()
    {
        var budget = new MemoryBudget(100);
        var random = new Random(20261205);
        var sizes = Enumerable.Range(0, 400).Select(_ => (long)random.Next(1, 101)).ToList();
        long over = 0;
        var served = 0;
        await Parallel.ForEachAsync(sizes, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (size, ct) =>
        {
            using (await budget.ReserveAsync(size, ct))
            {
                if (budget.InUseBytes > budget.CapacityBytes)
                {
                    Interlocked.Increment(ref over);
                }

                await Task.Yield();
                Interlocked.Increment(ref served);
            }
        });

        Assert.Equal((0L, sizes.Count, 0L), (over, served, budget.InUseBytes));
        Assert.InRange(budget.PeakBytes, sizes.Max(), budget.CapacityBytes);
    }

    [Fact]
    public async Task A_large_waiter_is_served_before_smaller_ones_that_came_after_it()
    {
        var budget = new MemoryBudget(10);
        var held = await budget.ReserveAsync(6, CancellationToken.None);
        var large = budget.ReserveAsync(8, CancellationToken.None).AsTask();
        var small = budget.ReserveAsync(2, CancellationToken.None).AsTask();
        // 6 + 2 would fit, but the 8 came first: the 2 waits behind it instead of starving it.
        Assert.False(large.IsCompleted);
        Assert.False(small.IsCompleted);

        held.Dispose();
        // Both fit once the 6 is back, and both are granted, the 8 first.
        using (await large)
        using (await small)
        {
            Assert.Equal(10, budget.InUseBytes);
        }

        Assert.Equal(0, budget.InUseBytes);
        Assert.Equal(10, budget.PeakBytes);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_lets_the_next_one_in()
    {
        var budget = new MemoryBudget(10);
        using var held = await budget.ReserveAsync(5, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var blocked = budget.ReserveAsync(9, cts.Token).AsTask();
        var next = budget.ReserveAsync(5, CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        using (await next)
        {
            Assert.Equal(10, budget.InUseBytes);
        }
    }

    [Fact]
    public async Task More_than_the_whole_budget_can_never_fit_and_is_refused_not_queued()
    {
        var budget = new MemoryBudget(10);
        Assert.True(budget.Fits(10));
        Assert.False(budget.Fits(11));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await budget.ReserveAsync(11, CancellationToken.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MemoryBudget(0));
        var lease = await budget.ReserveAsync(4, CancellationToken.None);
        lease.Dispose();
        lease.Dispose(); // a second dispose gives nothing back twice
        Assert.Equal(0, budget.InUseBytes);
    }
}
