using Harrier.Chain.Tracing;
using Harrier.Testing;
using Harrier.Testing.Chain;

namespace Harrier.Chain.Tests;

/// <summary>The files written from a trace (data requests as CSV and JSON, their index) and the deposit lists read into one: snapshots and CSV quoting.</summary>
public sealed class TracingFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-tracing-formats-").FullName;

    [Fact]
    public void Data_requests_match_their_snapshots_and_quote_tag_text_with_commas_quotes_and_line_breaks()
    {
        var files = RequestWriter.Write(SampleTrace.Report(), _dir, "Op Snapshot");
        Assert.Equal(["nordcoin.json", "nordcoin.csv", "index.json"], files.Select(Path.GetFileName));
        Snapshot.MatchFile("requests/nordcoin.csv", Path.Combine(_dir, "nordcoin.csv"));
        Snapshot.MatchFile("requests/nordcoin.json", Path.Combine(_dir, "nordcoin.json"));
        Snapshot.MatchFile("requests/index.json", Path.Combine(_dir, "index.json"));

        // The CSV reads back with the tag text whole (a plain CsvHelper read of the same file).
        using var reader = CsvHelper.CsvReader.FromFile(Path.Combine(_dir, "nordcoin.csv"), new CsvHelper.CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            DetectSeparatorHint = false,
        });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        }

        var row = Assert.Single(rows, r => r[0] == SampleTrace.WithdrawalTxid);
        Assert.Contains("NordCoin, \"hot\" wallet\nsecond line", string.Join(",", row.Skip(1)), StringComparison.Ordinal);
    }

    [Fact]
    public void Deposit_lists_read_quoted_labels_with_separators_quotes_and_line_breaks()
    {
        var path = Path.Combine(_dir, "deposits.csv");
        File.WriteAllText(path, "\uFEFFaddress,label\n# a comment\n1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2,user-1\n\nbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq,\"user, \"\"two\"\"\nsecond line\"\n3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy\n1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2,again\n");
        var deposits = DepositList.Read(path);
        Assert.Equal([new DepositAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "user-1"), new DepositAddress("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "user, \"two\"\nsecond line"), new DepositAddress("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", null)], deposits);

        var written = Path.Combine(_dir, "written.csv");
        using (var w = new StreamWriter(written))
        {
            DepositList.Write(w, deposits);
        }

        Assert.Equal(deposits, DepositList.Read(written));
        Snapshot.MatchFile("deposits.csv", written);
    }

    [Fact]
    public void Deposit_lists_keep_the_hand_split_readings_of_tabs_spaces_and_semicolons()
    {
        var path = Path.Combine(_dir, "spaces.txt");
        File.WriteAllText(path, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 some label\nbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\n  # indented comment\n");
        Assert.Equal([new DepositAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "some label"), new DepositAddress("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", null)], DepositList.Read(path));
        File.WriteAllText(path, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2\tuser-1\nbc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\tuser-2\n");
        Assert.Equal([new DepositAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "user-1"), new DepositAddress("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "user-2")], DepositList.Read(path));
        File.WriteAllText(path, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2;\"user-1\"\n");
        Assert.Equal([new DepositAddress("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "user-1")], DepositList.Read(path));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
