using Harrier.Cases;

namespace Harrier.Cli;

/// <summary>
/// Opens the case named by --case/--db, turning store errors into usage errors (exit 2). A command that writes to the case
/// opens it with <see cref="OpenAsync"/> (the default), which also takes the case's writer lock for the whole command; a
/// command that only reads (list, show, info, verify, export) opens it with <see cref="OpenForReadingAsync"/> and runs while
/// another process writes.
/// </summary>
internal static class CaseOpener
{
    /// <summary>
    /// Opens the case to write to it: takes the writer lock, held until the command ends (<see cref="CommandContext.DisposeAsync"/>),
    /// or refuses naming the process that holds it (exit 2), at once or after <c>--wait SECONDS</c>.
    /// </summary>
    public static async Task<CaseStore> OpenAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.WaitSeconds < 0)
        {
            throw new CliException($"--wait must be 0 or more seconds, not {ctx.WaitSeconds}");
        }

        var store = await OpenForReadingAsync(ctx, cancellationToken);
        try
        {
            ctx.Hold(await store.LockForWritingAsync(CaseWriter.ThisProcess(ctx.Actor, ctx.CommandName, ctx.Time),
                TimeSpan.FromSeconds(ctx.WaitSeconds), cancellationToken));
        }
        catch (CaseStoreException e)
        {
            throw new CliException(e.Message);
        }

        return store;
    }

    /// <summary>Opens the case for a command that only reads it (its reads may still be recorded in the audit log).</summary>
    public static async Task<CaseStore> OpenForReadingAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        try
        {
            return await CaseStore.OpenAsync(ctx.CaseDir, ctx.Db, ctx.Time, ctx.Keys, cancellationToken);
        }
        catch (CaseStoreException e)
        {
            throw new CliException(e.Message);
        }
    }
}
