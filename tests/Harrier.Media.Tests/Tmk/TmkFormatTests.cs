using Harrier.Media.Tmk;
using Harrier.Testing;

namespace Harrier.Media.Tests.Tmk;

public sealed class TmkFormatTests
{
    public static TheoryData<string> SampleFiles() =>
        new(Directory.GetFiles(TestPaths.Vectors("tmk", "sample-hashes"), "*.tmk").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_files_read_and_write_back_byte_for_byte(string name)
    {
        var path = TestPaths.Vectors("tmk", "sample-hashes", name);
        var original = File.ReadAllBytes(path);
        var features = TmkFormat.ReadFile(path);

        Assert.Equal(TmkFormat.StandardLength, original.Length);
        Assert.Equal(TmkParameters.FramesPerSecond, features.FramesPerSecond);
        Assert.Equal(TmkParameters.Periods, features.Periods);
        Assert.True(features.FrameCount > 0);
        using var ms = new MemoryStream();
        TmkFormat.Write(ms, features);
        Assert.Equal(original, ms.ToArray());
    }

    [Fact]
    public void Computed_fourier_weights_equal_the_ones_every_reference_file_stores()
    {
        var stored = TmkFormat.ReadFile(TestPaths.Vectors("tmk", "sample-hashes", "chair-19-sd-bar.tmk")).FourierCoefficients;
        var computed = TmkParameters.FourierCoefficients;
        Assert.Equal(stored.Count, computed.Count);
        for (var j = 0; j < stored.Count; j++)
        {
            Assert.True(Math.Abs(stored[j] - computed[j]) <= 1e-6 * Math.Abs(stored[j]), $"c[{j}]: stored {stored[j]:R}, computed {computed[j]:R}");
        }
    }

    [Fact]
    public void Finished_vectors_are_unit_length_times_root_weight()
    {
        var acc = new TmkAccumulator();
        var rng = new Random(4);
        var frame = new byte[64 * 64 * 3];
        for (var t = 0; t < 40; t++)
        {
            rng.NextBytes(frame);
            acc.AddRgb64(frame);
        }

        var f = acc.Finish();
        Assert.Equal(40, f.FrameCount);
        for (var j = 0; j < f.FourierCoefficients.Count; j++)
        {
            var norm = Math.Sqrt(f.CosVector(1, j).ToArray().Sum(v => (double)v * v));
            Assert.Equal(Math.Sqrt(f.FourierCoefficients[j]), norm, 5);
        }

        // sin for j = 0 is sin(0) = 0 for every frame: it stays zero.
        Assert.All(f.SinVector(0, 0).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Truncated_garbage_and_padded_files_are_rejected_with_a_reason()
    {
        var good = File.ReadAllBytes(TestPaths.Vectors("tmk", "sample-hashes", "doorknob-hd-no-bar.tmk"));
        Assert.Contains("truncated", Read(good[..1000]).Message, StringComparison.Ordinal);
        Assert.Contains("truncated", Read(good[..10]).Message, StringComparison.Ordinal);
        Assert.Contains("TMK1", Read(new byte[good.Length]).Message, StringComparison.Ordinal);
        Assert.Contains("trailing", Read([.. good, 0]).Message, StringComparison.Ordinal);
        var badHeader = (byte[])good.Clone();
        badHeader[16] = 0xff; // numPeriods = 255
        Assert.Contains("implausible", Read(badHeader).Message, StringComparison.Ordinal);

        static TmkFormatException Read(byte[] bytes) => Assert.Throws<TmkFormatException>(() => TmkFormat.Read(new MemoryStream(bytes)));
    }

    [Theory] // fuzz/regressions/tmk: a 32-byte header made the reader allocate what it declared (2 GB), or overflow the length.
    [InlineData(64, 1024, 4000, "implausible")]
    [InlineData(64, 1024, 65536, "implausible")]
    [InlineData(4, 32, 4096, "truncated")] // 4 MiB declared: within bounds, but the stream does not hold it
    public void A_header_declaring_a_huge_hash_is_refused_before_anything_is_allocated(int periods, int coefficients, int dimension, string reason)
    {
        var header = new byte[32];
        "TMK1FVECPDQF"u8.CopyTo(header);
        foreach (var (at, value) in new[] { (12, 25), (16, periods), (20, coefficients), (24, dimension), (28, 3) })
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(at), value);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<TmkFormatException>(() => TmkFormat.Read(new MemoryStream(header)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the reader allocated what the header declared");
    }
}
