using Harrier.Chain.Attribution;
using Harrier.Chain.Blocks;
using Harrier.Chain.Store;
using Harrier.Chain.Tracing;
using Harrier.Matching.Banks;
using Harrier.Media.Features;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Tmk;
using Harrier.Media.Vpdq;
using Harrier.Operations;
using Harrier.Operations.Deconfliction;
using Harrier.Operations.Platform;
using Harrier.Operations.Returns;
using NBitcoin;

namespace Harrier.Fuzz;

/// <summary>
/// One fuzz target per parser Harrier owns. Each runs its parser over one input the way the product does (from a file
/// where the product reads files) and lets through only the exceptions that parser documents as "bad input"; any other
/// exception escapes and is a crash. The same functions run under AFL++ (<see cref="Program"/>) and in the replay test
/// (tests/Harrier.Fuzz.Tests) over fuzz/corpus and fuzz/regressions.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The inputs the product reads whole are bounded here, so that "a huge input is slow" is not a crash.</summary>
    private const int MaxTextBytes = 256 * 1024;

    /// <summary>A block file may hold several blocks; AFL++ itself writes no input over 1 MiB.</summary>
    private const int MaxBlockFileBytes = 1024 * 1024;

    /// <summary>The record Operations uses for one returns or claims field.</summary>
    private const int MaxFieldChars = 64 * 1024;

    // Names and summaries only: nothing here may touch an instrumented assembly before SharpFuzz has set up AFL's shared
    // memory (instrumented code run earlier writes through a null coverage map), so --list and name checks stay plain.
    private static readonly (string Name, string Summary)[] Catalog =
    [
        ("bank", "hash sets by content detection (CSV, ICSE, NSRL, PDQ and vPDQ lists): BankReader.Read"),
        ("vics", "VICS JSON-OData 1.x/2.0 hash sets: VicsFormat.Read"),
        ("pdq", "PDQ text formats: hash lists, tool lines, dihedral lines, reference CLI lines, pytx and HMA signals"),
        ("vpdq", "vPDQ hash files: reference lines or a pytx signal (VpdqFormats.ReadAnyFile)"),
        ("tmk", "TMK+PDQF binary hashes (.tmk): TmkFormat.ReadFile"),
        ("sniff", "the media sniffer: MediaSniffer.Sniff and ImageSniffer.Detect on a file's first bytes"),
        ("blk", "blk*.dat framing and block/transaction parsing, then the columnar graph: BlockFileReader.ReadFile, ChainBuilder"),
        ("block", "one raw block (regtest, so that proof of work rarely hides the parser) into the columnar graph"),
        ("tagpack", "GraphSense TagPacks and ActorPacks (YAML): TagLibrary.Import"),
        ("mapping", "platform database mapping files (YAML): PlatformMappingFormat.Read"),
        ("deposits", "deposit-address lists (address[,label] CSV): DepositList.Read"),
        ("returns", "KYC and subscriber returns (CSV or JSON): ReturnsFileReader.Open and its records"),
        ("claims", "deconfliction claims (CSV or JSON): ClaimsFile.Read"),
    ];

    /// <summary>Every target's name.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Catalog.Select(t => t.Name)];

    /// <summary>One line per target: its name and what it covers.</summary>
    public static IEnumerable<string> Describe() => Catalog.Select(t => $"{t.Name,-9} {t.Summary}");

    /// <summary>Whether <paramref name="name"/> is a target.</summary>
    public static bool Exists(string name) => Catalog.Any(t => t.Name == name);

    /// <summary>
    /// Runs target <paramref name="name"/> over <paramref name="input"/>, writing it to a file in <paramref name="scratch"/>
    /// first (an existing folder the caller owns). Returns what the parser made of it: its result, "rejected: …" for a
    /// documented bad-input exception, or "skipped: …" for input over the target's bound. Any other exception escapes.
    /// </summary>
    public static string Run(string name, ReadOnlySpan<byte> input, string scratch)
    {
        var target = Get(name);
        if (input.Length > target.MaxBytes)
        {
            return $"skipped: {input.Length} bytes, over the target's bound of {target.MaxBytes}";
        }

        // Returns and claims pick CSV or JSON by extension, then by the first character: the extension is left off so
        // that the content decides, as for a file named otherwise.
        var path = Path.Combine(scratch, target.FileName);
        File.WriteAllBytes(path, input);
        try
        {
            return target.Parse(path);
        }
        catch (Exception e) when (target.BadInput.Any(t => t.IsInstanceOfType(e)))
        {
            return "rejected: " + e.GetType().Name + ": " + e.Message;
        }
    }

    private static Target Get(string name) => name switch
    {
        "bank" => new("bank.txt", MaxTextBytes, path => Describe(BankReader.Read(path)), typeof(BankFormatException)),
        "vics" => new("bank.json", MaxTextBytes, path => Describe(BankReader.Read(path, BankFormat.Vics)), typeof(BankFormatException)),
        "pdq" => new("hashes.txt", MaxTextBytes, Pdq, typeof(FormatException)),
        "vpdq" => new("video.txt", MaxTextBytes, path => $"{VpdqFormats.ReadAnyFile(path).Count} frames", typeof(FormatException)),
        "tmk" => new("video.tmk", MaxTextBytes, path => $"{TmkFormat.ReadFile(path).FrameCount} frames", typeof(TmkFormatException)),
        "sniff" => new("media.bin", MaxTextBytes, Sniff),
        "blk" => new("blk00000.dat", MaxBlockFileBytes, path => Blocks(path, null), typeof(InvalidDataException)),
        "block" => new("block.raw", MaxBlockFileBytes, path => Blocks(path, Network.RegTest), typeof(InvalidDataException)),
        "tagpack" => new("pack.yaml", MaxTextBytes, TagPack),
        "mapping" => new("mapping.yaml", MaxTextBytes, path => PlatformMappingFormat.Read(path).Version.ToString(System.Globalization.CultureInfo.InvariantCulture), typeof(OperationException)),
        "deposits" => new("deposits.csv", MaxTextBytes, path => DepositList.Read(path, out var problems).Count + " deposits, " + problems.Count + " problems"),
        "returns" => new("returns", MaxTextBytes, Returns, typeof(ReturnsFileException)),
        "claims" => new("claims", MaxTextBytes, Claims, typeof(ReturnsFileException)),
        _ => throw new ArgumentException($"no fuzz target {name}", nameof(name)),
    };

    private static string Describe(BankFile file) => $"{file.Format}: {file.Entries.Count} entries, {file.Warnings.Count} warnings";

    private static string Pdq(string path)
    {
        var text = File.ReadAllText(path);
        var results = new List<string>();
        try
        {
            results.Add($"{PdqFormats.ReadHashList(new StringReader(text)).Count()} list entries");
        }
        catch (FormatException e)
        {
            results.Add("list rejected: " + e.Message);
        }

        // Each line through every single-line form (the CLI and the HMA API read these one at a time).
        foreach (var line in text.Split('\n').Take(64))
        {
            Try(() => PdqFormats.ParseLine(line));
            Try(() => PdqFormats.ParseDihedralLine(line));
            Try(() => PdqFormats.ParseReferenceCliLine(line));
            Try(() => PdqFormats.ParsePytxSignal(line));
            Try(() => PdqFormats.ParseHmaJson(line));
            Try(() => PdqFormats.ParseHex(line));
        }

        Try(() => PdqFormats.ParseHmaJson(text));
        return string.Join("; ", results);

        void Try(Func<object> parse)
        {
            try
            {
                _ = parse();
            }
            catch (FormatException)
            {
                // The documented answer to a malformed line.
            }
        }
    }

    private static string Sniff(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var (kind, format) = MediaSniffer.Sniff(path);
        var image = ImageSniffer.Detect(path);
        if (MediaSniffer.Sniff(bytes) != (kind, format) || ImageSniffer.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, ImageSniffer.HeaderLength))) != image)
        {
            throw new InvalidOperationException("the sniffer answers differently for a file and for its first bytes");
        }

        return $"{kind} {format} {image}";
    }

    private static string Blocks(string path, Network? raw)
    {
        // The whole import as `chain import` runs it (scan, plan, parse, append, commit), into a scratch store. When no
        // block is found at all, the importer refuses with InvalidDataException naming the file (a clear error).
        var store = Directory.CreateTempSubdirectory("harrier-fuzz-chain-").FullName;
        try
        {
            var result = ChainImporter.Import(store, path, new ChainImportOptions { Network = raw });
            return $"{result.BlocksFound} blocks, {result.BlocksAdded} appended, {result.TransactionsAdded} transactions, {result.Errors.Count} errors";
        }
        catch (InvalidDataException) when (raw is not null)
        {
            // A block whose proof of work or merkle root failed still reaches the graph builder here: anyone can mine a
            // regtest block with a correct merkle root over any transactions, so the builder must take whatever parses.
            Block? block = null;
            try
            {
                block = Block.Load(File.ReadAllBytes(path), raw);
            }
            catch (Exception e) when (e is FormatException or EndOfStreamException or InvalidDataException or OverflowException or ArgumentException
                or InvalidOperationException or IndexOutOfRangeException)
            {
                // BlockFileReader's own list of NBitcoin's parse failures (TryLoad).
            }

            if (block is not null)
            {
                using var builder = ChainBuilder.Open(Path.Combine(store, "unchecked"), raw, null);
                builder.Append(ParsedBlock.From(block));
            }

            throw;
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    private static string TagPack(string path)
    {
        var errors = new List<string>();
        var library = TagLibrary.Empty();
        var packs = library.Import(path, isPublic: true, errors);
        return $"{packs.Count} packs, {library.Tags.Count} tags, {library.Actors.Count} actors, {errors.Count} errors{(errors.Count > 0 ? ": " + errors[0] : string.Empty)}";
    }

    private static string Returns(string path)
    {
        using var reader = ReturnsFileReader.Open(path);
        var records = reader.Records(MaxFieldChars).Count();
        return $"{reader.Format}: {reader.Columns.Count} columns, {records} records, kind {ReturnsColumns.Detect(reader.Columns) ?? "unknown"}";
    }

    private static string Claims(string path)
    {
        var (records, unknown) = ClaimsFile.Read(path, ClaimsFile.FormatOf(path, null), MaxFieldChars);
        return $"{records.Count} claims, {unknown.Count} unknown columns";
    }

    private sealed record Target(string FileName, int MaxBytes, Func<string, string> Parse, params Type[] BadInput);
}
