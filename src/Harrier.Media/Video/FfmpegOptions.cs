namespace Harrier.Media.Video;

/// <summary>Where ffmpeg and ffprobe are, and how long a silent child process may run before it is killed.</summary>
public sealed record FfmpegOptions
{
    /// <summary>The ffmpeg executable: a path, or a name looked up on PATH. Default: $HARRIER_FFMPEG, else <c>ffmpeg</c>.</summary>
    public string FfmpegPath { get; init; } = Environment.GetEnvironmentVariable("HARRIER_FFMPEG") is { Length: > 0 } p ? p : "ffmpeg";

    /// <summary>The ffprobe executable. Default: $HARRIER_FFPROBE, else <c>ffprobe</c>.</summary>
    public string FfprobePath { get; init; } = Environment.GetEnvironmentVariable("HARRIER_FFPROBE") is { Length: > 0 } p ? p : "ffprobe";

    /// <summary>
    /// A child process that writes no output for this long is treated as stuck and killed (the file then fails with a
    /// clear error). It bounds silence, not total time, so hours-long videos are fine. Default 120 s.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Decoder threads passed to ffmpeg (<c>-threads</c>); 0 lets ffmpeg choose.</summary>
    public int DecoderThreads { get; init; }

    /// <summary>The clock behind <see cref="StallTimeout"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The defaults (environment variables read once).</summary>
    public static FfmpegOptions Default { get; } = new();
}
