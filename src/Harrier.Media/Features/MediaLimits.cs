namespace Harrier.Media.Features;

/// <summary>
/// What ingest will decode, and how much memory it reserves (<see cref="MemoryBudget"/>) for a file before decoding it.
/// The estimates are upper bounds fitted to the peak resident memory measured on hostile files (benchmarks/ingest-memory.sh,
/// docs/benchmarks.md "Ingest memory"): the .NET side's per-pixel cost of the frames it holds, and ffmpeg's per-pixel
/// cost of the native frames its decoder keeps.
/// </summary>
public sealed record MediaLimits
{
    /// <summary>
    /// A video whose coded frame has more pixels than this is refused with the reason before anything is decoded (as images
    /// are by <see cref="Imaging.ImageDecoderOptions.MaxPixels"/>). Default 100 MP, the image cap: well above 8K UHD (33 MP).
    /// </summary>
    public long MaxVideoPixels { get; init; } = 100_000_000;

    /// <summary>
    /// Video frames of more pixels than this are scaled down by ffmpeg, keeping the aspect ratio, before they reach this
    /// process, and decoded with one decoder thread (ffmpeg's frame threads each hold native frames). Default 3840×2160 (4K
    /// UHD): every common video is hashed at its native size, as the reference does, and a larger one costs at most a 4K
    /// frame here. A note says when a file was scaled.
    /// </summary>
    public long MaxHashPixels { get; init; } = 3840L * 2160;

    /// <summary>The defaults.</summary>
    public static MediaLimits Default { get; } = new();

    /// <summary>Fixed cost of any file (decoder state, the features, a thumbnail).</summary>
    internal const long BaseBytes = 48L << 20;

    /// <summary>
    /// Image: the decoded RGBA (4 bytes a pixel), PDQ's float luma and its filter buffer (4 + 4), and the border and
    /// reframing passes' passing copies: 12 bytes a pixel covers the 9.0 measured on a 100 MP PNG (the whole process's
    /// peak, 857 MiB, baseline included).
    /// </summary>
    internal const long ImageBytesPerPixel = 12;

    /// <summary>
    /// Video, this process: per hashed-frame pixel, the pump's RGB24 frame and its pooled copy, the eight frames held while
    /// a static overlay is looked for (3 bytes each), PDQ's float luma and filter buffer: 3·10 + 8 = 38, rounded up.
    /// </summary>
    internal const long VideoHashBytesPerPixel = 40;

    /// <summary>
    /// Video, ffmpeg: per native pixel, the decoder's YUV frames (1.5 bytes each; a single-threaded decoder keeps a few)
    /// and the scaler's input and output. Measured (ffmpeg's peak RSS, one decoder thread, scaling to 2048×2048) 6.2 bytes a
    /// native pixel on a 67 MP H.264 file and 1.9 on a 256 MP MJPEG one; 8 leaves room for codecs that hold more references.
    /// </summary>
    internal const long VideoDecoderBytesPerPixel = 8;

    /// <summary>ffmpeg's own frames for video under <see cref="MaxHashPixels"/>, decoded with its default frame threads (up to 16 frames in flight).</summary>
    internal const long ThreadedDecoderFrames = 20;

    /// <summary>The memory to reserve for decoding an image of <paramref name="width"/>×<paramref name="height"/> read from <paramref name="fileBytes"/> bytes.</summary>
    public static long ImageBytes(int width, int height, long fileBytes) => BaseBytes + fileBytes + ((long)width * height * ImageBytesPerPixel);

    /// <summary>The memory to reserve for decoding a video of coded size <paramref name="width"/>×<paramref name="height"/>, hashed at <paramref name="hashWidth"/>×<paramref name="hashHeight"/>.</summary>
    public long VideoBytes(int width, int height, int hashWidth, int hashHeight)
    {
        var native = (long)width * height;
        var decoder = native > MaxHashPixels ? native * VideoDecoderBytesPerPixel : native * 3 / 2 * ThreadedDecoderFrames;
        return BaseBytes + decoder + ((long)hashWidth * hashHeight * VideoHashBytesPerPixel);
    }
}
