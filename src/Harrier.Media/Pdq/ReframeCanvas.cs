using Harrier.Media.Hashing;

namespace Harrier.Media.Pdq;

/// <summary>
/// The hash of a canvas each of whose pixels is read from a (reduced) query luma through an affine map, shared by the
/// off-centre and de-rotation hypotheses (<see cref="PdqOffCentre"/>, <see cref="PdqDerotate"/>). Pixels that map
/// inside the query are sampled bilinearly; those that map outside take the nearest edge pixel fading into the query's
/// mean brightness, <see cref="PdqReframe"/>'s faded fill (weight e^(−d / (<see cref="PdqReframe.FadeShare"/> · ring))
/// at d query pixels out). The query luma is box-reduced as <see cref="PdqReframe"/> reduces it (long side ≤
/// <see cref="PdqReframe.WorkingSize"/>); reducing further (256, 128) was tried on 12 photos and brought the true crops
/// and turns a few bits further from their originals (median) for little time saved.
/// </summary>
internal static class ReframeCanvas
{
    /// <summary>
    /// Canvas pixel (x, y) reads the query at (ax·x + bx·y + cx, ay·x + by·y + cy); <paramref name="ring"/> is the
    /// widest band (query pixels) the query does not cover, which sets how fast the fill fades.
    /// </summary>
    internal static PdqResult Hash(float[] luma, int width, int height, int canvasWidth, int canvasHeight,
        (double Ax, double Bx, double Cx, double Ay, double By, double Cy) map, float mean, double ring, BandFill fill = BandFill.Faded)
    {
        var n = canvasWidth * canvasHeight;
        var canvas = MediaBuffers.Rent<float>(n);
        try
        {
            Render(luma, width, height, canvas, canvasWidth, canvasHeight, map, mean, ring, fill, outsideOnly: false);
            return PdqHasher.HashLuma(canvas.AsSpan(0, n), canvasWidth, canvasHeight);
        }
        finally
        {
            MediaBuffers.Return(canvas);
        }
    }

    /// <summary>
    /// The canvas hashed with the faded fill (as <see cref="Hash"/>) and its <b>stable bits</b>: the bits on which that
    /// hash, the hash with the uncovered pixels a flat mean and the hash with the nearest edge pixel repeated across them
    /// all agree (the bits the guessed border does not decide; <see cref="PdqOffCentre.HashWithStableBits"/>,
    /// <see cref="PdqDerotate.HashWithStableBits"/>). The covered pixels are the same in all three canvases, so they are
    /// sampled once: the second and third canvases rewrite only the uncovered pixels of the first.
    /// </summary>
    internal static (PdqResult Faded, Hash256 Stable) HashWithStableBits(float[] luma, int width, int height, int canvasWidth, int canvasHeight,
        (double Ax, double Bx, double Cx, double Ay, double By, double Cy) map, float mean, double ring)
    {
        var n = canvasWidth * canvasHeight;
        var canvas = MediaBuffers.Rent<float>(n);
        try
        {
            Render(luma, width, height, canvas, canvasWidth, canvasHeight, map, mean, ring, BandFill.Faded, outsideOnly: false);
            var faded = PdqHasher.HashLuma(canvas.AsSpan(0, n), canvasWidth, canvasHeight);
            Render(luma, width, height, canvas, canvasWidth, canvasHeight, map, mean, ring, BandFill.Flat, outsideOnly: true);
            var flat = PdqHasher.HashLuma(canvas.AsSpan(0, n), canvasWidth, canvasHeight).Hash;
            Render(luma, width, height, canvas, canvasWidth, canvasHeight, map, mean, ring, BandFill.Edge, outsideOnly: true);
            var edge = PdqHasher.HashLuma(canvas.AsSpan(0, n), canvasWidth, canvasHeight).Hash;
            return (faded, StableBits(faded.Hash, flat, edge));
        }
        finally
        {
            MediaBuffers.Return(canvas);
        }
    }

    /// <summary>The bits on which <paramref name="faded"/>, <paramref name="flat"/> and <paramref name="edge"/> agree.</summary>
    internal static Hash256 StableBits(Hash256 faded, Hash256 flat, Hash256 edge) => new(
        ~((faded.W0 ^ flat.W0) | (faded.W0 ^ edge.W0)), ~((faded.W1 ^ flat.W1) | (faded.W1 ^ edge.W1)),
        ~((faded.W2 ^ flat.W2) | (faded.W2 ^ edge.W2)), ~((faded.W3 ^ flat.W3) | (faded.W3 ^ edge.W3)));

    /// <summary>
    /// Writes the canvas pixels (all of them, or with <paramref name="outsideOnly"/> only those the query does not cover)
    /// into <paramref name="canvas"/>.
    /// </summary>
    private static void Render(float[] luma, int width, int height, float[] canvas, int canvasWidth, int canvasHeight,
        (double Ax, double Bx, double Cx, double Ay, double By, double Cy) map, float mean, double ring, BandFill fill, bool outsideOnly)
    {
        var decay = PdqReframe.FadeShare * Math.Max(1, ring);
        for (var y = 0; y < canvasHeight; y++)
        {
            for (var x = 0; x < canvasWidth; x++)
            {
                var qx = (map.Ax * x) + (map.Bx * y) + map.Cx;
                var qy = (map.Ay * x) + (map.By * y) + map.Cy;
                var outside = Math.Max(Math.Max(-qx, qx - (width - 1)), Math.Max(-qy, qy - (height - 1)));
                if (outsideOnly && outside <= 0)
                {
                    continue;
                }

                var v = Bilinear(luma, width, height, Math.Clamp(qx, 0, width - 1), Math.Clamp(qy, 0, height - 1));
                if (outside > 0)
                {
                    var a = fill switch { BandFill.Flat => 0f, BandFill.Edge => 1f, _ => (float)Math.Exp(-outside / decay) };
                    v = (a * v) + ((1 - a) * mean);
                }

                canvas[(y * canvasWidth) + x] = v;
            }
        }
    }

    /// <summary>The mean of the first <paramref name="count"/> values.</summary>
    internal static float Mean(float[] luma, int count)
    {
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += luma[i];
        }

        return (float)(sum / count);
    }

    private static float Bilinear(float[] luma, int width, int height, double x, double y)
    {
        var x0 = (int)x;
        var y0 = (int)y;
        var x1 = Math.Min(x0 + 1, width - 1);
        var y1 = Math.Min(y0 + 1, height - 1);
        var fx = (float)(x - x0);
        var fy = (float)(y - y0);
        var top = luma[(y0 * width) + x0] + (fx * (luma[(y0 * width) + x1] - luma[(y0 * width) + x0]));
        var bottom = luma[(y1 * width) + x0] + (fx * (luma[(y1 * width) + x1] - luma[(y1 * width) + x0]));
        return top + (fy * (bottom - top));
    }
}

/// <summary>How <see cref="ReframeCanvas"/> fills the canvas pixels the query does not cover.</summary>
internal enum BandFill
{
    /// <summary>The nearest edge pixel fading into the query's mean (the hypotheses' fill).</summary>
    Faded,

    /// <summary>The query's mean (for <see cref="ReframeCanvas.HashWithStableBits"/>).</summary>
    Flat,

    /// <summary>The nearest edge pixel, repeated (for <see cref="ReframeCanvas.HashWithStableBits"/>).</summary>
    Edge,
}
