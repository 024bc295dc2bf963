using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>
/// PDQ perceptual hashing (Meta ThreatExchange), bit-exact with the reference core: float32 luma → 2-pass Jarosz tent
/// blur → 64×64 decimation → quality → 16×16 DCT → median threshold (docs: pdq-vpdq-tmk.md §1).
/// All members are thread-safe; the blur streams rows (no full-frame float buffers), scratch comes from
/// <see cref="MediaBuffers"/> (pooled when small).
/// </summary>
/// <remarks>
/// Images with width or height under 5 give <see cref="Hash256.Zero"/> with quality 0, for either front end.
/// The building blocks (<see cref="ComputeLuma"/>, <see cref="ComputeBuffer64"/>, <see cref="Dct16"/>,
/// <see cref="Quality"/>, <see cref="HashFromDct"/>, <see cref="DihedralFromDct"/>) are public for vPDQ and
/// TMK+PDQF, which reuse the 64×64 buffer and the DCT.
/// </remarks>
public static class PdqHasher
{
    /// <summary>Images narrower or shorter than this hash to zero with quality 0.</summary>
    public const int MinDimension = PdqCore.MinDimension;

    /// <summary>Side of the decimated buffer (64).</summary>
    public const int BufferDim = PdqCore.BufferDim;

    /// <summary>Side of the DCT block (16).</summary>
    public const int DctDim = PdqCore.DctDim;

    // ------------------------------------------------------------------ single hash

    /// <summary>Hashes packed RGB pixels (3 bytes per pixel). For decoded video frames and images.</summary>
    /// <param name="rgb">Pixel rows, top row first.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="stride">Bytes from one row to the next (at least 3·width).</param>
    /// <param name="frontEnd">Full resolution (default; HMA/pytx/vPDQ) or the C++ CLI's 512 pre-resize.</param>
    public static PdqResult HashRgb24(ReadOnlySpan<byte> rgb, int width, int height, int stride, PdqFrontEnd frontEnd = PdqFrontEnd.Full) =>
        Hash(rgb, PdqPixelFormat.Rgb24, width, height, stride, frontEnd);

    /// <summary>Hashes pixels in any <see cref="PdqPixelFormat"/>. Grey is used as luma directly; alpha is ignored.</summary>
    public static PdqResult Hash(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        Span<float> dct = stackalloc float[PdqCore.DctLength];
        if (!TryBufferFromPixels(pixels, format, width, height, stride, frontEnd, buffer64))
        {
            return new PdqResult(Hash256.Zero, 0);
        }

        PdqCore.Dct16(buffer64, dct);
        return new PdqResult(PdqCore.Threshold(dct), PdqCore.Quality(buffer64));
    }

    /// <summary>
    /// Hashes a float32 luma image (row-major, width×height, no padding), e.g. what a video decoder or TMK produced.
    /// A 64×64 input skips the blur (reference bypass).
    /// </summary>
    public static PdqResult HashLuma(ReadOnlySpan<float> luma, int width, int height, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        Span<float> dct = stackalloc float[PdqCore.DctLength];
        if (!TryBufferFromLuma(luma, width, height, frontEnd, buffer64))
        {
            return new PdqResult(Hash256.Zero, 0);
        }

        PdqCore.Dct16(buffer64, dct);
        return new PdqResult(PdqCore.Threshold(dct), PdqCore.Quality(buffer64));
    }

    // ------------------------------------------------------------------ dihedral

    /// <summary>The eight dihedral hashes of packed pixels, from one DCT (spec §1.9).</summary>
    public static PdqDihedralResult HashDihedral(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        Span<float> dct = stackalloc float[PdqCore.DctLength];
        if (!TryBufferFromPixels(pixels, format, width, height, stride, frontEnd, buffer64))
        {
            return ZeroDihedral();
        }

        PdqCore.Dct16(buffer64, dct);
        return DihedralFromDct(dct, PdqCore.Quality(buffer64));
    }

    /// <summary>The eight dihedral hashes of packed RGB pixels.</summary>
    public static PdqDihedralResult HashDihedralRgb24(ReadOnlySpan<byte> rgb, int width, int height, int stride, PdqFrontEnd frontEnd = PdqFrontEnd.Full) =>
        HashDihedral(rgb, PdqPixelFormat.Rgb24, width, height, stride, frontEnd);

    /// <summary>The eight dihedral hashes of a float32 luma image.</summary>
    public static PdqDihedralResult HashDihedralLuma(ReadOnlySpan<float> luma, int width, int height, PdqFrontEnd frontEnd = PdqFrontEnd.Full)
    {
        Span<float> buffer64 = stackalloc float[PdqCore.BufferLength];
        Span<float> dct = stackalloc float[PdqCore.DctLength];
        if (!TryBufferFromLuma(luma, width, height, frontEnd, buffer64))
        {
            return ZeroDihedral();
        }

        PdqCore.Dct16(buffer64, dct);
        return DihedralFromDct(dct, PdqCore.Quality(buffer64));
    }

    // ------------------------------------------------------------------ building blocks

    /// <summary>Float32 luma of packed pixels into a dense width×height buffer (spec §1.2).</summary>
    public static void ComputeLuma(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, Span<float> luma)
    {
        PdqLuma.Validate(pixels, format, width, height, stride);
        RequireLength(luma.Length, (long)width * height, nameof(luma));
        PdqLuma.Image(pixels, format, width, height, stride, luma);
    }

    /// <summary>
    /// The 64×64 buffer of a luma image: 2-pass Jarosz blur then centre-sample decimation (spec §1.3–1.4); a 64×64
    /// input is copied as is. Width and height must be at least 1. Memory: O(blur window × width), not a frame.
    /// </summary>
    public static void ComputeBuffer64(ReadOnlySpan<float> luma, int width, int height, Span<float> buffer64x64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var n = checked(width * height);
        RequireLength(luma.Length, n, nameof(luma));
        RequireLength(buffer64x64.Length, PdqCore.BufferLength, nameof(buffer64x64));
        PdqCore.Buffer64Fast(luma[..n], width, height, buffer64x64);
    }

    /// <summary>
    /// <see cref="ComputeBuffer64"/> through the literal scalar port of the reference (one 1-D box filter at a time,
    /// every output computed). Slower; bit-identical to the default path. Kept as the oracle for tests and benchmarks.
    /// </summary>
    public static void ComputeBuffer64Reference(ReadOnlySpan<float> luma, int width, int height, Span<float> buffer64x64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var n = checked(width * height);
        RequireLength(luma.Length, n, nameof(luma));
        RequireLength(buffer64x64.Length, PdqCore.BufferLength, nameof(buffer64x64));
        var work = luma[..n].ToArray();
        PdqCore.Buffer64Reference(work, new float[n], width, height, buffer64x64);
    }

    /// <summary>
    /// The 16×16 DCT (frequencies 1..16, row = vertical frequency) of a 64×64 float buffer, as PDQ computes it;
    /// PDQF (TMK) uses it directly.
    /// </summary>
    public static void Dct16(ReadOnlySpan<float> buffer64x64, Span<float> dct256)
    {
        RequireLength(buffer64x64.Length, PdqCore.BufferLength, nameof(buffer64x64));
        RequireLength(dct256.Length, PdqCore.DctLength, nameof(dct256));
        PdqCore.Dct16(buffer64x64, dct256);
    }

    /// <summary>The quality metric (0..100) of a 64×64 buffer (spec §1.5).</summary>
    public static int Quality(ReadOnlySpan<float> buffer64x64)
    {
        RequireLength(buffer64x64.Length, PdqCore.BufferLength, nameof(buffer64x64));
        return PdqCore.Quality(buffer64x64);
    }

    /// <summary>The hash of a 16×16 DCT: bit 16i+j set where the coefficient is above the median (spec §1.7).</summary>
    public static Hash256 HashFromDct(ReadOnlySpan<float> dct256)
    {
        RequireLength(dct256.Length, PdqCore.DctLength, nameof(dct256));
        return PdqCore.Threshold(dct256);
    }

    /// <summary>The eight dihedral hashes of a 16×16 DCT, with the quality they share.</summary>
    public static PdqDihedralResult DihedralFromDct(ReadOnlySpan<float> dct256, int quality)
    {
        RequireLength(dct256.Length, PdqCore.DctLength, nameof(dct256));
        Span<Hash256> hashes = stackalloc Hash256[PdqDihedralResult.Count];
        PdqCore.Dihedral(dct256, hashes);
        return PdqDihedralResult.FromSpan(hashes, quality);
    }

    // ------------------------------------------------------------------ internals

    /// <summary>Front end from packed pixels to the 64×64 buffer; false for an image under the minimum size.</summary>
    internal static bool TryBufferFromPixels(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, PdqFrontEnd frontEnd, Span<float> buffer64)
    {
        PdqLuma.Validate(pixels, format, width, height, stride);
        if (width < MinDimension || height < MinDimension)
        {
            return false;
        }

        var pre512 = frontEnd == PdqFrontEnd.Pre512 && (width > PdqCore.Pre512Size || height > PdqCore.Pre512Size);
        PdqCore.Buffer64FromPixels(pixels, format, width, height, stride, pre512, buffer64);
        return true;
    }

    internal static bool TryBufferFromLuma(ReadOnlySpan<float> luma, int width, int height, PdqFrontEnd frontEnd, Span<float> buffer64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        RequireLength(luma.Length, (long)width * height, nameof(luma));
        if (width < MinDimension || height < MinDimension)
        {
            return false;
        }

        if (frontEnd == PdqFrontEnd.Pre512 && (width > PdqCore.Pre512Size || height > PdqCore.Pre512Size))
        {
            const int n512 = PdqCore.Pre512Size * PdqCore.Pre512Size;
            var luma512 = MediaBuffers.Rent<float>(n512);
            try
            {
                PdqLuma.LumaPre512(luma, width, height, luma512);
                PdqCore.Buffer64Fast(luma512.AsSpan(0, n512), PdqCore.Pre512Size, PdqCore.Pre512Size, buffer64);
            }
            finally
            {
                MediaBuffers.Return(luma512);
            }

            return true;
        }

        PdqCore.Buffer64Fast(luma, width, height, buffer64);
        return true;
    }

    internal static PdqDihedralResult ZeroDihedral() =>
        new(Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero, 0);

    private static void RequireLength(long actual, long required, string name)
    {
        if (actual < required)
        {
            throw new ArgumentException($"needs at least {required} elements, got {actual}", name);
        }
    }
}
