namespace Harrier.Media.Pdq;

/// <summary>Which of the reference's two ways of feeding pixels into the PDQ core to use (spec §1.1).</summary>
public enum PdqFrontEnd
{
    /// <summary>
    /// Full resolution: the decoded pixels go into the core at their own size. What HMA, python-threatexchange,
    /// the Java port and vPDQ do; use it for compatibility with shared hash lists.
    /// </summary>
    Full = 0,

    /// <summary>
    /// The C++ <c>pdq-photo-hasher</c> CLI: when width or height is over 512 the image is first resized to exactly
    /// 512×512 with nearest neighbour (source index floor(x·W/512), aspect ratio not kept).
    /// </summary>
    Pre512 = 1,
}
