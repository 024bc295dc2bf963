using System.Globalization;

namespace Harrier.Cases;

/// <summary>
/// Who holds a case's writer lock (<see cref="CaseStore.LockForWritingAsync(CaseWriter, TimeSpan, CancellationToken)"/>): the process, the machine, the actor, the
/// command and since when, so that a second writer is refused naming the first.
/// </summary>
/// <param name="ProcessId">The holder's process id.</param>
/// <param name="Host">The holder's machine name.</param>
/// <param name="Actor">Who is acting (as in the audit log).</param>
/// <param name="Command">What is running, e.g. <c>evidence add</c>.</param>
/// <param name="SinceUtc">When the lock was taken (<see cref="Timestamps.Format"/>).</param>
public sealed record CaseWriter(int ProcessId, string Host, string Actor, string Command, string SinceUtc)
{
    /// <summary>This process, now, as <paramref name="actor"/> running <paramref name="command"/>.</summary>
    public static CaseWriter ThisProcess(string actor, string command, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new CaseWriter(Environment.ProcessId, Environment.MachineName, actor, command, Timestamps.Format(time.GetUtcNow()));
    }

    /// <summary>One line for a message: <c>'evidence add' by alice (pid 4711 on ws-12) since 2026-12-05T06:30:00.0000000Z</c>.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"'{Command}' by {Actor} (pid {ProcessId} on {Host}) since {SinceUtc}");
}
