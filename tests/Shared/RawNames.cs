using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Harrier.Testing;

/// <summary>
/// Files whose names are bytes, as a seized disk has them: .NET on Linux cannot create (or open) a name that is not
/// UTF-8, so the tests write them through open(2) with the path as bytes. Linux only; test setup only (the product
/// never opens evidence for writing).
/// </summary>
internal static class RawNames
{
    private const int OWrOnly = 1;
    private const int OCreat = 0x40;
    private const int OTrunc = 0x200;
    private const int OCloExec = 0x80000;

    /// <summary>Two files the old scanner merged into one <c>bad\uFFFD.png</c>.</summary>
    public static readonly byte[] BadFF = [.. "bad"u8, 0xFF, .. ".png"u8];

    /// <inheritdoc cref="BadFF"/>
    public static readonly byte[] BadFE = [.. "bad"u8, 0xFE, .. ".png"u8];

    /// <summary><c>café.jpg</c> in Latin-1: one byte 0xE9, not UTF-8.</summary>
    public static readonly byte[] Latin1 = [.. "caf"u8, 0xE9, .. ".jpg"u8];

    /// <summary><c>café.jpg</c> in NFC (U+00E9) and in NFD (e + U+0301): two names, two files.</summary>
    public static readonly byte[] Nfc = Encoding.UTF8.GetBytes("caf\u00E9.jpg");

    /// <inheritdoc cref="Nfc"/>
    public static readonly byte[] Nfd = Encoding.UTF8.GetBytes("cafe\u0301.jpg");

    /// <summary>A name with a line break, which could forge a line of a report.</summary>
    public static readonly byte[] Newline = Encoding.UTF8.GetBytes("two\nlines.png");

    /// <summary>A right-to-left override: shown raw, <c>evil\u202Egnp.exe</c> reads as <c>evilexe.png</c>.</summary>
    public static readonly byte[] Rtl = Encoding.UTF8.GetBytes("evil\u202Egnp.exe");

    /// <summary>Every hostile name above with the escaped form Harrier shows for it.</summary>
    public static readonly (byte[] Name, string Shown)[] All =
    [
        (BadFF, @"bad\xFF.png"),
        (BadFE, @"bad\xFE.png"),
        (Latin1, @"caf\xE9.jpg"),
        (Nfc, "caf\u00E9.jpg"),
        (Nfd, "cafe\u0301.jpg"),
        (Newline, @"two\x0Alines.png"),
        (Rtl, @"evil\u202Egnp.exe"),
    ];

    /// <summary>Creates (or overwrites) <paramref name="dir"/>/<paramref name="name"/> with <paramref name="content"/>.</summary>
    public static void Write(string dir, byte[] name, byte[] content)
    {
        using var handle = Open(PathOf(dir, name), OWrOnly | OCreat | OTrunc | OCloExec);
        RandomAccess.Write(handle, content, 0);
    }

    /// <summary>Whether the name exists in <paramref name="dir"/> (through access(2), so bytes are bytes).</summary>
    public static bool Exists(string dir, byte[] name) => Access(PathOf(dir, name), 0) == 0;

    /// <summary>
    /// Removes <paramref name="dir"/> and everything in it. <see cref="Directory.Delete(string, bool)"/> cannot: it lists names
    /// decoded, and the decoded name of a file whose name is not UTF-8 deletes nothing; rm(1) takes them as bytes.
    /// </summary>
    public static void DeleteTree(string dir)
    {
        using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--", dir]);
        rm.WaitForExit();
    }

    private static byte[] PathOf(string dir, byte[] name) => [.. Encoding.UTF8.GetBytes(dir), (byte)'/', .. name, 0];

    private static SafeFileHandle Open(byte[] path, int flags)
    {
        var fd = OpenNative(path, flags, 0b110_100_100);
        return fd >= 0
            ? new SafeFileHandle(fd, ownsHandle: true)
            : throw new IOException($"open: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

#pragma warning disable SYSLIB1054, CA5392 // plain DllImport: test projects do not allow unsafe code, which LibraryImport needs here.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenNative(byte[] path, int flags, int mode);

    [DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access(byte[] path, int mode);
#pragma warning restore SYSLIB1054, CA5392
}
