using System.Security.Cryptography;

namespace Harrier.Media.Digests;

/// <summary>
/// MD5, SHA-1 and SHA-256 of a file in one streaming read. The digests are the BCL's (OpenSSL underneath, with
/// SHA-NI where the CPU has it); what is ours is reading each byte once and feeding all three.
/// </summary>
public static class FileDigester
{
    /// <summary>Read size: large enough that per-call overhead vanishes, small enough to stay in L2.</summary>
    public const int BufferSize = 1 << 20;

    /// <summary>Opens <paramref name="path"/> read-only (never for writing, sharing with other readers and writers) and digests it.</summary>
    public static FileDigest ComputeFile(string path, CancellationToken cancellationToken = default)
    {
        using var stream = OpenEvidence(path);
        return Compute(stream, cancellationToken);
    }

    /// <summary>
    /// Opens a piece of evidence for reading: read-only, sharing with other readers and writers, no stream buffer
    /// (we read in large blocks ourselves). On Unix the file is opened with O_NONBLOCK, so a FIFO cannot hang the
    /// caller; a FIFO, socket or character device is refused with <see cref="NotRegularFileException"/> before any
    /// byte is read. Regular files and block devices (disk images) are returned.
    /// </summary>
    public static FileStream OpenEvidence(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan,
                BufferSize = 0,
            });
        }

        // The BCL's FileStream opens with a blocking open(2), which never returns for a FIFO without a writer, and
        // exposes no file type before opening; hence this one hand-written open.
        var handle = UnixFile.OpenReadNonBlocking(path);
        var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new NotRegularFileException(path);
        }

        return stream;
    }

    /// <summary>Digests <paramref name="stream"/> from its current position to its end.</summary>
    public static FileDigest Compute(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = MediaBuffers.Rent<byte>(BufferSize);
        long length = 0;
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = buffer.AsSpan(0, read);
                md5.AppendData(chunk);
                sha1.AppendData(chunk);
                sha256.AppendData(chunk);
                length += read;
            }
        }
        finally
        {
            MediaBuffers.Return(buffer);
        }

        return new FileDigest(
            length,
            Convert.ToHexStringLower(md5.GetHashAndReset()),
            Convert.ToHexStringLower(sha1.GetHashAndReset()),
            Convert.ToHexStringLower(sha256.GetHashAndReset()));
    }
}
