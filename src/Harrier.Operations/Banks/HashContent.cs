using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Video;
using Harrier.Media.Vpdq;

namespace Harrier.Operations.Banks;

/// <summary>
/// Hashes content handed over in memory (an upload to the HMA-compatible API): a photo to its PDQ with the same decoder
/// and front end as ingest (full resolution, EXIF orientation applied), a video to its vPDQ. Content that cannot be
/// hashed is an <see cref="OperationException"/> naming why.
/// </summary>
public static class HashContent
{
    /// <summary>The PDQ of a photo; <paramref name="name"/> names it in messages.</summary>
    public static PdqResult Photo(ReadOnlySpan<byte> data, string name)
    {
        try
        {
            using var reader = ImageDecoder.OpenRows(data, name);
            return PdqImageHasher.Hash(reader);
        }
        catch (ImageDecodeException e)
        {
            throw new OperationException($"{name}: not a photo that can be hashed: {e.Message}", e);
        }
    }

    /// <summary>The vPDQ of a video, in pytx's signal form; the bytes go to a private temporary file for ffmpeg and are deleted after.</summary>
    public static async Task<string> VideoAsync(ReadOnlyMemory<byte> data, string name, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "harrier-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(path, options))
            {
                await file.WriteAsync(data, cancellationToken);
            }

            var hash = await VpdqHasher.HashFileAsync(path, null, cancellationToken);
            return VpdqFormats.ToPytxSignal(hash.Features);
        }
        catch (VideoException e)
        {
            throw new OperationException($"{name}: not a video that can be hashed: {e.Message}", e);
        }
        catch (FfmpegNotFoundException e)
        {
            throw new OperationException($"{name}: video hashing needs ffmpeg: {e.Message}", e);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
