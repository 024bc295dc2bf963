
namespace Harrier.Media.Pdq;

/// <summary>
/// The 2-pass Jarosz blur and decimation as a row stream: luma rows go in (in blocks of up to 4), the 64×64 buffer
/// comes out, and memory is O(window × width) instead of two full-frame float buffers.
/// </summary>
/// <remarks>
/// Bit-identical to <see cref="PdqCore.Buffer64Reference"/>: every output sample sees the same float32 operations in
/// the same order. Pass 1 rows: four independent running sums at a time, written into a ring of the last W+4 rows.
/// Pass 1 columns: one running sum per column (SIMD lanes = columns), advanced as each row arrives, so a blurred row
/// is final as soon as the row W/2 below it has arrived. Pass 2 rows: run over each such row, keeping only the 64
/// columns decimation reads. Pass 2 columns: over that height×64 buffer, writing only the 64 sampled rows.
/// </remarks>
internal sealed class PdqJaroszStream : IDisposable
{
    public const int Block = 4;

    private readonly int _width;
    private readonly int _height;
    private readonly int _wx;
    private readonly int _wy;
    private readonly int _phase1;
    private readonly int _ringRows;
    private readonly float[] _ring;
    private readonly float[] _columnSums;
    private readonly float[] _pass1Out;
    private readonly float[] _rowSums;
    private readonly float[] _compact;
    private readonly int[] _sampleCols = new int[PdqCore.BufferDim];
    private readonly int[] _sampleRows = new int[PdqCore.BufferDim];
    private int _rowsIn;
    private int _count;
    private int _pending;
    private int _compactRows;

    public PdqJaroszStream(int width, int height)
    {
        _width = width;
        _height = height;
        _wx = PdqCore.WindowSize(width);
        _wy = PdqCore.WindowSize(height);
        _phase1 = ((_wy + 2) / 2) - 1;

        // Rows r−W..r must be live while row r is consumed, and a whole block is written before it is consumed.
        _ringRows = _wy + Block;
        _ring = MediaBuffers.Rent<float>(_ringRows * width);
        _columnSums = MediaBuffers.Rent<float>(Math.Max(width, PdqCore.BufferDim));
        _pass1Out = MediaBuffers.Rent<float>(Block * width);
        _rowSums = MediaBuffers.Rent<float>(Block * width);
        _compact = MediaBuffers.Rent<float>(height * PdqCore.BufferDim);
        _columnSums.AsSpan(0, width).Clear();
        for (var i = 0; i < PdqCore.BufferDim; i++)
        {
            _sampleCols[i] = PdqCore.DecimationIndex(i, width);
            _sampleRows[i] = PdqCore.DecimationIndex(i, height);
        }
    }

    private Span<float> Ring(int row) => _ring.AsSpan(row % _ringRows * _width, _width);

    /// <summary>Adds <paramref name="rows"/> (1..4) luma rows, stored consecutively in <paramref name="luma"/>.</summary>
    public void AddRows(ReadOnlySpan<float> luma, int rows)
    {
        var w = _width;
        if (rows == Block)
        {
            PdqCore.RunningSums4(
                luma[..w], luma.Slice(w, w), luma.Slice(2 * w, w), luma.Slice(3 * w, w),
                Ring(_rowsIn), Ring(_rowsIn + 1), Ring(_rowsIn + 2), Ring(_rowsIn + 3), _wx);
        }
        else
        {
            for (var k = 0; k < rows; k++)
            {
                PdqCore.RunningSums1(luma.Slice(k * w, w), Ring(_rowsIn + k), _wx);
            }
        }

        for (var k = 0; k < rows; k++)
        {
            PdqCore.FinishRow(Ring(_rowsIn + k), default, 0, w, _wx, default);
        }

        for (var k = 0; k < rows; k++, _rowsIn++)
        {
            var sums = _columnSums.AsSpan(0, w);
            var ri = _rowsIn;
            if (ri < _wy)
            {
                PdqCore.AddRow(sums, Ring(ri));
                _count++;
                if (ri >= _phase1)
                {
                    EmitPass1Row();
                }
            }
            else
            {
                PdqCore.AddSubRow(sums, Ring(ri), Ring(ri - _wy));
                EmitPass1Row();
            }
        }
    }

    /// <summary>Completes the blur once all rows are in and writes the decimated 64×64 buffer.</summary>
    public void Finish(Span<float> buffer64)
    {
        if (_rowsIn != _height)
        {
            throw new InvalidOperationException($"{_rowsIn} of {_height} rows were added");
        }

        var sums = _columnSums.AsSpan(0, _width);
        for (var k = 0; k < _phase1; k++)
        {
            PdqCore.SubRow(sums, Ring(_height - _wy + k));
            _count--;
            EmitPass1Row();
        }

        FlushPass2Rows();
        PdqCore.BoxColumns(_compact.AsSpan(0, _height * PdqCore.BufferDim), buffer64, _columnSums.AsSpan(0, PdqCore.BufferDim),
            PdqCore.BufferDim, _height, _wy, _sampleRows);
    }

    private void EmitPass1Row()
    {
        PdqCore.DivideRow(_columnSums.AsSpan(0, _width), _pass1Out.AsSpan(_pending * _width, _width), _count);
        if (++_pending == Block)
        {
            FlushPass2Rows();
        }
    }

    /// <summary>Pass 2 along rows for the pending pass-1 rows, keeping the 64 sampled columns.</summary>
    private void FlushPass2Rows()
    {
        var w = _width;
        var o = _pass1Out.AsSpan(0, Block * w);
        var s = _rowSums.AsSpan(0, Block * w);
        if (_pending == Block)
        {
            PdqCore.RunningSums4(o[..w], o.Slice(w, w), o.Slice(2 * w, w), o.Slice(3 * w, w),
                s[..w], s.Slice(w, w), s.Slice(2 * w, w), s.Slice(3 * w, w), _wx);
        }
        else
        {
            for (var k = 0; k < _pending; k++)
            {
                PdqCore.RunningSums1(o.Slice(k * w, w), s.Slice(k * w, w), _wx);
            }
        }

        for (var k = 0; k < _pending; k++)
        {
            PdqCore.FinishRow(s.Slice(k * w, w), _compact, _compactRows + k, w, _wx, _sampleCols);
        }

        _compactRows += _pending;
        _pending = 0;
    }

    public void Dispose()
    {
        MediaBuffers.Return(_ring);
        MediaBuffers.Return(_columnSums);
        MediaBuffers.Return(_pass1Out);
        MediaBuffers.Return(_rowSums);
        MediaBuffers.Return(_compact);
    }
}
