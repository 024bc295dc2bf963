namespace Harrier.Media.Video;

/// <summary>
/// What ffmpeg said while decoding a file that still produced frames (e.g. a truncated file decodes up to the cut and
/// reports it). Empty when decoding was clean.
/// </summary>
public sealed class VideoDiagnostics
{
    private readonly List<string> _messages = [];

    /// <summary>ffmpeg's error-level messages (last lines kept).</summary>
    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Frames delivered.</summary>
    public int FramesRead { get; internal set; }

    internal void Add(IEnumerable<string> messages) => _messages.AddRange(messages.Where(m => m.Length > 0));
}
