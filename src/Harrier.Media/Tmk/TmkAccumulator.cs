using Harrier.Media.Pdq;

namespace Harrier.Media.Tmk;

/// <summary>
/// Builds a TMK+PDQF hash one frame at a time (spec §3.3–3.4), so a video of any length needs one fixed-size state:
/// the running average of the raw features and, per period and coefficient, Σ f̂·cos θ and Σ f̂·sin θ (kept in double).
/// </summary>
public sealed class TmkAccumulator
{
    private readonly int[] _periods;
    private readonly float[] _coefficients;
    private readonly int _m;
    private readonly int _d;
    private readonly double[] _average;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _unit;
    private int _frames;

    /// <summary>An accumulator with the reference parameters.</summary>
    public TmkAccumulator()
    {
        _periods = [.. TmkParameters.Periods];
        _coefficients = [.. TmkParameters.FourierCoefficients];
        _m = _coefficients.Length;
        _d = TmkParameters.FeatureDimension;
        _average = new double[_d];
        _cos = new double[_periods.Length * _m * _d];
        _sin = new double[_periods.Length * _m * _d];
        _unit = new double[_d];
    }

    /// <summary>Frames added so far.</summary>
    public int FrameCount => _frames;

    /// <summary>The PDQF feature of a 64×64 RGB24 frame: float32 luma, which is the 64×64 buffer as is, then the 16×16 DCT.</summary>
    public static void PdqfFeature(ReadOnlySpan<byte> rgb64x64, Span<float> feature256)
    {
        Span<float> luma = stackalloc float[PdqHasher.BufferDim * PdqHasher.BufferDim];
        PdqHasher.ComputeLuma(rgb64x64, PdqPixelFormat.Rgb24, PdqHasher.BufferDim, PdqHasher.BufferDim, PdqHasher.BufferDim * 3, luma);
        PdqHasher.Dct16(luma, feature256);
    }

    /// <summary>Adds a 64×64 RGB24 frame (the next frame at 15 fps).</summary>
    public void AddRgb64(ReadOnlySpan<byte> rgb64x64)
    {
        Span<float> feature = stackalloc float[TmkParameters.FeatureDimension];
        PdqfFeature(rgb64x64, feature);
        Add(feature);
    }

    /// <summary>Adds the next frame's 256-value PDQF feature.</summary>
    public void Add(ReadOnlySpan<float> feature)
    {
        if (feature.Length != _d)
        {
            throw new ArgumentException($"a PDQF feature has {_d} values", nameof(feature));
        }

        var t = _frames;
        double norm = 0;
        for (var k = 0; k < _d; k++)
        {
            _average[k] += feature[k];
            norm += (double)feature[k] * feature[k];
        }

        norm = Math.Sqrt(norm);
        var scale = norm > 0 ? 1.0 / norm : 1.0;
        for (var k = 0; k < _d; k++)
        {
            _unit[k] = feature[k] * scale;
        }

        for (var p = 0; p < _periods.Length; p++)
        {
            var period = _periods[p];
            for (var j = 0; j < _m; j++)
            {
                // θ = 2π·j·t/T, with j·t reduced mod T first (same angle, no precision lost on long videos).
                var theta = 2 * Math.PI * ((long)j * t % period) / period;
                var (s, c) = Math.SinCos(theta);
                var row = ((p * _m) + j) * _d;
                var cosRow = _cos.AsSpan(row, _d);
                var sinRow = _sin.AsSpan(row, _d);
                for (var k = 0; k < _d; k++)
                {
                    cosRow[k] += _unit[k] * c;
                }

                if (j > 0)
                {
                    for (var k = 0; k < _d; k++)
                    {
                        sinRow[k] += _unit[k] * s;
                    }
                }
            }
        }

        _frames++;
    }

    /// <summary>
    /// The finished hash: average divided by the frame count; every cos/sin vector L2-normalised (when non-zero) and
    /// multiplied by √c_j. The accumulator can keep going afterwards.
    /// </summary>
    public TmkFeatures Finish()
    {
        var average = new float[_d];
        for (var k = 0; k < _d; k++)
        {
            average[k] = _frames > 0 ? (float)(_average[k] / _frames) : 0f;
        }

        var cos = new float[_cos.Length];
        var sin = new float[_sin.Length];
        for (var p = 0; p < _periods.Length; p++)
        {
            for (var j = 0; j < _m; j++)
            {
                var row = ((p * _m) + j) * _d;
                var weight = Math.Sqrt(_coefficients[j]);
                NormaliseInto(_cos.AsSpan(row, _d), cos.AsSpan(row, _d), weight);
                NormaliseInto(_sin.AsSpan(row, _d), sin.AsSpan(row, _d), weight);
            }
        }

        return new TmkFeatures(TmkParameters.FramesPerSecond, _frames, [.. _periods], [.. _coefficients], average, cos, sin);
    }

    private static void NormaliseInto(ReadOnlySpan<double> src, Span<float> dst, double weight)
    {
        double norm = 0;
        foreach (var v in src)
        {
            norm += v * v;
        }

        norm = Math.Sqrt(norm);
        var scale = norm > 0 ? weight / norm : 0;
        for (var k = 0; k < src.Length; k++)
        {
            dst[k] = (float)(src[k] * scale);
        }
    }
}
