using Harrier.Cases;

namespace Harrier.Operations.Tests;

/// <summary>Checks what an operation left in the audit log and in <c>audit.head</c> (the signed head).</summary>
internal static class Audited
{
    /// <summary>Runs <paramref name="run"/> and asserts it appended exactly <paramref name="actions"/>, anchored in the head.</summary>
    public static async Task<T> ExactlyAsync<T>(CaseStore store, Func<Task<T>> run, params string[] actions)
    {
        var before = await store.Audit.ReadAsync(null, CancellationToken.None);
        var result = await run();
        var after = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Equal(actions, after.Skip(before.Count).Select(e => e.Action));
        await AssertHeadAtEndAsync(store);
        return result;
    }

    /// <summary>Runs <paramref name="run"/>, expects <typeparamref name="TException"/>, and asserts no entry was appended and the head did not move.</summary>
    public static async Task<TException> NothingAsync<TException>(CaseStore store, Func<Task> run)
        where TException : Exception
    {
        var before = await store.Audit.ReadAsync(null, CancellationToken.None);
        var head = File.ReadAllText(HeadPath(store));
        var e = await Assert.ThrowsAsync<TException>(run);
        Assert.Equal(before.Count, (await store.Audit.ReadAsync(null, CancellationToken.None)).Count);
        Assert.Equal(head, File.ReadAllText(HeadPath(store)));
        return e;
    }

    /// <summary>Runs <paramref name="run"/> and asserts it appended nothing (reads of case metadata are not audited).</summary>
    public static async Task<T> NoneAsync<T>(CaseStore store, Func<Task<T>> run)
    {
        var before = (await store.Audit.ReadAsync(null, CancellationToken.None)).Count;
        var result = await run();
        Assert.Equal(before, (await store.Audit.ReadAsync(null, CancellationToken.None)).Count);
        return result;
    }

    private static async Task AssertHeadAtEndAsync(CaseStore store)
    {
        var last = (await store.Audit.ReadAsync(1, CancellationToken.None)).Single();
        var head = Harrier.Cases.Keys.SignedAuditHead.TryParse(File.ReadAllText(HeadPath(store)));
        Assert.NotNull(head); // the head signed by the case key (issue 20), no longer a plain "seq hash" line
        Assert.Equal((last.Seq, last.Hash), (head.Seq, head.Hash));
        var verified = await store.Audit.VerifyAsync(CancellationToken.None);
        Assert.True(verified.Ok, verified.Problem);
        Assert.Equal(0, verified.UnanchoredEntries);
    }

    private static string HeadPath(CaseStore store) => Path.Combine(store.CaseDir, CaseFolder.AuditHeadFileName);
}
