using Spectre.Console;

namespace Harrier.Cli;

/// <summary>What a command may touch of the outside world: its output streams and the clock.</summary>
internal sealed class CliHost(TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    public TimeProvider Time { get; } = time;

    /// <summary>Whether stderr is a terminal (progress bars go there, never into piped stdout).</summary>
    public bool Interactive { get; init; } = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>A Spectre console on stdout for tables; plain (no colour) when stdout is not a terminal.</summary>
    public IAnsiConsole CreateConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Out),
        Ansi = ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = ReferenceEquals(Out, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });

    /// <summary>A Spectre console on stderr for progress bars.</summary>
    public IAnsiConsole CreateProgressConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Err),
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
