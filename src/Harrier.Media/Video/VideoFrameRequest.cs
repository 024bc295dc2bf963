namespace Harrier.Media.Video;

/// <summary>Which frames to decode and how to scale them.</summary>
public sealed record VideoFrameRequest
{
    /// <summary>
    /// vPDQ: keep decoder frames whose 0-based index is a multiple of this (1 = every frame). Ignored when
    /// <see cref="ResampleFramesPerSecond"/> is set.
    /// </summary>
    public int FrameModulus { get; init; } = 1;

    /// <summary>
    /// Also keep decoder frames whose index is a multiple of this (frames of both series come once each, in frame order,
    /// numbered as a full decode numbers them): the frame pump's whole-second frames beside vPDQ's sampled ones
    /// (<see cref="Vpdq.IVpdqFrameSink.WantsWholeSecondFrames"/>). Null, or a multiple of <see cref="FrameModulus"/>,
    /// adds none; ignored with <see cref="ResampleFramesPerSecond"/> or <see cref="KeyframeNumbers"/>.
    /// </summary>
    public int? AlsoFrameModulus { get; init; }

    /// <summary>The extra modulus that actually adds frames to a plain decimating decode, or null (<see cref="AlsoFrameModulus"/>).</summary>
    internal int? EffectiveAlsoModulus =>
        AlsoFrameModulus is { } also && ResampleFramesPerSecond is null && KeyframeNumbers is null && FrameModulus > 1 && also % FrameModulus != 0
            ? also
            : null;

    /// <summary>Output width, or null for the native width.</summary>
    public int? Width { get; init; }

    /// <summary>Output height, or null for the native height.</summary>
    public int? Height { get; init; }

    /// <summary>swscale flags (<c>area+accurate_rnd</c> for vPDQ, <c>bicubic</c> = ffmpeg's CLI default for TMK).</summary>
    public string ScaleFlags { get; init; } = "area+accurate_rnd";

    /// <summary>
    /// Resample to this constant rate the way <c>ffmpeg -r</c> does (frames duplicated or dropped on the timeline),
    /// as TMK does; null keeps every decoder frame (no duplication, variable frame rate preserved).
    /// </summary>
    public int? ResampleFramesPerSecond { get; init; }

    /// <summary>
    /// Apply the rotation metadata before hashing. The vPDQ reference decodes with libav and ignores it (false); the TMK
    /// reference runs the ffmpeg CLI, which applies it (true).
    /// </summary>
    public bool ApplyRotation { get; init; }

    /// <summary>
    /// Decode keyframes only (<c>-skip_frame nokey</c>): the i-th frame the decoder outputs is decoder frame number
    /// <c>KeyframeNumbers[i]</c> of a full decode, and only those that are multiples of <see cref="FrameModulus"/> are
    /// delivered. Only valid from a usable <see cref="KeyframePlan"/> for the same file and modulus; null decodes every
    /// frame. A decoder output that does not line up with the list throws <see cref="KeyframePlanMismatchException"/>.
    /// </summary>
    public IReadOnlyList<int>? KeyframeNumbers { get; init; }

    /// <summary>
    /// vPDQ sampling: native size (or N×N), area scaling, every <paramref name="frameModulus"/>-th decoder frame.
    /// </summary>
    /// <remarks>
    /// <c>accurate_rnd</c> is added to SWS_AREA: measured on the upstream samples (ffmpeg 5.1 here), it makes swscale's
    /// YUV→RGB conversion agree with the pixels the reference hashes were made from (144 of the first 150 frames of
    /// chair-19 bit-identical instead of 78; mean distance 0.08 instead of 1.03).
    /// </remarks>
    public static VideoFrameRequest Vpdq(int frameModulus, int? downsample = null) => new()
    {
        FrameModulus = frameModulus,
        Width = downsample,
        Height = downsample,
        ScaleFlags = "area+accurate_rnd",
    };

    /// <summary>TMK+PDQF sampling (spec §3.1): 64×64, ffmpeg's default bicubic scaling, resampled to 15 fps, rotation applied.</summary>
    public static VideoFrameRequest Tmk() => new()
    {
        Width = 64,
        Height = 64,
        ScaleFlags = "bicubic",
        ResampleFramesPerSecond = 15,
        ApplyRotation = true,
    };
}
