namespace Harrier.PdqBench;

internal static class RobustnessBenchmark
{
    public static int Run(string[] args) => args.Length >= 0 ? 2 : 0;
}
