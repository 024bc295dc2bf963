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

    /// <summary>
    /// Whether the sink also wants the frame at each whole second: decoder frame s · ⌊fps⌋, the frame a bank video is
    /// hashed at by the interchange default of one hash a second (<see cref="VpdqOptions.FrameModulus"/> at 1 s). False
    /// by default; when true the pump decodes those frames too (not hashed as vPDQ, not given to <see cref="OnFrame"/>
    /// unless they are sampled frames as well) and hands them to <see cref="OnWholeSecondFrame"/>.
    /// </summary>
    bool WantsWholeSecondFrames => false;

    /// <summary>
    /// Called once for each whole-second frame when <see cref="WantsWholeSecondFrames"/>, in frame order, on the thread
    /// that reads frames, before <see cref="OnFrame"/> for the same frame when it is also a sampled one; the pixels are
    /// valid only during the call.
    /// </summary>
    /// <param name="info">The probed stream the frame comes from.</param>
    /// <param name="frame">The decoded frame.</param>
    /// <param name="seconds">The frame's time: its number divided by the stream's frame rate.</param>
    void OnWholeSecondFrame(VideoStreamInfo info, VideoFrame frame, double seconds)
    {
    }
}
