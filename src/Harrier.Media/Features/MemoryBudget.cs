using System.Globalization;

namespace Harrier.Media.Features;

/// <summary>
/// One memory budget for a whole run, whatever the number of files decoded at once: before a file is decoded, its
/// estimated working set (<see cref="MediaLimits"/>) is reserved here, and the file waits until that much is free. Waiters
/// are served first come, first served, so a large file is not starved by a stream of small ones; a file that could
/// never fit is refused by its caller (<see cref="Fits"/>) instead of waiting for ever. Each file reserves once, for its
/// whole decode, so reservations cannot deadlock. Thread-safe.
/// </summary>
public sealed class MemoryBudget
{
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private long _inUse;
    private long _peak;

    /// <summary>A budget of <paramref name="capacityBytes"/> bytes.</summary>
    public MemoryBudget(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 1);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The budget in bytes.</summary>
    public long CapacityBytes { get; }

    /// <summary>Bytes reserved now.</summary>
    public long InUseBytes
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>The most bytes ever reserved at once (what the run's reservations reached; never above the capacity).</summary>
    public long PeakBytes
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>
    /// The default for a machine: half the memory this process may use (physical memory, or the container's limit), so
    /// that the run's reservations, the process's own baseline and the rest of the machine fit. Not tied to the core count.
    /// </summary>
    public static long DefaultCapacityBytes()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return Math.Max(512L << 20, available / 2);
    }

    /// <summary>Whether a reservation of <paramref name="bytes"/> can ever be granted.</summary>
    public bool Fits(long bytes) => bytes <= CapacityBytes;

    /// <summary>
    /// Reserves <paramref name="bytes"/>, waiting (first come, first served) until they are free. Dispose the lease to
    /// give them back.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">More than the whole budget (ask <see cref="Fits"/> first).</exception>
    public async ValueTask<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!Fits(bytes))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes is more than the whole budget of {CapacityBytes}"));
        }

        Waiter waiter;
        lock (_gate)
        {
            if (_queue.Count == 0 && _inUse + bytes <= CapacityBytes)
            {
                Take(bytes);
                return new Lease(this, bytes);
            }

            waiter = new Waiter(bytes);
            waiter.Node = _queue.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Lease(this, bytes);
    }

    private void Take(long bytes)
    {
        _inUse += bytes;
        _peak = Math.Max(_peak, _inUse);
    }

    private void Release(long bytes)
    {
        List<Waiter> granted = [];
        lock (_gate)
        {
            _inUse -= bytes;
            GrantWaiting(granted);
        }

        foreach (var w in granted)
        {
            w.Granted.TrySetResult();
        }
    }

    /// <summary>Grants waiters from the head of the queue while they fit (under the lock; completed outside it).</summary>
    private void GrantWaiting(List<Waiter> granted)
    {
        while (_queue.First is { } head && _inUse + head.Value.Bytes <= CapacityBytes)
        {
            _queue.RemoveFirst();
            head.Value.Node = null;
            Take(head.Value.Bytes);
            granted.Add(head.Value);
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        List<Waiter> granted = [];
        bool removed;
        lock (_gate)
        {
            removed = waiter.Node is not null;
            if (removed)
            {
                _queue.Remove(waiter.Node!);
                waiter.Node = null;
                // The head may have been the one holding the others back.
                GrantWaiting(granted);
            }
        }

        if (removed)
        {
            waiter.Granted.TrySetCanceled(cancellationToken);
        }

        foreach (var w in granted)
        {
            w.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }

    private sealed class Lease(MemoryBudget budget, long bytes) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget.Release(bytes);
            }
        }
    }
}
