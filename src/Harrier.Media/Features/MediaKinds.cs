namespace Harrier.Media.Features;

/// <summary>Values of <see cref="MediaFeatures.Kind"/>.</summary>
public static class MediaKinds
{
    /// <summary>A decodable still image (PDQ).</summary>
    public const string Image = "image";

    /// <summary>A video (vPDQ).</summary>
    public const string Video = "video";

    /// <summary>Not media (documents, configuration, …): matched by digest only.</summary>
    public const string Other = "other";

    /// <summary>Looked like media but could not be decoded; the reason is kept.</summary>
    public const string Unreadable = "unreadable";
}
