using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Harrier.Media.Video;

/// <summary>
/// One ffmpeg/ffprobe child: stdout read as a stream, stderr kept (last lines) for error messages, a watchdog that kills
/// the process when it writes nothing for <see cref="FfmpegOptions.StallTimeout"/>, and a kill on cancel or dispose.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private const int MaxStderrLines = 40;

    private readonly Process _process;
    private readonly ITimer _watchdog;
    private readonly TimeSpan _stallTimeout;
    private readonly Queue<string> _stderr = new();
    private readonly Task _stderrPump;
    private readonly CancellationTokenRegistration _cancelRegistration;
    private volatile bool _stalled;
    private volatile bool _cancelled;

    private FfmpegProcess(Process process, FfmpegOptions options, string toolName, CancellationToken cancellationToken)
    {
        _process = process;
        ToolName = toolName;
        _stallTimeout = options.StallTimeout;
        _stderrPump = Task.Run(PumpStderrAsync, CancellationToken.None);
        _watchdog = options.TimeProvider.CreateTimer(static s => ((FfmpegProcess)s!).OnStall(), this, _stallTimeout, Timeout.InfiniteTimeSpan);
        _cancelRegistration = cancellationToken.Register(static s => ((FfmpegProcess)s!).OnCancel(), this);
    }

    public string ToolName { get; }

    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Whether the watchdog killed the process.</summary>
    public bool Stalled => _stalled;

    /// <summary>Starts <paramref name="executable"/>; a missing binary is an <see cref="FfmpegNotFoundException"/>.</summary>
    public static FfmpegProcess Start(string executable, IEnumerable<string> arguments, FfmpegOptions options, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new FfmpegNotFoundException($"could not start {executable}");
        }
        catch (Win32Exception e)
        {
            throw new FfmpegNotFoundException(
                $"{Path.GetFileName(executable)} not found or not executable (\"{executable}\": {e.Message}). " +
                "Install ffmpeg (Debian: apt-get install ffmpeg) or set HARRIER_FFMPEG / HARRIER_FFPROBE.", e);
        }

        process.StandardInput.Close();
        return new FfmpegProcess(process, options, Path.GetFileName(executable), cancellationToken);
    }

    /// <summary>Fills <paramref name="buffer"/> completely; false at end of output before the first byte.</summary>
    /// <exception cref="EndOfStreamException">The output ended part-way through the buffer.</exception>
    public async ValueTask<bool> ReadBlockAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await Output.ReadAsync(buffer[filled..], cancellationToken);
            if (n == 0)
            {
                if (filled == 0)
                {
                    return false;
                }

                throw new EndOfStreamException(string.Create(CultureInfo.InvariantCulture, $"output ended after {filled} of {buffer.Length} bytes of a frame"));
            }

            filled += n;
            Touch();
        }

        return true;
    }

    /// <summary>Reads all of stdout as text (ffprobe), feeding the watchdog as data arrives.</summary>
    public async Task<string> ReadAllTextAsync(CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await Output.ReadAsync(buffer, cancellationToken)) > 0)
        {
            ms.Write(buffer, 0, n);
            Touch();
        }

        return System.Text.Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>Reads stdout line by line (ffprobe CSV), feeding the watchdog as data arrives; nothing is buffered beyond a line.</summary>
    public async IAsyncEnumerable<string> ReadLinesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(Output, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 65536, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            Touch();
            yield return line;
        }
    }

    /// <summary>Waits for exit (under the watchdog) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _stderrPump;
        _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return _process.ExitCode;
    }

    /// <summary>The last lines ffmpeg wrote to stderr.</summary>
    public IReadOnlyList<string> StderrLines
    {
        get
        {
            lock (_stderr)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>Throws the right exception when the watchdog or a cancel killed the process.</summary>
    public void ThrowIfKilled(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_stalled)
        {
            throw new VideoException(path, string.Create(CultureInfo.InvariantCulture,
                $"{ToolName} produced no output for {_stallTimeout.TotalSeconds:0.###} s and was killed (stuck or unreadable input)"));
        }

        if (_cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>A one-line summary of stderr for error messages.</summary>
    public string StderrSummary()
    {
        var lines = StderrLines;
        if (lines.Count == 0)
        {
            return "no message";
        }

        var picked = lines.Count <= 3 ? lines : [lines[0], "…", lines[^1]];
        return string.Join(" | ", picked);
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _cancelRegistration.Dispose();
        Kill();
        _process.Dispose();
    }

    private void Touch() => _watchdog.Change(_stallTimeout, Timeout.InfiniteTimeSpan);

    private void OnStall()
    {
        _stalled = true;
        Kill();
    }

    private void OnCancel()
    {
        _cancelled = true;
        Kill();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited or never started: nothing to kill.
        }
        catch (Win32Exception)
        {
            // The process exited between the check and the kill.
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.Enqueue(line.Trim());
                    if (_stderr.Count > MaxStderrLines)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed; what was read is kept.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reading.
        }
    }
}
