namespace Harrier.Cli;

/// <summary>The process exit codes every command keeps to.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>The command ran, and found failures (unreadable files, a broken audit chain, changed evidence).</summary>
    public const int Failures = 1;

    /// <summary>Usage error or an environment the command cannot work in (missing case, missing tool).</summary>
    public const int UsageOrEnvironment = 2;
}
