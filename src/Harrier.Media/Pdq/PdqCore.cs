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
    /// Bit-identical to <see cref="Buffer64Reference"/> (same per-sample op order), faster: rows are filtered four at
    /// a time (independent running sums), column filters stream row by row with SIMD lanes over columns, and the
    /// second pass produces only what decimation reads. Overwrites <paramref name="luma"/>; <paramref name="scratch"/>
    /// needs width×height floats.
    /// </summary>
    public static void Buffer64Fast(Span<float> luma, Span<float> scratch, int width, int height, Span<float> buffer64)
    {
        if (width == BufferDim && height == BufferDim)
        {
            luma[..BufferLength].CopyTo(buffer64);
            return;
        }

        var wx = WindowSize(width);
        var wy = WindowSize(height);
        Span<int> sampleCols = stackalloc int[BufferDim];
        Span<int> sampleRows = stackalloc int[BufferDim];
        for (var i = 0; i < BufferDim; i++)
        {
            sampleCols[i] = DecimationIndex(i, width);
            sampleRows[i] = DecimationIndex(i, height);
        }

        // Pass 1: rows luma→scratch, columns scratch→luma, every output.
        BoxRows(luma, scratch, width, height, wx, default);
        var sums = new float[Math.Max(width, BufferDim)];
        BoxColumns(scratch, luma, sums.AsSpan(0, width), width, height, wy, default);

        // Pass 2: rows luma→compact (only the 64 sampled columns are kept: height×64),
        // then columns over the compact buffer, writing only the 64 sampled rows.
        // The compact buffer fits in scratch unless the image is narrower than 64.
        var compact = width >= BufferDim ? scratch[..(height * BufferDim)] : new float[height * BufferDim];
        BoxRows(luma, compact, width, height, wx, sampleCols);
        BoxColumns(compact, buffer64, sums.AsSpan(0, BufferDim), BufferDim, height, wy, sampleRows);
    }

    /// <summary>
    /// Box filter along each row. With <paramref name="sampleCols"/> empty, writes every output into a dense
    /// width×height <paramref name="dst"/>; otherwise writes only those columns into a height×64 buffer.
    /// </summary>
    private static void BoxRows(ReadOnlySpan<float> src, Span<float> dst, int width, int height, int window, ReadOnlySpan<int> sampleCols)
    {
        var full = sampleCols.IsEmpty;
        var rowSums = full ? default : new float[4 * width];
        var y = 0;
        for (; y + 4 <= height; y += 4)
        {
            Span<float> s0, s1, s2, s3;
            if (full)
            {
                s0 = dst.Slice(y * width, width);
                s1 = dst.Slice((y + 1) * width, width);
                s2 = dst.Slice((y + 2) * width, width);
                s3 = dst.Slice((y + 3) * width, width);
            }
            else
            {
                s0 = rowSums.AsSpan(0, width);
                s1 = rowSums.AsSpan(width, width);
                s2 = rowSums.AsSpan(2 * width, width);
                s3 = rowSums.AsSpan(3 * width, width);
            }

            RunningSums4(
                src.Slice(y * width, width), src.Slice((y + 1) * width, width),
                src.Slice((y + 2) * width, width), src.Slice((y + 3) * width, width),
                s0, s1, s2, s3, window);
            for (var k = 0; k < 4; k++)
            {
                var sumsRow = full ? dst.Slice((y + k) * width, width) : rowSums.AsSpan(k * width, width);
                FinishRow(sumsRow, dst, y + k, width, window, sampleCols);
            }
        }

        Span<float> one = full ? default : rowSums.AsSpan(0, width);
        for (; y < height; y++)
        {
            var sumsRow = full ? dst.Slice(y * width, width) : one;
            RunningSums1(src.Slice(y * width, width), sumsRow, window);
            FinishRow(sumsRow, dst, y, width, window, sampleCols);
        }
    }

    /// <summary>Turns a row of running sums into means (count per position as in the reference).</summary>
    private static void FinishRow(Span<float> sums, Span<float> dst, int y, int n, int window, ReadOnlySpan<int> sampleCols)
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

    private static void DivideInPlace(Span<float> values, int divisor)
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
    private static void RunningSums1(ReadOnlySpan<float> a, Span<float> o, int window)
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
    private static void RunningSums4(
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
    private static void BoxColumns(ReadOnlySpan<float> src, Span<float> dst, Span<float> sums, int width, int height, int window, ReadOnlySpan<int> sampleRows)
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

    private static void Emit(ReadOnlySpan<float> sums, Span<float> dst, int row, int count, int width, ReadOnlySpan<int> sampleRows, ref int nextSample)
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

    private static void AddRow(Span<float> sums, ReadOnlySpan<float> a)
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

    private static void SubRow(Span<float> sums, ReadOnlySpan<float> b)
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
    private static void AddSubRow(Span<float> sums, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
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

    private static void DivideRow(ReadOnlySpan<float> sums, Span<float> dst, int count)
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
