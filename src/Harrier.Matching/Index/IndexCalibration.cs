using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Index;

/// <summary>
/// The cost model's per-operation nanoseconds on this machine, for an index of this size. Three are measured on the
/// index's own memory, with the same access pattern as the search loops: a directory slot visit (two dependent random
/// reads in the two-stage prefetch pipeline of <see cref="MultiIndexTable"/>), a candidate check (two random cache
/// lines, prefetched eight ahead, then the popcount), what a near candidate adds (its other two lines, read at once)
/// and a scan comparison per kernel (64 queries over up to 65,536 stored hashes). The others are fixed: a slot's key test, a table build's per-entry cost, the streaming cost of a
/// scan tile. About 20 ms; done once per process and size class, and for an index file cached beside it
/// (<c>INDEX.calibration</c>) with the machine it was measured on.
/// </summary>
internal sealed record IndexCalibration(
    double SlotNs, double VerifyNs, double NearNs, double ScalarScanNs, double Avx2ScanNs, double Avx512ScanNs, string Source)
{
    private const string Format = "harrier-index-calibration/2";

    private static readonly ConcurrentDictionary<int, IndexCalibration> Measured = new();

    /// <summary>The values measured on the development machine (2-vCPU AMD EPYC); used below the multi-index size.</summary>
    public static IndexCalibration Default { get; } = new(40, 45, 45, 1.5, 0.8, 0.45, "defaults");

    /// <summary>
    /// Nanoseconds per low-bit key tested in a visited slot (sequential, in cache after the slot's miss): 1.8–2.7 ns in a
    /// least-squares fit of the measured per-query times of eight part counts at 1 M and 10 M (docs/hamming-index.md).
    /// </summary>
    public const double EntryNs = 2.0;

    /// <summary>
    /// Nanoseconds per candidate found through a second (or later) table: the first check stage on lines already in
    /// cache and, for a near one, a probe of the query's small dedup hash set.
    /// </summary>
    public const double DuplicateNs = 3.0;

    /// <summary>Nanoseconds per entry per table to build a table set (two passes over the store, one scatter).</summary>
    public const double BuildNs = 12;

    /// <summary>Nanoseconds per stored hash streamed from memory once per query tile (32 B at about 12 GB/s).</summary>
    public const double StreamNs = 2.7;

    /// <summary>Nanoseconds per comparison per thread of the batched scan, by kernel.</summary>
    public double ScanNs(KernelKind kind) => kind switch
    {
        KernelKind.Avx512 => Avx512ScanNs,
        KernelKind.Avx2 => Avx2ScanNs,
        _ => ScalarScanNs,
    };

    /// <summary>This machine's description: calibrations measured elsewhere are not reused.</summary>
    public static string Machine { get; } = DescribeMachine();

    /// <summary>Size class of a store: ⌊log2 bytes⌋ (memory latency steps with the working set).</summary>
    public static int SizeClass(long bytes) => 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, bytes));

    /// <summary>The calibration for <paramref name="store"/>: from <paramref name="sidecar"/> when it was measured on this machine for this size class, else measured now (and written there).</summary>
    public static IndexCalibration For(HashStore store, string? sidecar)
    {
        if (store.Count < CostModel.MinEntriesForMultiIndex)
        {
            return Default;
        }

        var sizeClass = SizeClass((long)(store.Count * HammingIndex.BytesPerEntry));
        if (sidecar is not null && TryRead(sidecar, sizeClass) is { } cached)
        {
            return cached;
        }

        var measured = Measured.GetOrAdd(sizeClass, _ => Measure(store));
        if (sidecar is not null)
        {
            TryWrite(sidecar, sizeClass, measured);
        }

        return measured;
    }

    /// <summary>Measures the three machine costs on the store's memory (best of three rounds each).</summary>
    public static unsafe IndexCalibration Measure(HashStore store)
    {
        var blocks = store.Blocks;
        var n = store.Count;
        var words = (long)store.BlockCount * HashStore.UlongsPerBlock;
        var rng = new Random(7);
        const int Visits = 16_384;
        var slots = new long[Visits];
        var positions = new int[Visits];
        for (var i = 0; i < Visits; i++)
        {
            slots[i] = rng.NextInt64(words);
            positions[i] = rng.Next(n);
        }

        double slot = double.MaxValue, verify = double.MaxValue, near = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            slot = Math.Min(slot, TimeSlots(blocks, words, slots) / Visits);
            verify = Math.Min(verify, TimeCheck(blocks, positions, near: false) / Visits);
            near = Math.Min(near, TimeCheck(blocks, positions, near: true) / Visits);
        }

        var queries = new Hash256[64];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = store.GetHash(rng.Next(n));
        }

        var scanBlocks = Math.Min(store.BlockCount, 65_536 / HashStore.BlockSize);
        double Scan(KernelKind kind)
        {
            if (!ScanKernel.IsSupported(kind))
            {
                return Default.ScanNs(kind);
            }

            var best = double.MaxValue;
            for (var round = 0; round < 3; round++)
            {
                var sink = new CountSink();
                var sw = Stopwatch.StartNew();
                ScanKernel.Scan(kind, blocks, 0, scanBlocks, queries, ref sink);
                best = Math.Min(best, sw.Elapsed.TotalNanoseconds / ((double)scanBlocks * HashStore.BlockSize * queries.Length));
            }

            return best;
        }

        // Beside the misses the search does work the loops above do not: a slot visit enumerates its key and tracks its
        // distance class (about 4 ns); a candidate is appended, deduplicated, read back and bounds-checked (about 8 ns:
        // the same fit put a candidate at 24–39 ns where these loops measured 22–41 without it); a near candidate probes
        // the dedup set and, when it matches, is written to the output (about 4 ns).
        return new IndexCalibration(slot + 4, verify + 8, Math.Max(1, near - verify) + 4, Scan(KernelKind.Scalar), Scan(KernelKind.Avx2),
            Scan(KernelKind.Avx512), $"measured on {Machine}");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double TimeSlots(ulong* memory, long words, long[] slots)
    {
        // Stage 1 prefetches the "directory" word 16 visits ahead; stage 2 reads it 8 ahead and prefetches the
        // dependent "keys" word it leads to; stage 3 reads both: the search's slot pipeline without its bookkeeping.
        const int Ahead = 8;
        ulong sink = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < slots.Length; i++)
        {
            if (Sse.IsSupported)
            {
                if (i + (2 * Ahead) < slots.Length)
                {
                    Sse.Prefetch0(memory + slots[i + (2 * Ahead)]);
                }

                if (i + Ahead < slots.Length)
                {
                    Sse.Prefetch0(memory + Dependent(memory[slots[i + Ahead]], words));
                }
            }

            var v = memory[slots[i]];
            sink += memory[Dependent(v, words)] + v;
        }

        var ns = sw.Elapsed.TotalNanoseconds;
        GC.KeepAlive(sink);
        return ns;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Dependent(ulong value, long words) => (long)((value * 0x9E3779B97F4A7C15UL) % (ulong)words);

    /// <summary>
    /// The search's candidate loop: the first two lines prefetched eight ahead and words 0 and 2 compared; with
    /// <paramref name="near"/>, every candidate is near and words 1 and 3 are read at once too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe double TimeCheck(ulong* blocks, int[] positions, bool near)
    {
        const int Ahead = 8;
        var h = new Hash256(1, 2, 3, 4);
        long sum = 0;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < positions.Length; i++)
        {
            if (i + Ahead < positions.Length)
            {
                ScanKernel.PrefetchCandidate(blocks, positions[i + Ahead]);
            }

            sum += ScanKernel.PartialDistance(blocks, positions[i], h) + (near ? ScanKernel.RestDistance(blocks, positions[i], h) : 0);
        }

        var ns = sw.Elapsed.TotalNanoseconds;
        GC.KeepAlive(sum);
        return ns;
    }

    private struct CountSink : IScanSink
    {
        public long Hits;

        public readonly int RadiusFor(int query) => 31;

        public void Emit(int query, int pos, int distance) => Hits++;
    }

    private static string DescribeMachine()
    {
        var model = "unknown CPU";
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                    ?.Split(':', 2)[1].Trim() ?? model;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return $"{model}, {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSArchitecture}, {ScanKernel.Best} kernel";
    }

    private static IndexCalibration? TryRead(string path, int sizeClass)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024)
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format || root.GetProperty("machine").GetString() != Machine
                || root.GetProperty("sizeClass").GetInt32() != sizeClass)
            {
                return null;
            }

            double D(string name) => root.GetProperty(name).GetDouble();
            var c = new IndexCalibration(D("slotNs"), D("verifyNs"), D("nearNs"), D("scalarScanNs"), D("avx2ScanNs"), D("avx512ScanNs"),
                root.GetProperty("source").GetString() ?? "cached");
            return c.SlotNs > 0 && c.VerifyNs > 0 && c.NearNs > 0 && c.ScalarScanNs > 0 && c.Avx2ScanNs > 0 && c.Avx512ScanNs > 0 ? c : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
            or InvalidOperationException or FormatException)
        {
            return null; // a damaged or foreign cache is measured again
        }
    }

    private static void TryWrite(string path, int sizeClass, IndexCalibration c)
    {
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteString("machine", Machine);
                w.WriteNumber("sizeClass", sizeClass);
                w.WriteNumber("slotNs", Math.Round(c.SlotNs, 2));
                w.WriteNumber("verifyNs", Math.Round(c.VerifyNs, 2));
                w.WriteNumber("nearNs", Math.Round(c.NearNs, 2));
                w.WriteNumber("scalarScanNs", Math.Round(c.ScalarScanNs, 3));
                w.WriteNumber("avx2ScanNs", Math.Round(c.Avx2ScanNs, 3));
                w.WriteNumber("avx512ScanNs", Math.Round(c.Avx512ScanNs, 3));
                w.WriteString("source", c.Source);
                w.WriteEndObject();
            }

            var json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
            var temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.WriteAllText(temp, json + "\n");
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only folder: the calibration stays in this process.
        }
    }
}
