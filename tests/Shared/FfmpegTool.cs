using System.Diagnostics;

namespace Harrier.Testing;

/// <summary>
/// Runs the real ffmpeg to make test media: <c>-nostdin -hide_banner -loglevel error -y</c>, then the arguments.
/// Throws with ffmpeg's error output when it fails, so a broken fixture fails the test that needs it.
/// </summary>
internal static class FfmpegTool
{
    /// <summary>Runs ffmpeg with <paramref name="arguments"/> (the output path last).</summary>
    public static void Run(params string[] arguments)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-y" }.Concat(arguments))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed (exit {p.ExitCode}): {err}");
        }
    }

    /// <summary>Runs ffmpeg with <paramref name="arguments"/> split on spaces, writing <paramref name="output"/>.</summary>
    public static void Run(string arguments, string output) => Run([.. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), output]);
}
