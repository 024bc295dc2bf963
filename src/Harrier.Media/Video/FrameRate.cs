using System.Globalization;

namespace Harrier.Media.Video;

/// <summary>A frame rate as ffprobe reports it: a rational <c>num/den</c>; <c>0/0</c> or <c>0/1</c> mean unknown.</summary>
public readonly record struct FrameRate(long Numerator, long Denominator)
{
    /// <summary>Whether the rate is positive and finite.</summary>
    public bool IsValid => Numerator > 0 && Denominator > 0;

    /// <summary>Frames per second as a double (what the reference computes with <c>av_q2d</c>); 0 when invalid.</summary>
    public double PerSecond => IsValid ? (double)Numerator / Denominator : 0;

    /// <summary>Parses ffprobe's <c>30000/1001</c> (or a plain integer).</summary>
    public static FrameRate Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return default;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var numText = slash < 0 ? text : text[..slash];
        var denText = slash < 0 ? "1" : text[(slash + 1)..];
        return long.TryParse(numText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var num)
               && long.TryParse(denText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var den)
            ? new FrameRate(num, den)
            : default;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
}
