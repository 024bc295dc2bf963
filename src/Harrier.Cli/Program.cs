namespace Harrier.Cli;

internal static class Program
{
    public static Task<int> Main(string[] args) =>
        HarrierApp.RunAsync(args, new CliHost(Console.Out, Console.Error, TimeProvider.System));
}
