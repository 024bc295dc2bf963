using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Harrier.Media.Digests;

/// <summary>open(2) with O_NONBLOCK, for evidence that might be a FIFO. Linux only.</summary>
internal static partial class UnixFile
{
    // Same values on x86-64 and arm64 Linux.
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int ENoEnt = 2;
    private const int EPerm = 1;
    private const int EAcces = 13;
    private const int EIsDir = 21;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    public static SafeFileHandle OpenReadNonBlocking(string path)
    {
        var fd = Open(path, ORdOnly | ONonBlock | OCloExec);
        if (fd >= 0)
        {
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        var errno = Marshal.GetLastPInvokeError();
        var message = $"{path}: {Marshal.GetPInvokeErrorMessage(errno)}";
        throw errno switch
        {
            ENoEnt => new FileNotFoundException(message, path),
            EPerm or EAcces => new UnauthorizedAccessException(message),
            EIsDir => new IOException(message),
            _ => new IOException(message, errno),
        };
    }
}
