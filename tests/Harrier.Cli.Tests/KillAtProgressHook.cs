using System.Diagnostics;
using System.Globalization;
using System.Text;

#pragma warning disable CA1050 // The runtime finds a startup hook only as a type named StartupHook outside any namespace.
/// <summary>
/// A .NET startup hook (<c>DOTNET_STARTUP_HOOKS</c>) loaded into a real <c>harrier</c> child process by
/// <see cref="Harrier.Cli.Tests.EvidenceKillTests"/>. Before <c>Main</c> runs it wraps <see cref="Console.Error"/>; when the
/// CLI writes the progress line <c>progress hash N …</c> with N at or above <c>HARRIER_TEST_KILL_AFTER</c> (or, for 0,
/// the <c>progress scan</c> line), the process sends itself SIGKILL on the spot. The kill is as abrupt as one from
/// outside, but its moment no longer depends on how quickly a busy test host reads a pipe that the child can run
/// thousands of lines ahead of (which made the test flaky on a loaded 2-core CI machine). No product code knows of it.
/// </summary>
internal static class StartupHook
#pragma warning restore CA1050
{
    public const string ThresholdVariable = "HARRIER_TEST_KILL_AFTER";

    public static void Initialize()
    {
        var value = Environment.GetEnvironmentVariable(ThresholdVariable);
        if (value is not null && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var threshold))
        {
            Console.SetError(new KillingWriter(Console.Error, threshold));
        }
    }

    private sealed class KillingWriter(TextWriter inner, int threshold) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            var parts = (value ?? "").Split(' ');
            var due = parts switch
            {
                ["progress", "scan", ..] => threshold == 0,
                ["progress", "hash", var done, _] => int.Parse(done, CultureInfo.InvariantCulture) >= threshold,
                _ => false,
            };
            if (due)
            {
                inner.Flush();
                Process.GetCurrentProcess().Kill(); // SIGKILL to itself: no finally blocks, no flushes, no disposal
            }
        }

        public override void Flush() => inner.Flush();
    }
}
