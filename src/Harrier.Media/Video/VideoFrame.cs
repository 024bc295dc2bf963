namespace Harrier.Media.Video;

/// <summary>
/// One decoded frame as packed RGB24 rows (no padding). The pixel memory is reused for the next frame: copy it if it
/// must outlive the current iteration.
/// </summary>
/// <param name="FrameNumber">vPDQ: the 0-based index of the frame in decoder output. TMK: the index at the resampled 15 fps.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb24">Width·Height·3 bytes, top row first.</param>
public readonly record struct VideoFrame(int FrameNumber, int Width, int Height, ReadOnlyMemory<byte> Rgb24);
