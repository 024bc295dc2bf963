using System.Numerics;
using System.Runtime.InteropServices;
using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>
/// The PDQ core after luma (spec §1.3–1.9), in float32 with the reference's exact operation order.
/// Two implementations of the blur and decimation exist: <see cref="Buffer64Reference"/>, a literal scalar port kept
/// as the oracle, and <see cref="Buffer64Fast"/>, which reorders only <em>independent</em> work (several rows or columns
/// at once, SIMD lanes = independent columns, outputs that decimation never reads are not computed). Every float
/// that reaches the 64×64 buffer goes through the same sequence of IEEE single operations in both, so they are
/// bit-identical; tests compare them on random inputs.
/// </summary>
internal static class PdqCore
{
    public const int BufferDim = 64;
    public const int BufferLength = BufferDim * BufferDim;
    public const int DctDim = 16;
    public const int DctLength = DctDim * DctDim;
    public const int Pre512Size = 512;
    public const int MinDimension = 5;

    /// <summary>D (16×64): D[i][k] = (float)(s·cos(π/128·(i+1)·(2k+1))), s = (float)√(2/64), product in double.</summary>
    private static readonly float[] DctMatrix = BuildDctMatrix();

    private static float[] BuildDctMatrix()
    {
        var m = new float[DctDim * BufferDim];
        var scale = (float)Math.Sqrt(2.0 / 64.0);
        for (var i = 0; i < DctDim; i++)
        {
            for (var k = 0; k < BufferDim; k++)
            {
                m[(i * BufferDim) + k] = (float)(scale * Math.Cos(Math.PI / 128.0 * (i + 1) * ((2 * k) + 1)));
            }
        }

        return m;
    }

    /// <summary>Jarosz box window for one axis: half an output cell, rounded up (spec §1.3).</summary>
    public static int WindowSize(int oldDimension) => (oldDimension + (2 * BufferDim) - 1) / (2 * BufferDim);

    /// <summary>Decimation source index (spec §1.4), computed in double and truncated.</summary>
    public static int DecimationIndex(int i, int size) => (int)((i + 0.5) * size / BufferDim);

    // ---------------------------------------------------------------- reference (oracle) path

    /// <summary>
    /// One 1-D box filter over <paramref name="n"/> samples spaced <paramref name="stride"/> apart, exactly as the
    /// reference orders the float ops: one running sum; add first half−1 samples; then W−half+1 outputs that each
    /// add one sample; then add-right-then-subtract-left with divisor W; then subtract-left with a shrinking divisor.
    /// </summary>
    public static void Box1DReference(ReadOnlySpan<float> input, Span<float> output, int start, int n, int stride, int window)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = n - window;
        var phase4 = half - 1;
        int li = start, ri = start, oi = start;
        var sum = 0.0f;
        var count = 0;
        for (var i = 0; i < phase1; i++)
        {
            sum += input[ri];
            count++;
            ri += stride;
        }

        for (var i = 0; i < phase2; i++)
        {
            sum += input[ri];
            count++;
            output[oi] = sum / count;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < phase3; i++)
        {
            sum += input[ri];
            sum -= input[li];
            output[oi] = sum / count;
            li += stride;
            ri += stride;
            oi += stride;
        }

        for (var i = 0; i < phase4; i++)
        {
            sum -= input[li];
            count--;
            output[oi] = sum / count;
            li += stride;
            oi += stride;
        }
    }

    /// <summary>
    /// Literal port: 2 × (box along rows into scratch, box along columns back), then decimate. Overwrites
    /// <paramref name="luma"/>. A 64×64 input bypasses blur and decimation (spec §1.4).
    /// </summary>
    public static void Buffer64Reference(Span<float> luma, Span<float> scratch, int width, int height, Span<float> buffer64)
    {
        if (width == BufferDim && height == BufferDim)
        {
            luma[..BufferLength].CopyTo(buffer64);
            return;
        }

        var wx = WindowSize(width);
        var wy = WindowSize(height);
        for (var pass = 0; pass < 2; pass++)
        {
            for (var y = 0; y < height; y++)
            {
                Box1DReference(luma, scratch, y * width, width, 1, wx);
            }

            for (var x = 0; x < width; x++)
            {
                Box1DReference(scratch, luma, x, height, width, wy);
            }
        }

        for (var i = 0; i < BufferDim; i++)
        {
            var yi = DecimationIndex(i, height);
            for (var j = 0; j < BufferDim; j++)
            {
                buffer64[(i * BufferDim) + j] = luma[(yi * width) + DecimationIndex(j, width)];
            }
        }
    }

    // ---------------------------------------------------------------- fast path

    /// <summary>
    /// The 64×64 buffer of a dense luma image through <see cref="PdqJaroszStream"/> (bit-identical to
    /// <see cref="Buffer64Reference"/>); a 64×64 input is copied (bypass).
    /// </summary>
    public static void Buffer64Fast(ReadOnlySpan<float> luma, int width, int height, Span<float> buffer64)
    {
        if (width == BufferDim && height == BufferDim)
        {
            luma[..BufferLength].CopyTo(buffer64);
            return;
        }

        using var stream = new PdqJaroszStream(width, height);
        for (var y = 0; y < height; y += PdqJaroszStream.Block)
        {
            var rows = Math.Min(PdqJaroszStream.Block, height - y);
            stream.AddRows(luma.Slice(y * width, rows * width), rows);
        }

        stream.Finish(buffer64);
    }

    /// <summary>
    /// The 64×64 buffer straight from pixels: luma is computed a block of rows at a time and streamed through the
    /// blur, so no full-frame float buffer exists. With <paramref name="pre512"/>, rows and columns are first picked by
    /// the C++ CLI's 512×512 nearest-neighbour rule.
    /// </summary>
    public static void Buffer64FromPixels(ReadOnlySpan<byte> pixels, PdqPixelFormat format, int width, int height, int stride, bool pre512, Span<float> buffer64)
    {
        var rows = new PixelRows(pixels, stride);
        Buffer64(ref rows, format, width, height, pre512, buffer64);
    }

    /// <summary>
    /// <see cref="Buffer64FromPixels"/> fed by a row reader (top to bottom): at most a block of source rows is held,
    /// and with <paramref name="pre512"/> rows the nearest-neighbour rule never picks are skipped.
    /// </summary>
    public static void Buffer64FromReader(Imaging.ImageRowReader reader, bool pre512, Span<float> buffer64)
    {
        var format = reader.Format == Imaging.DecodedPixelFormat.Gray8 ? PdqPixelFormat.Gray8 : PdqPixelFormat.Rgba32;
        var rowsAtOnce = pre512 ? 1 : PdqJaroszStream.Block;
        var source = MediaBuffers.Rent<byte>(rowsAtOnce * reader.Stride);
        try
        {
            var rows = new ReaderRows(reader, source, rowsAtOnce);
            Buffer64(ref rows, format, reader.Width, reader.Height, pre512, buffer64);
        }
        finally
        {
            MediaBuffers.Return(source);
        }
    }

    /// <summary>
    /// The one path from source rows to the 64×64 buffer (pixels in memory or a streaming reader, <see cref="IRowSource"/>):
    /// each output row's luma (the source row, or with <paramref name="pre512"/> the nearest-neighbour pick of rows and
    /// columns), a block of rows at a time through the blur; a 64×64 source goes straight in.
    /// </summary>
    private static void Buffer64<TRows>(ref TRows rows, PdqPixelFormat format, int width, int height, bool pre512, Span<float> buffer64)
        where TRows : IRowSource, allows ref struct
    {
        var outW = pre512 ? Pre512Size : width;
        var outH = pre512 ? Pre512Size : height;
        var block = MediaBuffers.Rent<float>(PdqJaroszStream.Block * outW);
        int[]? xs = null;
        byte[]? picked = null;
        try
        {
            if (pre512)
            {
                var bpp = PdqLuma.BytesPerPixel(format);
                xs = new int[Pre512Size];
                for (var x = 0; x < Pre512Size; x++)
                {
                    xs[x] = PdqLuma.Pre512Source(x, width) * bpp;
                }

                picked = MediaBuffers.Rent<byte>(Pre512Size * bpp);
            }

            if (outW == BufferDim && outH == BufferDim)
            {
                for (var y = 0; y < BufferDim; y++)
                {
                    LumaRow(ref rows, format, y, height, xs, picked, buffer64.Slice(y * BufferDim, BufferDim));
                }

                return;
            }

            using var stream = new PdqJaroszStream(outW, outH);
            for (var y = 0; y < outH; y += PdqJaroszStream.Block)
            {
                var count = Math.Min(PdqJaroszStream.Block, outH - y);
                for (var k = 0; k < count; k++)
                {
                    LumaRow(ref rows, format, y + k, height, xs, picked, block.AsSpan(k * outW, outW));
                }

                stream.AddRows(block.AsSpan(0, count * outW), count);
            }

            stream.Finish(buffer64);
        }
        finally
        {
            MediaBuffers.Return(block);
            if (picked is not null)
            {
                MediaBuffers.Return(picked);
            }
        }
    }

    /// <summary>One luma row: source row <paramref name="y"/>, or with <paramref name="xs"/> the pre-512 nearest pick.</summary>
    private static void LumaRow<TRows>(ref TRows rows, PdqPixelFormat format, int y, int height, int[]? xs, byte[]? picked, Span<float> dst)
        where TRows : IRowSource, allows ref struct
    {
        if (xs is null)
        {
            PdqLuma.Row(rows.Row(y), format, dst);
            return;
        }

        var bpp = PdqLuma.BytesPerPixel(format);
        var src = rows.Row(PdqLuma.Pre512Source(y, height));
        for (var x = 0; x < xs.Length; x++)
        {
            src.Slice(xs[x], bpp).CopyTo(picked.AsSpan(x * bpp, bpp));
        }

        PdqLuma.Row(picked, format, dst);
    }

    /// <summary>Source rows for <see cref="Buffer64"/>, asked for in non-decreasing order.</summary>
    private interface IRowSource
    {
        /// <summary>Row <paramref name="y"/> (and possibly more after it).</summary>
        ReadOnlySpan<byte> Row(int y);
    }

    /// <summary>Rows of pixels in memory.</summary>
    private readonly ref struct PixelRows(ReadOnlySpan<byte> pixels, int stride) : IRowSource
    {
        private readonly ReadOnlySpan<byte> _pixels = pixels;

        public ReadOnlySpan<byte> Row(int y) => _pixels.Slice(y * stride);
    }

    /// <summary>Rows from a streaming reader, <c>rowsAtOnce</c> at a time; rows never asked for are skipped.</summary>
    private struct ReaderRows(Imaging.ImageRowReader reader, byte[] buffer, int rowsAtOnce) : IRowSource
    {
        private int _first = -1;
        private int _count;

        public ReadOnlySpan<byte> Row(int y)
        {
            if (y < _first || y >= _first + _count)
            {
                reader.SkipRows(y - reader.NextRow);
                var n = Math.Min(rowsAtOnce, reader.Height - y);
                reader.ReadRows(buffer, n);
                (_first, _count) = (y, n);
            }

            return buffer.AsSpan((y - _first) * reader.Stride, reader.Stride);
        }
    }

    /// <summary>Turns a row of running sums into means (count per position as in the reference).</summary>
    internal static void FinishRow(Span<float> sums, Span<float> dst, int y, int n, int window, ReadOnlySpan<int> sampleCols)
    {
        var half = (window + 2) / 2;
        var phase2 = window - half + 1;
        var phase3End = n - half + 1;
        if (sampleCols.IsEmpty)
        {
            for (var p = 0; p < phase2; p++)
            {
                sums[p] /= half + p;
            }

            DivideInPlace(sums[phase2..phase3End], window);
            for (var p = phase3End; p < n; p++)
            {
                sums[p] /= window - 1 - (p - phase3End);
            }
        }
        else
        {
            var row = dst.Slice(y * BufferDim, BufferDim);
            for (var j = 0; j < BufferDim; j++)
            {
                var p = sampleCols[j];
                var count = p < phase2 ? half + p : p < phase3End ? window : window - 1 - (p - phase3End);
                row[j] = sums[p] / count;
            }
        }
    }

    internal static void DivideInPlace(Span<float> values, int divisor)
    {
        var d = (float)divisor;
        var i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var vd = new Vector<float>(d);
            var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (var v = 0; v < vectors.Length; v++)
            {
                vectors[v] /= vd;
            }

            i = vectors.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            values[i] /= d;
        }
    }

    /// <summary>Running sums of one row, in the reference's add/subtract order, undivided.</summary>
    internal static void RunningSums1(ReadOnlySpan<float> a, Span<float> o, int window)
    {
        var n = a.Length;
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = n - window;
        var phase4 = half - 1;
        int ri = 0, li = 0, oi = 0;
        var s = 0.0f;
        for (var i = 0; i < phase1; i++, ri++)
        {
            s += a[ri];
        }

        for (var i = 0; i < phase2; i++, ri++, oi++)
        {
            s += a[ri];
            o[oi] = s;
        }

        for (var i = 0; i < phase3; i++, ri++, li++, oi++)
        {
            s += a[ri];
            s -= a[li];
            o[oi] = s;
        }

        for (var i = 0; i < phase4; i++, li++, oi++)
        {
            s -= a[li];
            o[oi] = s;
        }
    }

    /// <summary>
    /// <see cref="RunningSums1"/> on four rows at once: four independent dependency chains, so the CPU overlaps
    /// their add latencies. Each chain's op sequence is unchanged.
    /// </summary>
    internal static void RunningSums4(
        ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, ReadOnlySpan<float> a3,
        Span<float> o0, Span<float> o1, Span<float> o2, Span<float> o3, int window)
    {
        var n = a0.Length;
        a1 = a1[..n];
        a2 = a2[..n];
        a3 = a3[..n];
        o0 = o0[..n];
        o1 = o1[..n];
        o2 = o2[..n];
        o3 = o3[..n];
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = n - window;
        var phase4 = half - 1;
        int ri = 0, li = 0, oi = 0;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (var i = 0; i < phase1; i++, ri++)
        {
            s0 += a0[ri];
            s1 += a1[ri];
            s2 += a2[ri];
            s3 += a3[ri];
        }

        for (var i = 0; i < phase2; i++, ri++, oi++)
        {
            s0 += a0[ri];
            s1 += a1[ri];
            s2 += a2[ri];
            s3 += a3[ri];
            o0[oi] = s0;
            o1[oi] = s1;
            o2[oi] = s2;
            o3[oi] = s3;
        }

        for (var i = 0; i < phase3; i++, ri++, li++, oi++)
        {
            s0 += a0[ri];
            s1 += a1[ri];
            s2 += a2[ri];
            s3 += a3[ri];
            s0 -= a0[li];
            s1 -= a1[li];
            s2 -= a2[li];
            s3 -= a3[li];
            o0[oi] = s0;
            o1[oi] = s1;
            o2[oi] = s2;
            o3[oi] = s3;
        }

        for (var i = 0; i < phase4; i++, li++, oi++)
        {
            s0 -= a0[li];
            s1 -= a1[li];
            s2 -= a2[li];
            s3 -= a3[li];
            o0[oi] = s0;
            o1[oi] = s1;
            o2[oi] = s2;
            o3[oi] = s3;
        }
    }

    /// <summary>
    /// Box filter down every column of a width×height buffer, streaming row by row with one running sum per column
    /// (SIMD lanes are columns). With <paramref name="sampleRows"/> empty every row is written to the same place in
    /// <paramref name="dst"/>; otherwise only those rows, packed as 64 consecutive rows of <paramref name="width"/>.
    /// </summary>
    internal static void BoxColumns(ReadOnlySpan<float> src, Span<float> dst, Span<float> sums, int width, int height, int window, ReadOnlySpan<int> sampleRows)
    {
        var half = (window + 2) / 2;
        var phase1 = half - 1;
        var phase2 = window - half + 1;
        var phase3 = height - window;
        var phase4 = half - 1;
        sums.Clear();
        int ri = 0, li = 0, oi = 0, count = 0, nextSample = 0;
        for (var i = 0; i < phase1; i++, ri++)
        {
            AddRow(sums, src.Slice(ri * width, width));
            count++;
        }

        for (var i = 0; i < phase2; i++, ri++, oi++)
        {
            AddRow(sums, src.Slice(ri * width, width));
            count++;
            Emit(sums, dst, oi, count, width, sampleRows, ref nextSample);
        }

        for (var i = 0; i < phase3; i++, ri++, li++, oi++)
        {
            AddSubRow(sums, src.Slice(ri * width, width), src.Slice(li * width, width));
            Emit(sums, dst, oi, count, width, sampleRows, ref nextSample);
        }

        for (var i = 0; i < phase4; i++, li++, oi++)
        {
            SubRow(sums, src.Slice(li * width, width));
            count--;
            Emit(sums, dst, oi, count, width, sampleRows, ref nextSample);
        }
    }

    internal static void Emit(ReadOnlySpan<float> sums, Span<float> dst, int row, int count, int width, ReadOnlySpan<int> sampleRows, ref int nextSample)
    {
        if (sampleRows.IsEmpty)
        {
            DivideRow(sums, dst.Slice(row * width, width), count);
            return;
        }

        // Several sampled rows can name the same source row (tiny images): fill each of them.
        while (nextSample < BufferDim && sampleRows[nextSample] == row)
        {
            DivideRow(sums, dst.Slice(nextSample * width, width), count);
            nextSample++;
        }
    }

    internal static void AddRow(Span<float> sums, ReadOnlySpan<float> a)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            for (var v = 0; v < vs.Length; v++)
            {
                vs[v] += va[v];
            }

            i = vs.Length * Vector<float>.Count;
        }

        for (; i < sums.Length; i++)
        {
            sums[i] += a[i];
        }
    }

    internal static void SubRow(Span<float> sums, ReadOnlySpan<float> b)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var v = 0; v < vs.Length; v++)
            {
                vs[v] -= vb[v];
            }

            i = vs.Length * Vector<float>.Count;
        }

        for (; i < sums.Length; i++)
        {
            sums[i] -= b[i];
        }
    }

    /// <summary>sums += a; sums -= b, per lane in that order (two roundings, as the reference).</summary>
    internal static void AddSubRow(Span<float> sums, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (var v = 0; v < vs.Length; v++)
            {
                var t = vs[v] + va[v];
                vs[v] = t - vb[v];
            }

            i = vs.Length * Vector<float>.Count;
        }

        for (; i < sums.Length; i++)
        {
            var t = sums[i] + a[i];
            sums[i] = t - b[i];
        }
    }

    internal static void DivideRow(ReadOnlySpan<float> sums, Span<float> dst, int count)
    {
        var d = (float)count;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vd = new Vector<float>(d);
            var vs = MemoryMarshal.Cast<float, Vector<float>>(sums);
            var vo = MemoryMarshal.Cast<float, Vector<float>>(dst);
            for (var v = 0; v < vs.Length; v++)
            {
                vo[v] = vs[v] / vd;
            }

            i = vs.Length * Vector<float>.Count;
        }

        for (; i < sums.Length; i++)
        {
            dst[i] = sums[i] / d;
        }
    }

    // ---------------------------------------------------------------- quality, DCT, threshold

    /// <summary>Quality 0..100 from the 64×64 buffer (spec §1.5).</summary>
    public static int Quality(ReadOnlySpan<float> buffer64)
    {
        buffer64 = buffer64[..BufferLength];
        var sum = 0;
        for (var i = 0; i < BufferDim - 1; i++)
        {
            for (var j = 0; j < BufferDim; j++)
            {
                var u = buffer64[(i * BufferDim) + j];
                var v = buffer64[((i + 1) * BufferDim) + j];
                var d = (int)((u - v) * 100 / 255);
                sum += Math.Abs(d);
            }
        }

        for (var i = 0; i < BufferDim; i++)
        {
            for (var j = 0; j < BufferDim - 1; j++)
            {
                var u = buffer64[(i * BufferDim) + j];
                var v = buffer64[(i * BufferDim) + j + 1];
                var d = (int)((u - v) * 100 / 255);
                sum += Math.Abs(d);
            }
        }

        return Math.Min(100, sum / 90);
    }

    /// <summary>
    /// 16×16 DCT (frequencies 1..16) of the 64×64 buffer: T = D·A, then B = T·Dᵀ, every sum float32 from 0 over
    /// k = 0..63 in order (spec §1.6). Output row i = vertical frequency i+1.
    /// </summary>
    public static void Dct16(ReadOnlySpan<float> buffer64, Span<float> dct)
    {
        buffer64 = buffer64[..BufferLength];
        dct = dct[..DctLength];
        var d = DctMatrix.AsSpan();
        Span<float> t = stackalloc float[DctDim * BufferDim];
        for (var i = 0; i < DctDim; i++)
        {
            var di = d.Slice(i * BufferDim, BufferDim);
            for (var j = 0; j < BufferDim; j++)
            {
                var sum = 0.0f;
                for (var k = 0; k < BufferDim; k++)
                {
                    sum += di[k] * buffer64[(k * BufferDim) + j];
                }

                t[(i * BufferDim) + j] = sum;
            }
        }

        for (var i = 0; i < DctDim; i++)
        {
            var ti = t.Slice(i * BufferDim, BufferDim);
            for (var j = 0; j < DctDim; j++)
            {
                var dj = d.Slice(j * BufferDim, BufferDim);
                var sum = 0.0f;
                for (var k = 0; k < BufferDim; k++)
                {
                    sum += ti[k] * dj[k];
                }

                dct[(i * DctDim) + j] = sum;
            }
        }
    }

    /// <summary>The 128th smallest of 256 values (0-based sorted[127]), what Torben's selection returns.</summary>
    public static float Median(ReadOnlySpan<float> values)
    {
        Span<float> copy = stackalloc float[DctLength];
        values[..DctLength].CopyTo(copy);
        copy.Sort();
        return copy[(DctLength / 2) - 1];
    }

    /// <summary>Bit k = 16i+j set where B[i][j] &gt; median, strictly (spec §1.7–1.8).</summary>
    public static Hash256 Threshold(ReadOnlySpan<float> dct)
    {
        dct = dct[..DctLength];
        var median = Median(dct);
        Span<ulong> w = stackalloc ulong[4];
        for (var k = 0; k < DctLength; k++)
        {
            if (dct[k] > median)
            {
                w[k >> 6] |= 1UL << (k & 63);
            }
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    /// <summary>The eight dihedral hashes from one DCT (spec §1.9), in reference order.</summary>
    public static void Dihedral(ReadOnlySpan<float> a, Span<Hash256> hashes)
    {
        a = a[..DctLength];
        Span<float> b = stackalloc float[DctLength];
        for (var variant = 0; variant < PdqDihedralResult.Count; variant++)
        {
            for (var i = 0; i < DctDim; i++)
            {
                for (var j = 0; j < DctDim; j++)
                {
                    var v = a[(i * DctDim) + j];
                    // s(x) = +1 for odd x, −1 for even x (0-based index; index 0 is frequency 1).
                    var si = (i & 1) == 1 ? v : -v;
                    var sj = (j & 1) == 1 ? v : -v;
                    var sij = ((i + j) & 1) == 0 ? v : -v;
                    switch ((PdqDihedral)variant)
                    {
                        case PdqDihedral.Original: b[(i * DctDim) + j] = v; break;
                        case PdqDihedral.Rotate90: b[(j * DctDim) + i] = sj; break;
                        case PdqDihedral.Rotate180: b[(i * DctDim) + j] = sij; break;
                        case PdqDihedral.Rotate270: b[(j * DctDim) + i] = si; break;
                        case PdqDihedral.FlipX: b[(i * DctDim) + j] = si; break;
                        case PdqDihedral.FlipY: b[(i * DctDim) + j] = sj; break;
                        case PdqDihedral.FlipPlus1: b[(j * DctDim) + i] = v; break;
                        case PdqDihedral.FlipMinus1: b[(j * DctDim) + i] = sij; break;
                        default: throw new InvalidOperationException();
                    }
                }
            }

            hashes[variant] = Threshold(b);
        }
    }
}
