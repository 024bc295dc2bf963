namespace Harrier.Cli;

/// <summary>The process exit codes every command keeps to.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command ran, and found failures (unreadable files, a broken audit chain, changed evidence): for commands over
    /// several inputs (hash, imports), some inputs or records could not be used and the rest were done, each named.
    /// </summary>
    public const int Failures = 1;

    /// <summary>
    /// Usage error or an environment the command cannot work in (missing case, missing tool); also input with nothing
    /// valid at all (hash with no file hashed, an index list or query with a malformed line, a bank, blk or pack import
    /// that found nothing to import): nothing is written, and a case is left unchanged.
    /// </summary>
    public const int UsageOrEnvironment = 2;

    /// <summary>An unexpected internal error (a bug or an unforeseen condition): one line on stderr, the stack trace with HARRIER_DEBUG=1.</summary>
    public const int InternalError = 3;
}
