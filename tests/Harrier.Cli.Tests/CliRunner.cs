using System.Diagnostics;

namespace Harrier.Cli.Tests;

/// <summary>Runs harrier in-process (fast, for output and exit codes) or as a real child process (for kills).</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await HarrierApp.RunAsync(args, new CliHost(stdout, stderr, TimeProvider.System) { Interactive = false });
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The built harrier.dll next to this test assembly.</summary>
    public static string HarrierDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "harrier.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("harrier.dll not next to the tests", path);
        }
    }

    public static ProcessStartInfo ChildStartInfo(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(HarrierDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static async Task<Result> RunChildAsync(IEnumerable<string> args, string? asUser = null)
    {
        var psi = ChildStartInfo(args);
        if (asUser is not null)
        {
            // setpriv drops to an unprivileged uid so file permissions apply (root reads everything).
            var inner = psi.ArgumentList.ToList();
            psi.FileName = "setpriv";
            psi.ArgumentList.Clear();
            foreach (var a in new[] { "--reuid", asUser, "--regid", asUser, "--clear-groups", "--", "dotnet" }.Concat(inner))
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
            psi.Environment["HOME"] = Path.GetTempPath();
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return new Result(p.ExitCode, await outTask, await errTask);
    }
}
