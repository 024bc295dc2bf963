using Harrier.Media.Video;

namespace Harrier.Media.Vpdq;

/// <summary>
/// Work done on every sampled frame besides its vPDQ hash (ingest's border-trimmed, overlay-painted and reframed
/// frame hashes, a keyframe strip), fed by <see cref="VpdqHasher"/>'s one frame pump so a video is decoded once.
/// </summary>
public interface IVpdqFrameSink
{
    /// <summary>
    /// Called once for each sampled frame, in frame order, on the thread that reads frames; the frame's pixels are
    /// valid only during the call.
    /// </summary>
    /// <param name="info">The probed stream the frame comes from.</param>
    /// <param name="frame">The decoded frame.</param>
    /// <param name="seconds">The frame's time: its number divided by the stream's frame rate.</param>
    void OnFrame(VideoStreamInfo info, VideoFrame frame, double seconds);
}
