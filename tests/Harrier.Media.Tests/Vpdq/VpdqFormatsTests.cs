using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;
using Harrier.Testing;

namespace Harrier.Media.Tests.Vpdq;

public sealed class VpdqFormatsTests
{
    [Fact]
    public void Sample_hash_files_read_and_write_back_byte_for_byte()
    {
        foreach (var path in Directory.GetFiles(TestPaths.Vectors("vpdq", "sample-hashes"), "*.txt"))
        {
            var original = File.ReadAllText(path);
            using var writer = new StringWriter();
            VpdqFormats.Write(writer, VpdqFormats.ReadFile(path));
            Assert.Equal(original, writer.ToString());
        }
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(0.033, "0.033")]
    [InlineData(0.0333333, "0.0333")]
    [InlineData(1.0, "1.0")]
    [InlineData(10.0, "10.0")]
    [InlineData(18.767, "18.8")]
    [InlineData(99.95, "1e+02")]
    [InlineData(100.5, "1e+02")]
    [InlineData(999.4, "9.99e+02")]
    [InlineData(1234.5, "1.23e+03")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    public void Pytx_timestamps_follow_python_format_dot_3(double value, string expected) =>
        Assert.Equal(expected, VpdqFormats.PythonFormat3(value));

    [Fact]
    public void Pytx_signal_round_trips_hashes_and_qualities_with_coarse_timestamps()
    {
        var h = Hash256.Parse("e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c");
        List<VpdqFeature> features = [new(0, 100, h, 0), new(563, 47, h, 18.767)];
        var json = VpdqFormats.ToPytxSignal(features);
        Assert.Equal($"[\"{h},100,0.0\", \"{h},47,18.8\"]", json);
        var back = VpdqFormats.ParsePytxSignal(json);
        Assert.Equal([new VpdqFeature(0, 100, h, 0), new VpdqFeature(1, 47, h, 18.8)], back);
    }

    [Theory]
    [InlineData("0,100,E271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000", "hash")]
    [InlineData("0,101,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000", "quality")]
    [InlineData("x,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000", "frame number")]
    [InlineData("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c", "4 fields")]
    [InlineData("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,-1", "timestamp")]
    public void Malformed_lines_say_what_is_wrong_and_where(string line, string expected)
    {
        var e = Assert.Throws<FormatException>(() => VpdqFormats.Read(new StringReader("\n" + line + "\n")));
        Assert.StartsWith("line 2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, 30.0, 1)]
    [InlineData(1.0, 30000.0 / 1001, 29)]
    [InlineData(1.0, 25.0, 25)]
    [InlineData(0.5, 30.0, 15)]
    [InlineData(0.01, 30.0, 1)]
    [InlineData(1e12, 30.0, int.MaxValue)]
    public void Frame_modulus_is_int_of_seconds_times_fps_at_least_one(double seconds, double fps, int expected) =>
        Assert.Equal(expected, new VpdqOptions { SecondsPerHash = seconds }.FrameModulus(fps));
}
