namespace Harrier.Media.Tmk;

/// <summary>
/// A TMK+PDQF video hash (spec §3): the average PDQF frame feature plus, for each period, the cosine and sine Fourier
/// features, each already L2-normalised and weighted by √c_j. Fixed size whatever the video's length.
/// </summary>
public sealed class TmkFeatures
{
    /// <summary>Builds a hash from its parts (arrays are kept, not copied).</summary>
    public TmkFeatures(int framesPerSecond, int frameCount, int[] periods, float[] fourierCoefficients, float[] average, float[] cos, float[] sin)
    {
        ArgumentNullException.ThrowIfNull(periods);
        ArgumentNullException.ThrowIfNull(fourierCoefficients);
        ArgumentNullException.ThrowIfNull(average);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        var block = (long)periods.Length * fourierCoefficients.Length * average.Length;
        if (cos.Length != block || sin.Length != block)
        {
            throw new ArgumentException("cos and sin must hold periods × coefficients × dimension values");
        }

        FramesPerSecond = framesPerSecond;
        FrameCount = frameCount;
        Periods = periods;
        FourierCoefficients = fourierCoefficients;
        Average = average;
        Cos = cos;
        Sin = sin;
    }

    /// <summary>Frames per second the features were made at (15).</summary>
    public int FramesPerSecond { get; }

    /// <summary>Frames accumulated.</summary>
    public int FrameCount { get; }

    /// <summary>Periods in frames.</summary>
    public IReadOnlyList<int> Periods { get; }

    /// <summary>The Fourier weights c_j stored with the hash.</summary>
    public IReadOnlyList<float> FourierCoefficients { get; }

    /// <summary>The average raw PDQF feature (level 1).</summary>
    public ReadOnlyMemory<float> Average { get; }

    /// <summary>Cosine features, [period][j][dimension] row-major.</summary>
    public ReadOnlyMemory<float> Cos { get; }

    /// <summary>Sine features, [period][j][dimension] row-major.</summary>
    public ReadOnlyMemory<float> Sin { get; }

    /// <summary>Feature dimension (256).</summary>
    public int Dimension => Average.Length;

    /// <summary>The feature vector cos[period][j].</summary>
    public ReadOnlySpan<float> CosVector(int period, int j) => Cos.Span.Slice(((period * FourierCoefficients.Count) + j) * Dimension, Dimension);

    /// <summary>The feature vector sin[period][j].</summary>
    public ReadOnlySpan<float> SinVector(int period, int j) => Sin.Span.Slice(((period * FourierCoefficients.Count) + j) * Dimension, Dimension);
}
