
namespace Harrier.Media.Imaging;

/// <summary>Applies an EXIF orientation (1..8) to a pixel buffer, giving the image as it should be displayed.</summary>
internal static class ExifOrientation
{
    /// <summary>Returns a new pooled buffer with the pixels reoriented; the output size may be transposed.</summary>
    public static byte[] Apply(byte[] src, int width, int height, int bpp, int orientation, out int outWidth, out int outHeight)
    {
        var transposed = orientation >= 5;
        outWidth = transposed ? height : width;
        outHeight = transposed ? width : height;
        var dst = MediaBuffers.Rent<byte>(width * height * bpp);
        for (var oy = 0; oy < outHeight; oy++)
        {
            for (var ox = 0; ox < outWidth; ox++)
            {
                var (sx, sy) = orientation switch
                {
                    2 => (width - 1 - ox, oy),
                    3 => (width - 1 - ox, height - 1 - oy),
                    4 => (ox, height - 1 - oy),
                    5 => (oy, ox),
                    6 => (oy, height - 1 - ox),
                    7 => (width - 1 - oy, height - 1 - ox),
                    8 => (width - 1 - oy, ox),
                    _ => (ox, oy),
                };
                Array.Copy(src, ((sy * width) + sx) * bpp, dst, ((oy * outWidth) + ox) * bpp, bpp);
            }
        }

        return dst;
    }
}
