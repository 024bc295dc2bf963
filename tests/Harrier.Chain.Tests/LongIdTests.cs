using Harrier.Chain.Store;

namespace Harrier.Chain.Tests;

/// <summary>
/// Input and output ids are 64-bit (store format 4): mainnet has about 2.5 billion inputs and 3.2 billion outputs. A
/// column past 2^31 elements is written and read at its end here without writing the 16 GB before it: the file is
/// sparse (the filesystem stores only the pages written), so the test costs a few pages of disk.
/// </summary>
public sealed class LongIdTests : IDisposable
{
    private const long Beyond = (1L << 31) + 16; // elements already in the column: past int ids

    private readonly string _root = Directory.CreateTempSubdirectory("harrier-long-ids-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A column file of <see cref="Beyond"/> zero elements, sparse.</summary>
    private string SparseColumn<T>(string name)
        where T : unmanaged
    {
        var path = Path.Combine(_root, name);
        ColumnFile.Write<T>(path, []);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.SetLength(ColumnFile.HeaderSize + (Beyond * System.Runtime.InteropServices.Marshal.SizeOf<T>()));
        }

        return path;
    }

    [Fact]
    public void A_link_column_past_2_to_the_31_elements_is_appended_updated_and_read_at_long_ids()
    {
        var path = SparseColumn<long>(ChainStore.Columns.OutSpentBy);
        const long Input = 5_000_000_000; // an input id past 2^32 as well
        using (var writer = new ColumnWriter<long>(path, Beyond))
        {
            writer[Beyond - 3] = Input;
            writer.Add(-1);
            writer.Add(Beyond + 7);
            Assert.Equal(Beyond + 2, writer.Count);
            writer.Close();
        }

        using var column = ColumnFile.Map<long>(path);
        Assert.Equal(Beyond + 2, column.Count);
        Assert.Throws<InvalidOperationException>(() => column.Span.Length); // one span cannot hold it; ColumnSpan can
        var all = column.Column;
        Assert.Equal(Beyond + 2, all.Length);
        Assert.Equal(0, all[0]);
        Assert.Equal(Input, all[Beyond - 3]);
        Assert.Equal([0L, 0, Input, 0, 0, -1, Beyond + 7], all.ToArray(Beyond - 5, Beyond + 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => all[Beyond + 2]);

        // Read as links of a store with Input + 1 inputs: ids at or past that count read as -1 (an import not yet committed).
        var links = LinkSpan.Over(all, limit: Input + 1);
        Assert.Equal(Input, links[Beyond - 3]);
        Assert.Equal(-1, links[Beyond]);
        Assert.Equal(Beyond + 7, links[Beyond + 1]);
        var fewer = LinkSpan.Over(all, limit: Input);
        Assert.Equal(-1, fewer[Beyond - 3]);
    }

    [Fact]
    public void An_output_column_past_2_to_the_31_elements_reads_its_values_at_long_ids()
    {
        var path = SparseColumn<long>(ChainStore.Columns.OutValue);
        using (var writer = new ColumnWriter<long>(path, Beyond))
        {
            writer.AddRange([21_000_000L * 100_000_000, 546]);
            writer.Close();
        }

        using var column = ColumnFile.Map<long>(path, Beyond + 2);
        var values = column.Column;
        Assert.Equal(2_100_000_000_000_000L, values[Beyond]);
        Assert.Equal(546, values[Beyond + 1]);
        Assert.Equal([2_100_000_000_000_000L, 546], values.Slice(Beyond, 2).ToArray());
        Assert.Equal(0, values[Beyond - 1]);
    }
}
