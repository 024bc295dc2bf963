using System.Runtime.InteropServices;

namespace Harrier.Matching.Index;

/// <summary>
/// Native allocations for the index's large arrays. Searches read them at random (a directory slot, a candidate's
/// hash), so with 4 KiB pages nearly every read of a 10 M index also misses the TLB and walks the page table. On
/// Linux, arrays of 8 MiB or more are aligned to 2 MiB and marked <c>MADV_HUGEPAGE</c> before they are first written,
/// so the kernel backs them with transparent huge pages where it is configured to (the "madvise" default of most
/// distributions). Elsewhere, or when the advice is refused, they are ordinary allocations.
/// </summary>
internal static unsafe partial class LargeMemory
{
    private const nuint HugePage = 2 << 20;
    private const nuint Threshold = 8 << 20;
    private const int MadvHugePage = 14;
    private const int MadvRandom = 1;
    private const nuint Page = 4096;

    /// <summary>Allocates <paramref name="bytes"/> bytes (uninitialised), 64-byte aligned, huge-page advised when large.</summary>
    public static void* Alloc(nuint bytes)
    {
        bytes = Math.Max(bytes, 64);
        if (bytes < Threshold || !OperatingSystem.IsLinux())
        {
            return NativeMemory.AlignedAlloc(bytes, 64);
        }

        var size = (bytes + HugePage - 1) & ~(HugePage - 1);
        var p = NativeMemory.AlignedAlloc(size, HugePage);
        Advise((nint)p, size, MadvHugePage); // a refusal leaves ordinary pages
        return p;
    }

    /// <summary>Frees memory from <see cref="Alloc"/>.</summary>
    public static void Free(void* p) => NativeMemory.AlignedFree(p);

    /// <summary>Grows an allocation from <see cref="Alloc"/>, keeping its first <paramref name="oldBytes"/> and zeroing the rest.</summary>
    public static void* Grow(void* old, nuint oldBytes, nuint newBytes)
    {
        var p = Alloc(newBytes);
        if (old is not null)
        {
            Buffer.MemoryCopy(old, p, newBytes, Math.Min(oldBytes, newBytes));
            Free(old);
        }

        NativeMemory.Clear((byte*)p + oldBytes, newBytes - oldBytes);
        return p;
    }

    /// <summary>
    /// Marks the whole pages inside a read-only file mapping's range as read at random (<c>MADV_RANDOM</c>, Linux): a page
    /// the kernel reclaimed comes back alone when touched, without the read-ahead around it. For the ids of a mapped index,
    /// which only results read (one entry each), read-ahead would fill memory the hashes and tables need. Advice only.
    /// </summary>
    public static void AdviseRandom(void* start, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return;
        }

        var first = ((nuint)start + Page - 1) & ~(Page - 1);
        var end = ((nuint)start + (nuint)length) & ~(Page - 1);
        if (end <= first)
        {
            return;
        }

        Advise((nint)first, end - first, MadvRandom);
    }

    /// <summary>madvise, as advice only: a refusal, or a libc without it, leaves the memory as it was.</summary>
    private static void Advise(nint address, nuint length, int advice)
    {
        try
        {
            _ = Madvise(address, length, advice);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
