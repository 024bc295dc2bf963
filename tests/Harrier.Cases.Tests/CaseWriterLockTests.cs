using System.Text;

namespace Harrier.Cases.Tests;

/// <summary>
/// One writer at a time (issue 20.6): the case's writer lock refuses a second writer at once, naming the first; readers are
/// not blocked; a released lock can be taken again; counts say what a run did even when another writer got there first.
/// The two stores here are two opens of one case, as two processes would make them: the SQLite lock is an flock on an open
/// file (two opens conflict even in one process), the PostgreSQL lock a session lock on a connection of its own.
/// </summary>
public sealed class CaseWriterLockTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_second_writer_is_refused_at_once_naming_the_holder_and_gets_the_lock_once_it_is_released(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        await t.InitAsync();
        var first = await t.OpenAsync();
        var second = await t.OpenAsync();
        var alice = new CaseWriter(4711, "ws-12", "alice", "ingest media", "2025-03-12T06:00:00.0000000Z");

        var held = await first.LockForWritingAsync(alice, CancellationToken.None);
        var refused = await Assert.ThrowsAsync<CaseLockedException>(() =>
            second.LockForWritingAsync(CaseWriter.ThisProcess("bob", "evidence add", t.Time), CancellationToken.None));

        Assert.Equal(alice, refused.Holder);
        Assert.Contains("'ingest media' by alice (pid 4711 on ws-12) since 2025-03-12T06:00:00.0000000Z", refused.Message, StringComparison.Ordinal);
        Assert.Contains("one writer at a time", refused.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<CaseStoreException>(refused); // the hosts' exit 2

        // The holder itself cannot take it twice either: one writer means one lock, not one process.
        await Assert.ThrowsAsync<CaseLockedException>(() => first.LockForWritingAsync(alice, CancellationToken.None));

        await held.DisposeAsync();
        var bob = CaseWriter.ThisProcess("bob", "evidence add", t.Time);
        await using (var again = await second.LockForWritingAsync(bob, CancellationToken.None))
        {
            Assert.Equal(bob, again.Holder);
            var refusedAgain = await Assert.ThrowsAsync<CaseLockedException>(() => first.LockForWritingAsync(alice, CancellationToken.None));
            Assert.Equal(bob, refusedAgain.Holder);
        }

        await using var third = await first.LockForWritingAsync(alice, CancellationToken.None);
        Assert.Equal(alice, third.Holder);
    }

    /// <summary>
    /// SQLite only: there a try is synchronous, so when the call returns unfinished the waiter is already waiting on the
    /// case's fake clock, and the test can move that clock with no race. The waiting loop is the same for PostgreSQL.
    /// </summary>
    [Fact]
    public async Task A_writer_that_waits_gets_the_lock_once_it_is_released_and_is_refused_when_its_wait_runs_out()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        await t.InitAsync();
        var first = await t.OpenAsync();
        var second = await t.OpenAsync();
        var alice = new CaseWriter(4711, "ws-12", "alice", "ingest media", "2025-03-12T06:00:00.0000000Z");
        var bob = CaseWriter.ThisProcess("bob", "evidence add", t.Time);
        var held = await first.LockForWritingAsync(alice, CancellationToken.None);

        var runsOut = second.LockForWritingAsync(bob, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(runsOut.IsCompleted); // refused once, now waiting
        t.Time.Advance(TimeSpan.FromSeconds(11));
        var refused = await Assert.ThrowsAsync<CaseLockedException>(() => runsOut);
        Assert.Equal(alice, refused.Holder);

        var waiter = second.LockForWritingAsync(bob, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.False(waiter.IsCompleted);
        await held.DisposeAsync();
        t.Time.Advance(TimeSpan.FromSeconds(1));
        await using var got = await waiter;
        Assert.Equal(bob, got.Holder);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Readers_read_and_are_recorded_while_a_writer_holds_the_lock(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var writer = await t.InitAsync();
        t.WriteEvidence("a.txt", Encoding.ASCII.GetBytes("abc"));
        await using var held = await writer.LockForWritingAsync(CaseWriter.ThisProcess("alice", "evidence add", t.Time), CancellationToken.None);
        await writer.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "alice", null, null, CancellationToken.None);

        var reader = await t.OpenAsync();
        var files = await reader.Evidence.ListAsync("EX-1", CancellationToken.None);
        Assert.Equal(["a.txt"], files.Select(f => f.RelPath));
        Assert.Equal(1, (await reader.SummaryAsync(CancellationToken.None)).Files);
        await reader.RecordAsync(new AuditIntent("bob", "evidence.list"), "exhibit EX-1", CancellationToken.None);
        Assert.True((await reader.Audit.VerifyAsync(CancellationToken.None)).Ok);

        // The writer goes on writing after the reader's audit entry.
        t.WriteEvidence("b.txt", Encoding.ASCII.GetBytes("def"));
        var more = await writer.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "alice", null, null, CancellationToken.None);
        Assert.Equal((2, 1, 1), (more.Found, more.AlreadyRecorded, more.Registered));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_run_that_finds_its_files_recorded_by_another_writer_meanwhile_counts_them_as_already_recorded(string backend)
    {
        // Without the lock (a caller of the store that takes none), two runs of one exhibit can overlap. The second one here
        // runs whole between the first one's look at what is recorded and its scan; the first then records nothing. It
        // used to say "3 found, 0 newly recorded, 0 already recorded".
        await using var t = await TestCase.CreateAsync(backend);
        var first = await t.InitAsync();
        var second = await t.OpenAsync();
        foreach (var name in new[] { "a.txt", "b.txt", "c.txt" })
        {
            t.WriteEvidence(name, Encoding.ASCII.GetBytes(name));
        }

        EvidenceAddResult? meanwhile = null;
        var atScan = new InlineProgress(p =>
        {
            if (p.Stage == "scan" && meanwhile is null)
            {
                meanwhile = Task.Run(() => second.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "bob", null, null, CancellationToken.None))
                    .GetAwaiter().GetResult();
            }
        });

        var result = await first.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "alice", null, atScan, CancellationToken.None);

        Assert.NotNull(meanwhile);
        Assert.Equal((3, 0, 3), (meanwhile.Found, meanwhile.AlreadyRecorded, meanwhile.Registered));
        Assert.Equal((3, 3, 0), (result.Found, result.AlreadyRecorded, result.Registered));
        Assert.Equal(3, (await first.Evidence.ListAsync("EX-1", CancellationToken.None)).Count);
    }

    /// <summary>Reports on the reporting thread, at once (Progress&lt;T&gt; would post to a context).</summary>
    private sealed class InlineProgress(Action<EvidenceProgress> report) : IProgress<EvidenceProgress>
    {
        public void Report(EvidenceProgress value) => report(value);
    }
}
