using Harrier.Cli.Commands;

namespace Harrier.Cli.Tests;

/// <summary><c>ingest media --memory-budget SIZE</c>: the sizes an examiner types.</summary>
public sealed class IngestOptionsTests
{
    [Theory]
    [InlineData("512M", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("900k", 900L << 10)]
    [InlineData(" 4g ", 4L << 30)]
    [InlineData("1073741824", 1L << 30)]
    public void Sizes_parse_in_binary_units(string text, long bytes) => Assert.Equal(bytes, IngestCommands.ParseSize(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("0")]
    [InlineData("2GB")]
    [InlineData("1e30")]
    [InlineData("99999999999T")]
    public void Anything_else_is_not_a_size(string text) => Assert.Null(IngestCommands.ParseSize(text));
}
