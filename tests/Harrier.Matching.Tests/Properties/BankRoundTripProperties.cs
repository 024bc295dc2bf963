using CsCheck;
using Harrier.Matching.Banks;
using Harrier.Media.Hashing;

namespace Harrier.Matching.Tests.Properties;

/// <summary>
/// Property: read ∘ write = identity on generated entries, for every bank format <see cref="BankWriter"/> writes (and
/// VICS by <see cref="VicsFormat"/>): the fields the format carries come back equal, in order, with no warnings, and the
/// format is recognised from the content (where no field holds a line break: see <see cref="RoundTrip"/>). Text fields draw on separators, quotes, tabs, line breaks and non-ASCII.
/// On failure CsCheck shrinks the case and its exception message prints the seed; replay by passing it as
/// <c>seed: "…"</c> to <c>Sample</c> (or setting the <c>CsCheck_Seed</c> environment variable).
/// </summary>
public sealed class BankRoundTripProperties : IDisposable
{
    /// <summary>Each iteration writes and reads one small file (up to 12 entries).</summary>
    private const int Iterations = 100;

    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-bank-prop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Gen<string> Hex(int length) => Gen.String[Gen.Char["0123456789abcdef"], length, length];

    private static readonly Gen<string> Md5 = Hex(32);
    private static readonly Gen<string> Sha1 = Hex(40);
    private static readonly Gen<string> Sha256 = Hex(64);

    /// <summary>Non-empty text with the characters that break naive CSV: ; , " tab, line breaks, # and non-ASCII.</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.Char["abcXYZ019 ;,\"\t\n#'é€"], 1, 10]
        .Where(s => s.Trim().Length == s.Length); // a field is one value: no leading or trailing blanks

    private static Gen<string?> OrNull(Gen<string> gen) => Gen.Select(Gen.Int[0, 3], gen, (k, s) => k == 0 ? null : s);

    private static readonly Gen<Hash256> Pdq =
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, (a, b, c, d) => new Hash256(a, b, c, d));

    private void RoundTrip(BankFormat format, BankEntry[] entries, out BankFile back)
    {
        var path = Path.Combine(_dir, "bank." + format.ToString().ToLowerInvariant());
        BankWriter.Write(path, format, entries);
        back = BankReader.Read(path, format);
        Assert.Empty(back.Warnings);

        // Recognising the format (BankFormat.Auto) looks at physical lines, so a quoted field with a line break can
        // defeat it (a PDQ list is then taken for a CSV); reading with the format named is the law checked above.
        if (!entries.Any(e => new[] { e.ExternalId, e.Series, e.PhotoDna, e.Category?.Code }.Any(s => s?.Contains('\n', StringComparison.Ordinal) == true)))
        {
            Assert.Equal(format, BankReader.Detect(path));
        }
    }

    private static string Show(IEnumerable<BankEntry> entries) => string.Join(" | ", entries);

    [Fact]
    public void Plain_csv_round_trips()
    {
        var entry = Gen.Select(OrNull(Md5), OrNull(Sha1), OrNull(Sha256), OrNull(Text),
                (md5, sha1, sha256, category) => new BankEntry
                {
                    Md5 = md5, Sha1 = sha1, Sha256 = sha256, Category = category is null ? null : new BankCategory("CSV", category),
                })
            .Where(e => e.Md5 is not null || e.Sha1 is not null || e.Sha256 is not null);
        entry.Array[1, 12].Sample(entries =>
        {
            RoundTrip(BankFormat.Csv, entries, out var back);
            Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.Sha256, e.Category?.Code)), back.Entries.Select(e => (e.Md5, e.Sha1, e.Sha256, e.Category?.Code)));
        }, iter: Iterations, threads: 1, print: Show);
    }

    [Fact]
    public void Icse_round_trips()
    {
        var entry = Gen.Select(Md5, OrNull(Sha1), OrNull(Text), OrNull(Text), OrNull(Text),
            (md5, sha1, photoDna, id, series) => new BankEntry { Md5 = md5, Sha1 = sha1, PhotoDna = photoDna, ExternalId = id, Series = series });
        entry.Array[1, 12].Sample(entries =>
        {
            RoundTrip(BankFormat.Icse, entries, out var back);
            Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.PhotoDna, e.ExternalId, e.Series)),
                back.Entries.Select(e => (e.Md5, e.Sha1, e.PhotoDna, e.ExternalId, e.Series)));
        }, iter: Iterations, threads: 1, print: Show);
    }

    [Fact]
    public void Nsrl_round_trips_as_known_good()
    {
        var entry = Gen.Select(Sha1, Md5, Text, (sha1, md5, name) => new BankEntry { Sha1 = sha1, Md5 = md5, ExternalId = name, KnownGood = true });
        entry.Array[1, 12].Sample(entries =>
        {
            RoundTrip(BankFormat.Nsrl, entries, out var back);
            Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.ExternalId, e.KnownGood)), back.Entries.Select(e => (e.Md5, e.Sha1, e.ExternalId, e.KnownGood)));
        }, iter: Iterations, threads: 1, print: Show);
    }

    [Fact]
    public void Pdq_list_round_trips_with_and_without_quality()
    {
        var withQuality = Gen.Select(Pdq, Gen.Int[0, 100], Text, (h, q, name) => new BankEntry { Pdq = h, PdqQuality = q, ExternalId = name }).Array[1, 12];
        var named = Gen.Select(Pdq, Text, (h, name) => new BankEntry { Pdq = h, ExternalId = name }).Array[1, 12];
        Gen.OneOf(withQuality, named).Sample(entries =>
        {
            RoundTrip(BankFormat.Pdq, entries, out var back);
            Assert.Equal(entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)), back.Entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)));
        }, iter: Iterations, threads: 1, print: Show);
    }

    /// <summary>The case the property found (seed 7foTk-mWAEU2): a tab inside a quoted name made the list read as tab-separated, dropping it silently.</summary>
    [Fact]
    public void Pdq_list_with_quality_keeps_a_name_holding_a_tab()
    {
        BankEntry[] entries = [new() { Pdq = new Hash256(1, 2, 3, 4), PdqQuality = 73, ExternalId = ",\tX#0\"" }];
        RoundTrip(BankFormat.Pdq, entries, out var back);
        Assert.Equal(entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)), back.Entries.Select(e => (e.Pdq, e.PdqQuality, e.ExternalId)));
    }

    [Fact]
    public void Vics_round_trips()
    {
        var entry = Gen.Select(OrNull(Md5), OrNull(Sha1), OrNull(Text), OrNull(Text), OrNull(Gen.Int[0, 5].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                (md5, sha1, series, photoDna, category) => new BankEntry
                {
                    Md5 = md5, Sha1 = sha1, Series = series, PhotoDna = photoDna, Category = category is null ? null : new BankCategory("VICS-US", category),
                })
            .Where(e => e.Md5 is not null || e.Sha1 is not null);
        entry.Array[1, 12].Sample(entries =>
        {
            var path = Path.Combine(_dir, "export.json");
            BankWriter.Write(path, BankFormat.Vics, entries);
            var back = BankReader.Read(path, BankFormat.Vics);
            Assert.Empty(back.Warnings);
            Assert.Equal(BankFormat.Vics, BankReader.Detect(path));
            Assert.Equal(entries.Select(e => (e.Md5, e.Sha1, e.Series, e.PhotoDna, e.Category?.Code)),
                back.Entries.Select(e => (e.Md5, e.Sha1, e.Series, e.PhotoDna, e.Category?.Code)));
        }, iter: Iterations, threads: 1, print: Show);
    }
}
