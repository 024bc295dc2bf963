namespace Harrier.Media.Video;

/// <summary>
/// Whether keyframe-only decoding (<c>-skip_frame nokey</c>) yields exactly the frames a frame-modulus sampling selects,
/// decided from the container's packet table without decoding (<see cref="VideoFrameReader.PlanKeyframesAsync"/>).
/// </summary>
/// <param name="Usable">True when every sampled frame is a keyframe and the packet table is clean enough to number frames from it.</param>
/// <param name="Reason">Why keyframe decoding was refused (or a short description of the plan when usable).</param>
/// <param name="KeyframeNumbers">When usable: the decoder frame number of every keyframe in presentation order (the i-th frame a
/// keyframe-only decoder outputs is frame <c>KeyframeNumbers[i]</c>); empty otherwise.</param>
/// <param name="FrameCount">Frames (packets) in the stream when usable; the number read before the decision otherwise.</param>
public sealed record KeyframePlan(bool Usable, string Reason, IReadOnlyList<int> KeyframeNumbers, long FrameCount)
{
    internal static KeyframePlan Refuse(string reason, long frames) => new(false, reason, [], frames);
}

/// <summary>
/// Thrown while reading keyframes only when the decoder's output does not line up with the packet table the plan was
/// made from (more or fewer keyframes). The frames already delivered must be discarded and the file decoded fully.
/// </summary>
public sealed class KeyframePlanMismatchException : VideoException
{
    public KeyframePlanMismatchException()
        : base("keyframe-only decoding did not match the packet table")
    {
    }

    public KeyframePlanMismatchException(string message)
        : base(message)
    {
    }

    public KeyframePlanMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KeyframePlanMismatchException(string path, string detail, Exception? innerException = null)
        : base(path, detail, innerException)
    {
    }
}
