using System.Runtime.CompilerServices;

namespace Harrier.Testing;

/// <summary>
/// Every test process keeps its case keys in a throw-away folder, never in the real per-user key store of whoever runs the
/// tests: <c>HARRIER_KEYS</c> is set, before any test runs, to a fresh temp folder (inherited by the harrier child
/// processes the CLI tests start) and removed when the process ends. A child that loads a test assembly too (a startup
/// hook) keeps the folder its parent made.
/// </summary>
internal static class TestKeyStore
{
    /// <summary>The key store folder of this test process.</summary>
    public static string Directory { get; private set; } = string.Empty;

#pragma warning disable CA2255 // a test assembly's one process-wide setting, made before any test can create a case
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        const string Inherited = "HARRIER_TEST_KEYS";
        if (Environment.GetEnvironmentVariable(Inherited) is { Length: > 0 } parents)
        {
            Directory = parents;
            Environment.SetEnvironmentVariable("HARRIER_KEYS", parents);
            return;
        }

        Directory = Path.Combine(System.IO.Directory.CreateTempSubdirectory("harrier-test-keys-").FullName, "keys");
        Environment.SetEnvironmentVariable("HARRIER_KEYS", Directory);
        Environment.SetEnvironmentVariable(Inherited, Directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(Path.GetDirectoryName(Directory)!, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        };
    }
}
