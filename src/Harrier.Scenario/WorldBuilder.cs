using System.Globalization;

namespace Harrier.Scenario;

/// <summary>Everything generated, in memory, before it is written out.</summary>
public sealed class World
{
    public required ScenarioPreset Preset { get; init; }

    public required int Seed { get; init; }

    /// <summary>Where login addresses come from: a GeoIP file's description, or the synthetic fallback.</summary>
    public string IpSource { get; set; } = "synthetic 10.0.0.0/8 (no GeoIP file given)";

    public List<Person> Persons { get; } = [];

    public List<Account> Accounts { get; } = [];

    public List<ContentItem> Items { get; } = [];

    public List<Upload> Uploads { get; } = [];

    public List<Rendition> Renditions { get; } = [];

    public List<StillImage> Stills { get; } = [];

    public List<LedgerEntry> Ledger { get; } = [];

    public List<Login> Logins { get; } = [];

    public List<Payment> Payments { get; } = [];

    /// <summary>(account, item, kind) view/stream/download events.</summary>
    public List<(int AccountId, int UploadId, string Kind, long UnixTime)> Views { get; } = [];

    /// <summary>Platform categories assigned by categorisers: (upload, label, account).</summary>
    public List<(int UploadId, string Label, int AccountId, long UnixTime)> PlatformCategories { get; } = [];

    public List<(int From, int To, long UnixTime, string Body)> Messages { get; } = [];

    public List<string> DecoyFiles { get; } = [];
}

/// <summary>
/// Draws a world from a seed: persons behind accounts, items and their uploads in three renditions, re-uploads,
/// compilations, stills, logins, views, categorisations and the token ledger. Deterministic: the same seed and
/// preset give the same world (System.Random with a seed is stable across runs of one .NET version).
/// </summary>
internal static class WorldBuilder
{
    private static readonly long Start = new DateTimeOffset(2022, 4, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long End = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    // Cellular automata with per-item seeds and rules: each item is visually its own. (Parametrised mandelbrot zooms
    // looked alike to perceptual hashes across items, which made the ground truth wrong.)
    private static readonly string[] Patterns = ["life", "cellauto"];
    private static readonly string[] Labels = ["label-alpha", "label-beta", "label-gamma", "label-delta", "label-epsilon"];
    private static readonly string[] Variants = ["trim", "crop", "logo", "letterbox", "fps"];
    private static readonly string[] Qualities = ["low", "medium", "high"];
    private static readonly string[] StillTransforms = ["original", "jpeg50", "resize50", "crop10", "flip", "border"];

    public static World Build(int seed, ScenarioPreset preset, IReadOnlyList<string> photos, GeoIpRanges? geo)
    {
        var r = new Random(seed);
        var world = new World { Preset = preset, Seed = seed };
        if (geo is not null)
        {
            world.IpSource = geo.Describe();
        }

        long Time() => Start + (long)(r.NextDouble() * (End - Start));

        // Persons and their accounts: ~8 % hold several accounts, ~10 % log in through anonymisers.
        var accountId = 1;
        while (world.Accounts.Count < preset.Users)
        {
            var personId = world.Persons.Count + 1;
            var country = Countries.Draw(r);
            var roles = PersonRole.Viewer | (r.NextDouble() < 0.35 ? PersonRole.Payer : PersonRole.None);
            var person = new Person(personId, country, roles, r.NextDouble() < 0.10, null);
            world.Persons.Add(person);
            var accounts = r.NextDouble() < 0.08 ? r.Next(2, 4) : 1;
            var sharedEmail = r.NextDouble() < 0.5;
            var agent = Words.Pick(r, Words.UserAgents);
            string? firstEmail = null;
            for (var a = 0; a < accounts && world.Accounts.Count < preset.Users; a++)
            {
                var username = Words.Username(r, accountId);
                var email = sharedEmail && firstEmail is not null ? firstEmail.Replace("@", $"+{a}@", StringComparison.Ordinal) : Words.Email(r, username);
                firstEmail ??= email;
                world.Accounts.Add(new Account(accountId, personId, username, email, agent, string.Empty, Time()));
                accountId++;
            }
        }

        // Roles beyond viewing and paying.
        Person WithRole(int index, PersonRole role) => world.Persons[index] = world.Persons[index] with { Roles = world.Persons[index].Roles | role };
        var producers = Math.Max(2, preset.Items / 6);
        for (var i = 0; i < producers; i++)
        {
            WithRole(r.Next(world.Persons.Count), PersonRole.Producer);
        }

        for (var i = 0; i < Math.Max(2, preset.Items / 4); i++)
        {
            WithRole(r.Next(world.Persons.Count), PersonRole.Uploader);
        }

        for (var i = 0; i < Math.Max(2, world.Persons.Count / 50); i++)
        {
            WithRole(r.Next(world.Persons.Count), PersonRole.Categoriser);
        }

        WithRole(0, PersonRole.Admin);
        // One payer pays in a relative's name: the account belongs to the relative, the money to this person.
        var relative = world.Persons.FindIndex(p => p.Roles.HasFlag(PersonRole.Payer));
        if (relative >= 0 && world.Persons.Count > 1)
        {
            var payer = (relative + 1) % world.Persons.Count;
            world.Persons[payer] = world.Persons[payer] with { Roles = world.Persons[payer].Roles | PersonRole.Payer, PaysForPersonId = world.Persons[relative].Id };
        }

        List<int> AccountsOf(PersonRole role) =>
            [.. world.Accounts.Where(a => world.Persons[a.PersonId - 1].Roles.HasFlag(role)).Select(a => a.Id)];
        var producerAccounts = AccountsOf(PersonRole.Producer);
        var uploaderAccounts = AccountsOf(PersonRole.Uploader);
        var categoriserAccounts = AccountsOf(PersonRole.Categoriser);

        // Photos are dealt without replacement from a seeded shuffle, so no two rendered items share a photo
        // (two items sharing frames would be one scene in the truth's eyes and two in the generator's).
        var deck = photos.ToArray();
        new Random(seed ^ 0x9407).Shuffle(deck);
        var perItem = preset.RenderedItems * 3 <= deck.Length ? 3 : 2;
        var dealt = 0;

        // Items: ~45 % known to an earlier case's hash sets; the rest first seen here, uploaded by a producer.
        for (var i = 1; i <= preset.Items; i++)
        {
            var slideshow = deck.Length >= perItem && r.NextDouble() < 0.7;
            var picked = slideshow ? Enumerable.Range(0, perItem).Select(_ => deck[dealt++ % deck.Length]).ToList() : [];
            var known = r.NextDouble() < 0.45;
            var uploader = known ? uploaderAccounts[r.Next(uploaderAccounts.Count)] : producerAccounts[r.Next(producerAccounts.Count)];
            world.Items.Add(new ContentItem(i, slideshow ? "slideshow" : "pattern", picked, Patterns[r.Next(Patterns.Length)], known,
                known ? (r.NextDouble() < 0.8 ? "1" : "2") : string.Empty, uploader));
        }

        var uploadId = 1;
        void AddUpload(int itemId, int account, string variant, IReadOnlyList<int> parts, bool render)
        {
            var upload = new Upload(uploadId, itemId, account, variant, parts, Time(), Words.Title(r), Words.Description(r));
            world.Uploads.Add(upload);
            foreach (var (quality, height) in Qualities.Zip(preset.Renditions))
            {
                world.Renditions.Add(new Rendition(uploadId, quality, height,
                    string.Create(CultureInfo.InvariantCulture, $"media/videos/{uploadId:D6}-{quality}.mp4"), render));
            }

            uploadId++;
        }

        foreach (var item in world.Items)
        {
            AddUpload(item.Id, item.ProducerAccountId, "original", [], item.Id <= preset.RenderedItems);
        }

        // Re-uploads with a transform by another uploader (~20 %), and a few compilations.
        foreach (var item in world.Items.Where(_ => r.NextDouble() < 0.2).ToList())
        {
            AddUpload(item.Id, uploaderAccounts[r.Next(uploaderAccounts.Count)], Variants[r.Next(Variants.Length)], [], item.Id <= preset.RenderedItems);
        }

        // Compilations are always rendered, so their number follows the rendered items, not all items (at the
        // large preset, 91,000 / 25 compilations of the same 60 rendered items were 11,000 video files).
        var renderable = world.Items.Where(i => i.Id <= preset.RenderedItems).ToList();
        for (var c = 0; c < Math.Max(1, Math.Min(preset.Items, preset.RenderedItems) / 25); c++)
        {
            if (renderable.Count < 2)
            {
                break;
            }

            var parts = Enumerable.Range(0, Math.Min(3, renderable.Count)).Select(_ => renderable[r.Next(renderable.Count)].Id).Distinct().ToList();
            AddUpload(0, uploaderAccounts[r.Next(uploaderAccounts.Count)], "compilation", parts, true);
        }

        // Still images of rendered slideshow items, with the robustness transforms.
        foreach (var item in world.Items.Where(i => i.Id <= preset.RenderedItems && i.Source == "slideshow"))
        {
            var transform = StillTransforms[r.Next(StillTransforms.Length)];
            world.Stills.Add(new StillImage(string.Create(CultureInfo.InvariantCulture, $"media/images/item{item.Id:D6}-{transform}.jpg"), item.Id, transform, item.Known));
        }

        for (var d = 0; d < 6; d++)
        {
            world.DecoyFiles.Add(string.Create(CultureInfo.InvariantCulture, $"media/system/decoy-{d:D2}.{(d % 2 == 0 ? "txt" : "cfg")}"));
        }

        // Logins, views, categorisations, messages and the non-payment ledger.
        long loginId = 1, ledgerId = 1;
        foreach (var account in world.Accounts)
        {
            var person = world.Persons[account.PersonId - 1];
            for (var l = r.Next(1, 4); l > 0; l--)
            {
                var anonymised = person.UsesVpn && r.NextDouble() < 0.8;
                world.Logins.Add(new Login(loginId++, account.Id, anonymised ? Countries.AnonymiserIp(r) : Countries.Ip(person.Country, r, geo),
                    account.UserAgent, Math.Max(account.CreatedUnix, Time()), anonymised));
            }

            if (world.Uploads.Count > 0)
            {
                for (var v = r.Next(0, preset.MaxViewsPerAccount + 1); v > 0; v--)
                {
                    var upload = world.Uploads[r.Next(world.Uploads.Count)];
                    var kind = r.NextDouble() < 0.7 ? "stream" : r.NextDouble() < 0.5 ? "view" : "download";
                    world.Views.Add((account.Id, upload.Id, kind, Time()));
                    var price = r.Next(1, 20);
                    var at = Time();
                    world.Ledger.Add(new LedgerEntry(ledgerId++, account.Id, "spend", -price, at, upload.Id, null));
                    if (preset.ViewRewards)
                    {
                        // The uploader's share of the paid view (the platform keeps the rest).
                        world.Ledger.Add(new LedgerEntry(ledgerId++, upload.AccountId, "view_reward", Math.Max(1, price * 2 / 5), at, upload.Id, null));
                    }
                }
            }
        }

        foreach (var upload in world.Uploads)
        {
            world.Ledger.Add(new LedgerEntry(ledgerId++, upload.AccountId, "upload_reward", 50, upload.UnixTime, upload.Id, null));
            if (categoriserAccounts.Count > 0 && r.NextDouble() < 0.6)
            {
                var cat = categoriserAccounts[r.Next(categoriserAccounts.Count)];
                world.PlatformCategories.Add((upload.Id, Labels[r.Next(Labels.Length)], cat, upload.UnixTime + 3600));
                world.Ledger.Add(new LedgerEntry(ledgerId++, cat, "categorisation_reward", 5, upload.UnixTime + 3600, upload.Id, null));
            }
        }

        for (var m = 0; m < world.Accounts.Count / 10; m++)
        {
            var from = world.Accounts[r.Next(world.Accounts.Count)].Id;
            var to = world.Accounts[r.Next(world.Accounts.Count)].Id;
            world.Messages.Add((from, to, Time(), $"re: {Words.Title(r)}"));
        }

        return world;
    }
}
