using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Harrier.Chain.Store;

/// <summary>
/// CPU time of the calling thread, so a one-thread pass can be timed in CPU seconds: on a shared machine wall time
/// mostly measures waiting for a core. Linux's <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>; elsewhere the process's
/// CPU time (the same for a pass that is the only busy thread).
/// </summary>
internal static partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
                {
                    return t.Seconds + (t.Nanoseconds / 1e9);
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // No libc under that name: fall back to the process clock.
            }
        }

        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }
}
