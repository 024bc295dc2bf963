using System.Buffers.Binary;
using Harrier.Chain.Store;

namespace Harrier.Chain.Tests;

/// <summary>
/// A column past 2^31 elements opens and reads in slices: a 50 M-transaction chain's address scripts are 3.2 GB, and
/// the reader once refused them, leaving a store the import had just written unreadable. The file here is sparse.
/// </summary>
public sealed class LargeColumnTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-large-column-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_column_of_three_billion_bytes_reads_in_slices_and_refuses_one_span()
    {
        var path = Path.Combine(_dir, "addr.script.col");
        ColumnFile.Write<byte>(path, "first bytes here"u8);
        const long count = 3_000_000_000;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.SetLength(ColumnFile.HeaderSize + count);
            Span<byte> n = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(n, count);
            fs.Position = 8;
            fs.Write(n);
            fs.Position = ColumnFile.HeaderSize + count - 10;
            fs.Write("last bytes"u8);
        }

        using var column = ColumnFile.Map<byte>(path);
        Assert.Equal(count, column.Count);
        Assert.Equal("first bytes here"u8.ToArray(), column.Slice(0, 16).ToArray());
        Assert.Equal("last bytes"u8.ToArray(), column.Slice(count - 10, 10).ToArray());
        Assert.Throws<InvalidOperationException>(() => column.Span.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => column.Slice(count - 5, 10).Length);
    }
}
