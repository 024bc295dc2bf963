using System.Diagnostics;
using System.Globalization;
using System.Text;
using CsvHelper;
using Harrier.Media.Digests;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Media.Vpdq;
using Harrier.Scenario.People;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario;

/// <summary>What was generated, and how long each stage took.</summary>
public sealed record ScenarioSummary(
    string OutDir, int Seed, string Preset, int Persons, int Accounts, int Items, int Uploads, int RenditionFiles,
    int Stills, int Payments, int Blocks, int Transactions, long LedgerRows, long Bytes, IReadOnlyDictionary<string, double> StageSeconds);

/// <summary>Options beyond the preset.</summary>
/// <param name="Seed">World seed: the same seed and preset give byte-identical output.</param>
/// <param name="Preset">The world's size.</param>
/// <param name="OutDir">A new or empty output folder.</param>
/// <param name="PhotosDir">A folder of benign .jpg photos for the stills and slideshows (the repository ships data/photos); required.</param>
/// <param name="PublicTagPacksDir">A folder of real public GraphSense packs, a few of which are copied beside the synthetic ones as noise; null for none.</param>
/// <param name="Parallelism">Worker threads for rendering and signing.</param>
/// <param name="GeoIpPath">An IP-to-country .mmdb for real country ranges; null for synthetic ranges.</param>
/// <param name="Payers">How payers fund their payments: <see cref="PayerBehaviour.Direct"/> (the default) or <see cref="PayerBehaviour.Adversarial"/> (payers that hide).</param>
public sealed record ScenarioOptions(int Seed, ScenarioPreset Preset, string OutDir, string PhotosDir, string? PublicTagPacksDir, int Parallelism, string? GeoIpPath = null,
    PayerBehaviour Payers = PayerBehaviour.Direct);

/// <summary>
/// <c>harrier scenario generate</c>: a whole synthetic seized platform with its ground truth (truth.json). Same
/// seed and preset give byte-identical output.
/// </summary>
public static class ScenarioGenerator
{
    private static readonly long Start = new DateTimeOffset(2022, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long End = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    public static async Task<ScenarioSummary> GenerateAsync(ScenarioOptions options, IProgress<(string Stage, long Done, long Total)>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var outDir = Path.GetFullPath(options.OutDir);
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any())
        {
            throw new IOException($"{outDir} is not empty; scenario output needs an empty or new folder");
        }

        Directory.CreateDirectory(outDir);
        var stages = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        void Stage(string name)
        {
            stages[name] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            clock.Restart();
        }

        var photosRoot = options.PhotosDir;
        var photos = Directory.Exists(photosRoot)
            ? Directory.EnumerateFiles(photosRoot, "*.jpg", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(photosRoot, p).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList()
            : [];
        if (photos.Count == 0)
        {
            // Without photos the stills and the image hash set come out empty and every later step fails far from here.
            throw new IOException($"{photosRoot}: no .jpg photos there; the scenario's stills and slideshows need a folder of benign photos");
        }

        progress?.Report(("world", 0, 0));
        using var geo = options.GeoIpPath is null ? null : new GeoIpRanges(options.GeoIpPath);
        var world = WorldBuilder.Build(options.Seed, options.Preset, photos, geo);
        Stage("world");
        using var chain = new ChainBuilder(options.Seed, Start - 200 * 600, Path.Combine(outDir, "chain"), options.Parallelism);
        var adversarial = options.Payers == PayerBehaviour.Adversarial;
        var paymentTruth = adversarial
            ? AdversarialEconomy.Realise(world, chain, new Random(options.Seed ^ 0x5eed), Start, End)
            : Economy.Realise(world, chain, new Random(options.Seed ^ 0x5eed), Start, End);
        chain.Complete();
        Stage("chain");

        // Media.
        var items = world.Items.ToDictionary(i => i.Id, i => photosRoot is null ? i : i with { Photos = [.. i.Photos.Select(p => Path.Combine(photosRoot, p))] });
        var uploads = world.Uploads.ToDictionary(u => u.Id);
        var renderer = new MediaRenderer(outDir);
        var jobs = world.Renditions.Where(r => r.Rendered).Select(r => (Func<Task>)(() => renderer.RenderAsync(uploads[r.UploadId], r, items, options.Preset.SecondsPerItem, ct)))
            .Concat(world.Stills.Select(s => (Func<Task>)(() => renderer.RenderStillAsync(s, items[s.ItemId], ct))))
            .ToList();
        long done = 0;
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct }, async (job, _) =>
        {
            await job();
            progress?.Report(("media", Interlocked.Increment(ref done), jobs.Count));
        });
        var knownGood = new List<(string Name, string Md5, string Sha1, long Size)>();
        foreach (var (decoy, i) in world.DecoyFiles.Select((d, i) => (d, i)))
        {
            var path = Path.Combine(outDir, decoy);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var text = Encoding.UTF8.GetBytes($"# system file {i}\nsetting_{i} = {i * 17 % 5}\n");
            await File.WriteAllBytesAsync(path, text, ct);
            var d = Digest(text);
            knownGood.Add((Path.GetFileName(decoy), d.Md5, d.Sha1, text.Length));
        }

        Stage("media");

        // Banks. Known videos: for about half the bank holds the very rendition files (exact hashes hit); for the
        // rest it holds its own copy, a different encode, so only the vPDQ list can find them. Every bank video has
        // a vPDQ file in hashsets/vpdq/.
        var r = new Random(options.Seed ^ 0xba4c);
        var bank = new List<BankCopy>();
        var vpdqDir = Path.Combine(outDir, "hashsets", "vpdq");
        Directory.CreateDirectory(vpdqDir);
        var bankCopies = Path.Combine(Path.GetTempPath(), "harrier-scenario-bank-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(bankCopies);
        try
        {
            // Decide sequentially (the random draws fix the world), then render and hash in parallel, then
            // assemble in item order so the output does not depend on scheduling.
            var plan = new List<(ContentItem Item, Upload Original, bool Exact, string Category, List<string> Copies)>();
            foreach (var item in world.Items.Where(i => i.Known && i.Id <= options.Preset.RenderedItems))
            {
                var original = world.Uploads.First(u => u.ItemId == item.Id && u.Variant == "original");
                var exact = r.NextDouble() < 0.5;
                var category = r.NextDouble() < 0.1 ? string.Empty : item.KnownCategory;
                var copies = exact
                    ? world.Renditions.Where(x => x.UploadId == original.Id).Select(x => Path.Combine(outDir, x.RelPath)).ToList()
                    : [Path.Combine(bankCopies, $"item{item.Id:D6}-bank.mp4")];
                plan.Add((item, original, exact, category, copies));
            }

            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = ct };
            await Parallel.ForEachAsync(plan.Where(p => !p.Exact), parallel, async (p, token) =>
                await renderer.RenderAsync(p.Original, new Rendition(p.Original.Id, "bank", 120, p.Copies[0], true), items, options.Preset.SecondsPerItem, token));
            var copiesToHash = plan.SelectMany(p => p.Copies).ToList();
            var hashed = new System.Collections.Concurrent.ConcurrentDictionary<string, (FileDigest Digest, IReadOnlyList<VpdqFeature> Features)>();
            long bankDone = 0;
            await Parallel.ForEachAsync(copiesToHash, parallel, async (copy, token) =>
            {
                var bytes = await File.ReadAllBytesAsync(copy, token);
                var vpdq = await VpdqHasher.HashFileAsync(copy, new VpdqOptions(), token);
                hashed[copy] = (Digest(bytes), vpdq.Features);
                progress?.Report(("banks", Interlocked.Increment(ref bankDone), copiesToHash.Count));
            });
            foreach (var (item, _, exact, category, copies) in plan)
            {
                foreach (var copy in copies)
                {
                    var (d, features) = hashed[copy];
                    var name = $"{d.Md5}.txt";
                    VpdqFormats.WriteFile(Path.Combine(vpdqDir, name), features);
                    bank.Add(new BankCopy(item.Id, d.Md5, d.Sha1, d.Length, category, null, exact) { VpdqFile = "vpdq/" + name });
                }
            }
        }
        finally
        {
            Directory.Delete(bankCopies, recursive: true);
        }

        var tmp = Path.Combine(Path.GetTempPath(), "harrier-scenario-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        try
        {
            foreach (var still in world.Stills.Where(s => s.Known))
            {
                var reference = Path.Combine(tmp, $"ref-{still.ItemId}.jpg");
                await MediaRenderer.RenderReferenceStillAsync(items[still.ItemId], reference, ct);
                var bytes = await File.ReadAllBytesAsync(reference, ct);
                using var image = ImageDecoder.Decode(bytes, reference);
                var pdq = PdqImageHasher.Hash(image);
                var d = Digest(bytes);
                bank.Add(new BankCopy(still.ItemId, d.Md5, d.Sha1, bytes.Length,
                    items[still.ItemId].KnownCategory, pdq.Hash.ToString(), still.Transform == "original"));
            }
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }

        HashsetWriter.Write(Path.Combine(outDir, "hashsets"), bank, knownGood, r);
        Stage("hash sets");

        // Prior records are drawn (from the bank stream, as before) ahead of the people stage, which keeps every
        // username and e-mail they name; then the people stage draws from its own stream.
        var records = RecordsWriter.Draw(world, chain, r);
        // Exchanges answer for the withdrawals a request can name: attributable payments only (all of them in a direct world).
        var people = PeopleBuilder.Build(world, [.. paymentTruth.Where(t => t.Attributable)], geo, records.Hits.Where(h => h.Type is "email" or "username")
            .GroupBy(h => h.PersonId).ToDictionary(g => g.Key, g => g.Select(h => (h.Type, h.Value)).ToList()));
        Stage("people");

        Directory.CreateDirectory(Path.Combine(outDir, "platform"));
        PlatformWriter.WriteSqlite(world, Path.Combine(outDir, "platform", "platform.sqlite"));
        PlatformWriter.WritePostgresDump(world, Path.Combine(outDir, "platform", "platform.sql"));
        Stage("platform");

        TagsWriter.Write(Path.Combine(outDir, "tags"), chain.AddressOwners, options.PublicTagPacksDir, adversarial ? AdversarialEconomy.Services : []);
        Stage("tags");

        RecordsWriter.Write(Path.Combine(outDir, "records"), records.Rows, people.PriorRecords);
        PeopleFiles.Write(outDir, world, people);
        await TruthWriter.WriteAsync(Path.Combine(outDir, "truth.json"), world, paymentTruth, chain, bank, records.Hits, people, ct);
        Stage("records and truth");

        var bytesTotal = Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new ScenarioSummary(outDir, options.Seed, options.Preset.Name, world.Persons.Count, world.Accounts.Count, world.Items.Count,
            world.Uploads.Count, world.Renditions.Count(x => x.Rendered), world.Stills.Count, world.Payments.Count, chain.BlockCount,
            chain.TransactionCount, world.Ledger.Count, bytesTotal, stages);
    }

    private static FileDigest Digest(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return FileDigester.Compute(stream);
    }
}

/// <summary>Prior records from earlier cases: identifiers matching a share of persons, plus near-miss decoys.</summary>
internal static class RecordsWriter
{
    /// <summary>The rows of prior-records.csv (record id, type, value, earlier case) and the true hits among them.</summary>
    public sealed record Drawn(List<(int PersonId, string Type, string Value)> Hits, List<string[]> Rows);

    public static Drawn Draw(World world, ChainBuilder chain, Random r)
    {
        var hits = new List<(int, string, string)>();
        var rows = new List<string[]>();
        var id = 1;
        var byPerson = world.Accounts.GroupBy(a => a.PersonId).ToDictionary(g => g.Key, g => g.ToList());
        var personAddresses = chain.AddressOwners.Where(o => o.Owner.StartsWith("person:", StringComparison.Ordinal))
            .GroupBy(o => int.Parse(o.Owner.AsSpan(7), CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.First().Address);
        foreach (var person in world.Persons)
        {
            if (r.NextDouble() >= 0.15 || !byPerson.TryGetValue(person.Id, out var accounts))
            {
                continue;
            }

            var account = accounts[r.Next(accounts.Count)];
            var (type, value) = r.Next(3) switch
            {
                0 => ("email", account.Email),
                1 => ("username", account.Username),
                _ => personAddresses.TryGetValue(person.Id, out var a) ? ("btc_address", a) : ("email", account.Email),
            };
            hits.Add((person.Id, type, value));
            rows.Add([string.Create(CultureInfo.InvariantCulture, $"R{id++:D6}"), type, value, string.Create(CultureInfo.InvariantCulture, $"EC-{2015 + person.Id % 9}-{person.Id % 997:D3}")]);
            if (r.NextDouble() < 0.3)
            {
                // A near miss: one character off. Must not match.
                var chars = value.ToCharArray();
                var k = r.Next(chars.Length);
                chars[k] = chars[k] == 'x' ? 'y' : 'x';
                rows.Add([string.Create(CultureInfo.InvariantCulture, $"R{id++:D6}"), type, new string(chars), string.Create(CultureInfo.InvariantCulture, $"EC-2019-{id % 997:D3}")]);
            }
        }

        return new Drawn(hits, rows);
    }

    /// <summary>Writes the drawn rows, then the people stage's reused usernames (numbered on).</summary>
    public static void Write(string dir, List<string[]> rows, IReadOnlyList<People.PriorRecordRow> more)
    {
        Directory.CreateDirectory(dir);
        // Through CsvHelper: an identifier with a comma, a quote or a line break is quoted, not split.
        using var csv = CsvWriter.ToFile(Path.Combine(dir, "prior-records.csv"), new CsvWriterOptions { NewLine = "\n" });
        csv.WriteRecord("record_id", "type", "value", "earlier_case");
        foreach (var row in rows)
        {
            csv.WriteRecord(row);
        }

        var id = rows.Count + 1;
        foreach (var row in more)
        {
            csv.WriteRecord(string.Create(CultureInfo.InvariantCulture, $"R{id++:D6}"), row.Type, row.Value, row.EarlierCase);
        }
    }
}

/// <summary>Builds truth.json's <see cref="ScenarioTruth"/> from the generated world and writes it with <see cref="TruthJson"/>.</summary>
internal static class TruthWriter
{
    public static async Task WriteAsync(string path, World world, List<PaymentTruth> payments, ChainBuilder chain, List<BankCopy> bank,
        List<(int PersonId, string Type, string Value)> records, PeopleWorld people, CancellationToken ct)
    {
        var itemById = world.Items.ToDictionary(i => i.Id);
        var uploadById = world.Uploads.ToDictionary(u => u.Id);
        var paymentsByPerson = world.Payments.GroupBy(p => p.PayerPersonId).ToDictionary(g => g.Key, g => g.ToList());
        var accountsByPerson = world.Accounts.GroupBy(a => a.PersonId).ToDictionary(g => g.Key, g => g.Select(a => a.Id).ToList());
        var exchanges = ChainBuilder.Exchanges.Concat(AdversarialEconomy.Services.Select(s => new ScenarioExchange(s.Id, s.Name, s.Country))).ToDictionary(e => e.Id);
        var adversarial = payments.Any(p => p.Route is not null);

        static int Score(Person p, int payments) =>
            (p.Roles.HasFlag(PersonRole.Producer) ? 1000 : 0) + (p.Roles.HasFlag(PersonRole.Uploader) ? 300 : 0)
            + (p.Roles.HasFlag(PersonRole.Admin) ? 500 : 0) + (p.Roles.HasFlag(PersonRole.Categoriser) ? 50 : 0) + payments * 10;

        var targets = world.Persons
            .Select(p => (Person: p, Payments: paymentsByPerson.GetValueOrDefault(p.Id)?.Count ?? 0))
            .Where(x => x.Person.Roles != PersonRole.Viewer || x.Payments > 0)
            .GroupBy(x => x.Person.Country)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TruthTarget>)g.OrderByDescending(x => Score(x.Person, x.Payments)).ThenBy(x => x.Person.Id)
                .Select(x => new TruthTarget(x.Person.Id, Score(x.Person, x.Payments))).ToList());

        var truth = new ScenarioTruth
        {
            Seed = world.Seed,
            Preset = world.Preset.Name,
            IpSource = world.IpSource,
            Items = world.Items.Select(i => new TruthItem(i.Id, i.Source, i.Known, i.KnownCategory, i.ProducerAccountId, i.Id <= world.Preset.RenderedItems)),
            Files = world.Renditions.Where(r => r.Rendered).Select(r =>
            {
                var u = uploadById[r.UploadId];
                var parts = u.Variant == "compilation" ? u.CompilationItemIds : [u.ItemId];
                return new TruthFile(r.RelPath, "video", u.Id, parts, r.Quality, u.Variant, parts.Any(p => itemById[p].Known));
            }).Concat(world.Stills.Select(s => new TruthFile(s.RelPath, "image", 0, [s.ItemId], "still", s.Transform, s.Known)))
              .Concat(world.DecoyFiles.Select(d => new TruthFile(d, "decoy", 0, [], "none", "none", false))),
            Persons = world.Persons.Select(p => new TruthPerson(p.Id, p.Country, p.Roles.ToString(), p.UsesVpn, p.PaysForPersonId,
                accountsByPerson.GetValueOrDefault(p.Id) ?? [],
                paymentsByPerson.GetValueOrDefault(p.Id)?.Select(x => x.Exchange).Distinct().Order(StringComparer.Ordinal).ToList() ?? [])),
            Exchanges = ChainBuilder.Exchanges,
            Services = adversarial ? AdversarialEconomy.Services.Select(s => new TruthService(s.Id, s.Name, s.Country, s.Kind, s.Tagged)).ToList() : null,
            Payments = payments.Select(t => new TruthPayment(t.PaymentId, t.Exchange, t.Exchange.Length == 0 ? "" : exchanges[t.Exchange].Country, t.WithdrawalTxid, t.WithdrawalVout, t.Txid, t.Vout)
            {
                Route = t.Route,
                Attributable = t.Route is null ? null : t.Attributable,
                SelfCustodyHops = t.Hops,
            }),
            ChangeOutputs = chain.ChangeOutputs,
            DecoyTransactions = chain.Decoys.Select(d => new TruthDecoyTransaction(d.Txid, d.Kind)),
            AddressOwners = chain.AddressOwners.Select(o => new TruthAddressOwner(o.Address, o.Owner)),
            Bank = bank.Select(b => new TruthBankEntry(b.ItemId, b.Md5, b.ExactInMedia, b.Pdq is not null, b.VpdqFile)),
            PriorRecordHits = records.Select(x => new TruthRecordHit(x.PersonId, x.Type, x.Value)),
            TargetsByCountry = targets,
            People = PeopleTruthBuilder.From(world, people),
        };
        // Streamed: at the large preset the document is over a gigabyte, too big for one string.
        await TruthJson.WriteAsync(path, truth, ct);
    }
}
