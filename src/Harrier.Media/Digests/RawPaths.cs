using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Harrier.Media.Digests;

/// <summary>
/// Evidence paths as the bytes the file system holds. On Linux a name is any bytes but '/' and NUL; .NET decodes names
/// as UTF-8 with U+FFFD for what is not, so two names that differ only in such bytes come back as one string, and that
/// string opens neither file. Here directories are listed with opendir/readdir and files opened with open(2), each taking
/// the path as bytes. Linux on x86-64 and arm64 only (<see cref="Supported"/>), where <c>struct dirent</c> has one layout
/// and the open flags are known; elsewhere callers use the managed APIs, which is exact where names are Unicode.
/// </summary>
public static unsafe partial class RawPaths
{
    // struct dirent on 64-bit Linux (glibc and musl alike): d_ino u64 @0, d_off i64 @8, d_reclen u16 @16, d_type u8 @18, d_name @19.
    private const int DirentType = 18;
    private const int DirentName = 19;
    private const byte DtUnknown = 0;
    private const byte DtDir = 4;
    private const byte DtReg = 8;
    private const byte DtLnk = 10;

    private const int ORdOnly = 0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int ENoEnt = 2;
    private const int EPerm = 1;
    private const int EAcces = 13;
    private const int ENotDir = 20;
    private const int ELoop = 40;

    // statx(2): one struct layout on every architecture; stx_mode is the u16 at offset 28.
    private const int AtSymlinkNoFollow = 0x100;
    private const int StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxMode = 28;

    /// <summary>Whether this process lists and opens paths as bytes (Linux on x86-64 or arm64).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    // O_NOFOLLOW is the one flag used here whose value differs: 0x8000 on arm64, 0x20000 on x86-64.
    private static int ONoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>
    /// The entries of directory <paramref name="path"/> (without <c>.</c> and <c>..</c>), each name as its bytes, in the
    /// order the file system returns them. The kind comes from <c>d_type</c>, or from statx without following links where
    /// the file system does not fill it in.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">Any other failure; the message is the system's, without the path (the caller names it).</exception>
    public static IReadOnlyList<RawDirectoryEntry> ReadDirectory(ReadOnlySpan<byte> path)
    {
        ThrowIfUnsupported();
        var z = Terminated(path);
        nint dir;
        fixed (byte* p = z)
        {
            dir = OpenDir(p);
        }

        if (dir == 0)
        {
            throw Failure(Marshal.GetLastPInvokeError());
        }

        try
        {
            var fd = DirFd(dir);
            var list = new List<RawDirectoryEntry>();
            while (true)
            {
                // The stub clears errno before the call: NULL with errno 0 is the end, NULL with errno set an error.
                var entry = (byte*)ReadDir(dir);
                if (entry is null)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno != 0)
                    {
                        throw Failure(errno);
                    }

                    return list;
                }

                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirentName);
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                var kind = entry[DirentType] switch
                {
                    DtDir => RawEntryKind.Directory,
                    DtReg => RawEntryKind.File,
                    DtLnk => RawEntryKind.SymbolicLink,
                    DtUnknown => KindAt(fd, entry + DirentName),
                    _ => RawEntryKind.Other,
                };
                list.Add(new RawDirectoryEntry(name.ToArray(), kind));
            }
        }
        finally
        {
            _ = CloseDir(dir);
        }
    }

    /// <summary>The target of symbolic link <paramref name="path"/>, as bytes.</summary>
    /// <exception cref="IOException">It is not a link, or cannot be read.</exception>
    public static byte[] ReadLink(ReadOnlySpan<byte> path)
    {
        ThrowIfUnsupported();
        var z = Terminated(path);
        for (var size = 256; size <= 1 << 16; size *= 4)
        {
            var buffer = new byte[size];
            nint n;
            fixed (byte* p = z)
            fixed (byte* b = buffer)
            {
                n = ReadLinkNative(p, b, size);
            }

            if (n < 0)
            {
                throw Failure(Marshal.GetLastPInvokeError());
            }

            if (n < size)
            {
                return buffer[..(int)n];
            }
        }

        throw new IOException("link target longer than 64 KiB");
    }

    /// <summary>
    /// Opens evidence at <paramref name="path"/> read-only, as <see cref="FileDigester.OpenEvidence(string)"/> does (O_NONBLOCK,
    /// so a FIFO cannot hang; a FIFO, socket or character device refused with <see cref="NotRegularFileException"/>), and
    /// also with O_NOFOLLOW: a name that has become a symbolic link since it was listed is refused, never followed.
    /// </summary>
    /// <param name="path">The path as bytes.</param>
    /// <param name="shown">How to name the path in an exception (the caller's escaped form).</param>
    /// <exception cref="FileNotFoundException">It no longer exists.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder on the way no longer exists or is no longer a folder.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">A symbolic link, or any other failure.</exception>
    public static FileStream OpenEvidence(ReadOnlySpan<byte> path, string shown)
    {
        ThrowIfUnsupported();
        var z = Terminated(path);
        int fd;
        fixed (byte* p = z)
        {
            fd = Open(p, ORdOnly | ONonBlock | OCloExec | ONoCtty | ONoFollow);
        }

        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == ELoop ? new IOException("a symbolic link (not followed)") : Failure(errno);
        }

        var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new NotRegularFileException(shown);
        }

        return stream;
    }

    private static RawEntryKind KindAt(int dirFd, byte* name)
    {
        var buffer = stackalloc byte[StatxSize];
        try
        {
            if (Statx(dirFd, name, AtSymlinkNoFollow, StatxType, buffer) != 0)
            {
                return RawEntryKind.Unknown;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return RawEntryKind.Unknown; // a C library older than statx (glibc 2.28)
        }

        return (*(ushort*)(buffer + StatxMode) & 0xF000) switch
        {
            0x4000 => RawEntryKind.Directory,
            0x8000 => RawEntryKind.File,
            0xA000 => RawEntryKind.SymbolicLink,
            _ => RawEntryKind.Other,
        };
    }

    private static byte[] Terminated(ReadOnlySpan<byte> path)
    {
        if (path.Contains((byte)0))
        {
            throw new ArgumentException("a path cannot hold a NUL byte", nameof(path));
        }

        var z = new byte[path.Length + 1];
        path.CopyTo(z);
        return z;
    }

    private static void ThrowIfUnsupported()
    {
        if (!Supported)
        {
            throw new PlatformNotSupportedException("paths as bytes are read on Linux (x86-64, arm64) only");
        }
    }

    private static Exception Failure(int errno) => errno switch
    {
        ENoEnt => new FileNotFoundException(Marshal.GetPInvokeErrorMessage(errno)),
        ENotDir => new DirectoryNotFoundException(Marshal.GetPInvokeErrorMessage(errno)),
        EPerm or EAcces => new UnauthorizedAccessException(Marshal.GetPInvokeErrorMessage(errno)),
        _ => new IOException(Marshal.GetPInvokeErrorMessage(errno), errno),
    };

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true)]
    private static partial nint OpenDir(byte* path);

    [LibraryImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static partial nint ReadDir(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDir(nint dir);

    [LibraryImport("libc", EntryPoint = "dirfd")]
    private static partial int DirFd(nint dir);

    [LibraryImport("libc", EntryPoint = "statx")]
    private static partial int Statx(int dirFd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true)]
    private static partial nint ReadLinkNative(byte* path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    private static partial int Open(byte* path, int flags);
}
