using Harrier.Cases;

namespace Harrier.Cli;

/// <summary>Opens the case named by --case/--db, turning store errors into usage errors (exit 2).</summary>
internal static class CaseOpener
{
    public static async Task<CaseStore> OpenAsync(CommandContext ctx, CancellationToken cancellationToken)
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
