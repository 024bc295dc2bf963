using System.Globalization;

namespace Harrier.Scenario.People;

/// <summary>
/// The people stage: gives the world's persons the signals real identification uses, each with its truth. It runs
/// after the chain is built and draws only from its own stream (<see cref="StreamSeed"/>), so media, chain, hash
/// sets, tags and every truth key written before it stay byte-identical; it rewrites in place only what nothing
/// before it depends on: account usernames and e-mails (keeping every identifier a prior record already names),
/// account creation and upload times (moved into the person's local evening, the same local day), and all logins.
/// </summary>
internal static class PeopleBuilder
{
    private static readonly string[] MobileAgents =
    [
        "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    ];

    private static readonly string[] PlusTags = ["vid", "stream", "alt", "x", "2", "spam", "site"];

    /// <summary>Local hour weights: activity concentrates in the evening (18:00–23:59 local holds about 54 %).</summary>
    private static readonly int[] HourWeights = [3, 2, 1, 1, 0, 0, 1, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 6, 8, 10, 12, 12, 10, 6];

    private static readonly int HourWeightTotal = HourWeights.Sum();

    /// <summary>The people stage's own random stream, derived from the world seed (never the world's stream).</summary>
    public static int StreamSeed(int seed) => unchecked((seed * 0x2545F491) ^ 0x6E0B1E);

    /// <summary>
    /// Builds the people stage. <paramref name="keep"/> holds, per person, the identifiers (type, value) that the
    /// prior-records file already names: those accounts keep that username or e-mail.
    /// </summary>
    public static PeopleWorld Build(World world, IReadOnlyList<PaymentTruth> payments, GeoIpRanges? geo, IReadOnlyDictionary<int, List<(string Type, string Value)>> keep)
    {
        ArgumentNullException.ThrowIfNull(world);
        var r = new Random(StreamSeed(world.Seed));
        var people = new PeopleWorld();
        var accountsOf = world.Accounts.Select((a, i) => (a, i)).GroupBy(x => x.a.PersonId).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToList());

        BuildInfrastructure(world, people, geo, r);
        BuildProfiles(world, people, accountsOf, r);
        AssignNames(world, people, accountsOf, keep, r);
        AddNearCollisions(world, people, accountsOf, keep, r);
        AddPriorRecords(world, people, accountsOf, r);
        MoveIntoLocalEvening(world, people, r);
        BuildLogins(world, people, accountsOf, r);
        DeriveRolesAndTiers(world, people);
        BuildReturns(world, people, payments, r);

        // Claims draw from their own stream after everything above is final, so adding them changed nothing else.
        people.Claims.AddRange(DeconflictionBuilder.Build(world, people));
        return people;
    }

    /// <summary>Seconds of the local day: a draw from <see cref="HourWeights"/> plus a uniform minute and second.</summary>
    private static long LocalSecondOfDay(Random r)
    {
        var x = r.Next(HourWeightTotal);
        var hour = 0;
        while (x >= HourWeights[hour])
        {
            x -= HourWeights[hour++];
        }

        return hour * 3600L + r.Next(3600);
    }

    /// <summary>A UTC instant in [<paramref name="from"/>, <paramref name="to"/>) falling in the person's local evening-weighted hours.</summary>
    private static long LocalTime(PersonProfile p, long from, long to, Random r)
    {
        var firstDay = Math.DivRem(from + p.OffsetSeconds, 86_400L).Quotient;
        var lastDay = Math.DivRem(Math.Max(from, to - 1) + p.OffsetSeconds, 86_400L).Quotient;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var day = firstDay + r.NextInt64(lastDay - firstDay + 1);
            var t = day * 86_400L + LocalSecondOfDay(r) - p.OffsetSeconds;
            if (t >= from && t < Math.Max(to, from + 1))
            {
                return t;
            }
        }

        return from;
    }

    private static void BuildInfrastructure(World world, PeopleWorld people, GeoIpRanges? geo, Random r)
    {
        var perCountry = world.Persons.GroupBy(p => p.Country).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var countryIndex = 0;
        foreach (var (country, _) in Countries.All)
        {
            countryIndex++;
            var persons = perCountry.GetValueOrDefault(country);
            var ispCount = 2 + r.Next(2);
            for (var i = 0; i < ispCount; i++)
            {
                // Room for at least twice the households this provider can get, in a power-of-two block.
                var need = (uint)Math.Max(256, (long)persons * 2);
                var size = 256u;
                while (size < need && size < 1u << 24)
                {
                    size <<= 1;
                }

                var (start, blockSize) = geo is not null && geo.HasCountry(country)
                    ? geo.DrawBlock(country, size, r)
                    : ((uint)(10 << 24 | countryIndex << 16 | i * 64 << 8), 1u << 14);
                var period = (14 + r.Next(29)) * 86_400L;
                people.Isps.Add(new Isp(string.Create(CultureInfo.InvariantCulture, $"{country.ToLowerInvariant()}-net{i + 1}"),
                    string.Create(CultureInfo.InvariantCulture, $"{country} Example Broadband {i + 1}"), country, start, blockSize, period,
                    r.NextInt64(period), (uint)r.Next(1, 1 << 20) * 2 + 1, (uint)r.Next(1 << 20) * 2 + 1, (uint)r.Next(1 << 20)));
            }

            var carriers = 1 + r.Next(2);
            for (var c = 0; c < carriers; c++)
            {
                // A few NAT addresses per carrier, however many subscribers: many strangers share each one.
                var pool = Math.Clamp(persons / 25, 2, 64);
                var addresses = new List<string>(pool);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (addresses.Count < pool)
                {
                    var ip = geo is not null && geo.HasCountry(country)
                        ? geo.Draw(country, r)
                        : string.Create(CultureInfo.InvariantCulture, $"10.{countryIndex}.{200 + c}.{r.Next(1, 255)}");
                    if (seen.Add(ip))
                    {
                        addresses.Add(ip);
                    }
                }

                people.Carriers.Add(new Carrier(string.Create(CultureInfo.InvariantCulture, $"{country.ToLowerInvariant()}-mobile{c + 1}"),
                    string.Create(CultureInfo.InvariantCulture, $"{country} Example Mobile {c + 1}"), country, addresses));
            }
        }

        // Anonymisers: three VPN providers and Tor, their exits in 10.250.0.0/16 (synthetic, no country), few enough
        // that several persons share each exit.
        var vpnUsers = world.Persons.Count(p => p.UsesVpn);
        for (var v = 0; v < 3; v++)
        {
            var exits = Math.Clamp(vpnUsers / 12, 2, 250);
            people.Anonymisers.Add(new Anonymiser(string.Create(CultureInfo.InvariantCulture, $"vpn{v + 1}"), "vpn",
                [.. Enumerable.Range(1, exits).Select(e => string.Create(CultureInfo.InvariantCulture, $"10.250.{v}.{e}"))]));
        }

        var torExits = Math.Clamp(vpnUsers / 10, 3, 250);
        people.Anonymisers.Add(new Anonymiser("tor", "tor", [.. Enumerable.Range(1, torExits).Select(e => string.Create(CultureInfo.InvariantCulture, $"10.250.9.{e}"))]));
    }

    private static void BuildProfiles(World world, PeopleWorld people, Dictionary<int, List<int>> accountsOf, Random r)
    {
        var ispsOf = people.Isps.GroupBy(i => i.Country).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var carriersOf = people.Carriers.GroupBy(c => c.Country).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var person in world.Persons)
        {
            var (zone, offset) = TimeZones.Draw(person.Country, r);
            var isps = ispsOf[person.Country];
            var isp = isps[r.Next(isps.Count)];
            var slot = slots.GetValueOrDefault(isp.Id);
            slots[isp.Id] = slot + 1;
            var carriers = carriersOf[person.Country];
            var anonymiser = person.UsesVpn ? people.Anonymisers[r.NextDouble() < 0.25 ? 3 : r.Next(3)] : null;
            var desktop = accountsOf.TryGetValue(person.Id, out var idx) ? world.Accounts[idx[0]].UserAgent : Words.UserAgents[0];
            people.Profiles.Add(new PersonProfile
            {
                PersonId = person.Id,
                Country = person.Country,
                TimeZone = zone,
                UtcOffsetMinutes = offset,
                Isp = isp,
                Slot = slot,
                Carrier = carriers[r.Next(carriers.Count)],
                Anonymiser = anonymiser,
                DesktopAgent = desktop,
                MobileAgent = MobileAgents[r.Next(MobileAgents.Length)],
            });
        }
    }

    /// <summary>
    /// Usernames and e-mails. Most persons with several accounts reuse one handle (<c>stem</c>, <c>stem2</c>,
    /// <c>stem_x</c>) and one mailbox in several spellings (case, plus tags, dots at the Gmail-like provider); the
    /// rest keep their accounts apart. Usernames are unique on the platform; no two persons share a mailbox.
    /// </summary>
    private static void AssignNames(World world, PeopleWorld people, Dictionary<int, List<int>> accountsOf,
        IReadOnlyDictionary<int, List<(string Type, string Value)>> keep, Random r)
    {
        var takenNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var mailboxOwner = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (personId, kept) in keep)
        {
            foreach (var (type, value) in kept)
            {
                if (type == "username")
                {
                    takenNames.Add(value);
                }
                else if (type == "email")
                {
                    mailboxOwner[EmailProviders.Normalise(value)] = personId;
                }
            }
        }

        string UniqueName(string name)
        {
            var candidate = name;
            while (!takenNames.Add(candidate))
            {
                candidate = name + r.Next(10, 1000).ToString(CultureInfo.InvariantCulture);
            }

            return candidate;
        }

        // A mailbox no other person has (normalised), on a random provider.
        (string Local, EmailProvider Provider) NewMailbox(string stem, int personId)
        {
            while (true)
            {
                var provider = EmailProviders.All[r.Next(EmailProviders.All.Count)];
                var local = r.Next(3) switch
                {
                    0 => stem,
                    1 => stem + r.Next(10, 100).ToString(CultureInfo.InvariantCulture),
                    _ => stem + "." + r.Next(1970, 2006).ToString(CultureInfo.InvariantCulture),
                };
                var normal = EmailProviders.Normalise(local + "@" + provider.Domain);
                if (mailboxOwner.TryAdd(normal, personId))
                {
                    return (local, provider);
                }
            }
        }

        // One spelling of the mailbox: the plain form first, then the provider's equivalences.
        string Spelling(string local, EmailProvider provider, int index)
        {
            if (index == 0)
            {
                return local + "@" + provider.Domain;
            }

            var choices = new List<int> { 0 };
            if (provider.PlusTags)
            {
                choices.Add(1);
            }

            if (provider.IgnoresDots)
            {
                choices.Add(2);
            }

            return choices[r.Next(choices.Count)] switch
            {
                1 => $"{local}+{PlusTags[r.Next(PlusTags.Length)]}{index}@{provider.Domain}",
                2 => $"{InsertDot(local, r)}@{provider.Domain}",
                _ when index >= 3 => UpperAt(local, index) + "@" + provider.Domain,
                _ => index % 2 == 1
                    ? char.ToUpperInvariant(local[0]) + local[1..] + "@" + provider.Domain.ToUpperInvariant()
                    : local.ToUpperInvariant() + "@" + provider.Domain,
            };
        }

        foreach (var person in world.Persons)
        {
            if (!accountsOf.TryGetValue(person.Id, out var idx))
            {
                continue;
            }

            var kept = keep.GetValueOrDefault(person.Id) ?? [];
            bool Kept(string type, string value) => kept.Contains((type, value));
            var keptName = idx.Select(i => world.Accounts[i].Username).FirstOrDefault(u => Kept("username", u));
            var keptEmail = idx.Select(i => world.Accounts[i].Email).FirstOrDefault(e => Kept("email", e));
            var reuse = idx.Count == 1 || r.NextDouble() < 0.75;
            var sharedMailbox = idx.Count == 1 || r.NextDouble() < 0.6;
            var stem = keptName ?? UniqueName(FakeNames.Handle(r) + (r.NextDouble() < 0.5 ? r.Next(10, 100).ToString(CultureInfo.InvariantCulture) : string.Empty));
            var (local, provider) = keptEmail is not null
                ? (EmailProviders.Normalise(keptEmail).Split('@')[0], EmailProviders.All.FirstOrDefault(p => keptEmail.EndsWith("@" + p.Domain, StringComparison.OrdinalIgnoreCase)) ?? EmailProviders.All[3])
                : NewMailbox(stem.Replace("_", string.Empty, StringComparison.Ordinal), person.Id);
            // Spellings already taken by this person's kept e-mails are not handed out again.
            var used = new HashSet<string>(idx.Select(i => world.Accounts[i].Email).Where(e => Kept("email", e)), StringComparer.Ordinal);
            for (var j = 0; j < idx.Count; j++)
            {
                var account = world.Accounts[idx[j]];
                var username = Kept("username", account.Username) ? account.Username
                    : j == 0 && keptName is null ? stem
                    : reuse ? UniqueName(stem + (r.Next(3) switch { 0 => (j + 1).ToString(CultureInfo.InvariantCulture), 1 => "_x", _ => "_" + r.Next(10, 100).ToString(CultureInfo.InvariantCulture) }))
                    : UniqueName(FakeNames.Handle(r));
                string email;
                if (Kept("email", account.Email))
                {
                    email = account.Email;
                }
                else if (sharedMailbox)
                {
                    email = Spelling(local, provider, j);
                    for (var k = j + 1; used.Contains(email); k++)
                    {
                        email = Spelling(local, provider, k);
                    }
                }
                else
                {
                    var own = NewMailbox(FakeNames.Handle(r), person.Id);
                    email = own.Local + "@" + own.Provider.Domain;
                }

                used.Add(email);
                world.Accounts[idx[j]] = account with { Username = username, Email = email };
            }
        }
    }

    /// <summary><paramref name="local"/> with one letter in upper case (the n-th, counting round): a further spelling that only case tells apart.</summary>
    private static string UpperAt(string local, int n)
    {
        var chars = local.ToCharArray();
        chars[n % chars.Length] = char.ToUpperInvariant(chars[n % chars.Length]);
        return new string(chars);
    }

    private static string InsertDot(string local, Random r)
    {
        var plain = local.Replace(".", string.Empty, StringComparison.Ordinal);
        if (plain.Length < 2)
        {
            return plain;
        }

        var at = 1 + r.Next(plain.Length - 1);
        return plain[..at] + "." + plain[at..];
    }

    /// <summary>
    /// Deliberate near-collisions: another person's first account takes a username one edit away from this
    /// person's (<c>darkfox</c> → <c>darkfox1</c>, <c>darkfox_</c>, <c>darkf0x</c>). Nothing else links them.
    /// </summary>
    private static void AddNearCollisions(World world, PeopleWorld people, Dictionary<int, List<int>> accountsOf,
        IReadOnlyDictionary<int, List<(string Type, string Value)>> keep, Random r)
    {
        var names = new HashSet<string>(world.Accounts.Select(a => a.Username), StringComparer.OrdinalIgnoreCase);
        var involved = new HashSet<int>();
        var wanted = Math.Max(3, world.Persons.Count / 50);
        for (var attempt = 0; attempt < wanted * 20 && people.NearCollisions.Count < wanted; attempt++)
        {
            var a = world.Persons[r.Next(world.Persons.Count)].Id;
            var b = world.Persons[r.Next(world.Persons.Count)].Id;
            if (a == b || involved.Contains(a) || involved.Contains(b) || !accountsOf.ContainsKey(a) || !accountsOf.ContainsKey(b)
                || keep.GetValueOrDefault(b)?.Any(k => k.Type == "username") == true)
            {
                continue;
            }

            var accountA = world.Accounts[accountsOf[a][0]];
            var accountB = world.Accounts[accountsOf[b][0]];
            var nameA = accountA.Username;
            var (kind, nameB) = r.Next(3) switch
            {
                0 when nameA.Contains('o', StringComparison.Ordinal) => ("o-to-zero", ReplaceOne(nameA, 'o', '0')),
                0 when nameA.Contains('i', StringComparison.Ordinal) => ("i-to-one", ReplaceOne(nameA, 'i', '1')),
                1 => ("appended-underscore", nameA + "_"),
                _ => ("appended-digit", nameA + r.Next(1, 10).ToString(CultureInfo.InvariantCulture)),
            };
            if (!names.Add(nameB))
            {
                continue;
            }

            names.Remove(accountB.Username);
            world.Accounts[accountsOf[b][0]] = accountB with { Username = nameB };
            involved.Add(a);
            involved.Add(b);
            people.NearCollisions.Add(new NearCollision(accountA.Id, nameA, a, accountB.Id, nameB, b, kind));
        }
    }

    private static string ReplaceOne(string s, char from, char to)
    {
        var at = s.LastIndexOf(from);
        return s[..at] + to + s[(at + 1)..];
    }

    /// <summary>Usernames reused from earlier cases: exact, for about 8 % of persons and for half the near-collision originals.</summary>
    private static void AddPriorRecords(World world, PeopleWorld people, Dictionary<int, List<int>> accountsOf, Random r)
    {
        string Case() => string.Create(CultureInfo.InvariantCulture, $"EC-{2016 + r.Next(8)}-{r.Next(1000):D3}");
        foreach (var person in world.Persons)
        {
            if (accountsOf.TryGetValue(person.Id, out var idx) && r.NextDouble() < 0.08)
            {
                people.PriorRecords.Add(new PriorRecordRow(person.Id, "username", world.Accounts[idx[r.Next(idx.Count)]].Username, Case()));
            }
        }

        var listed = people.PriorRecords.Select(p => p.Value).ToHashSet(StringComparer.Ordinal);
        foreach (var near in people.NearCollisions.Where(_ => r.NextDouble() < 0.5))
        {
            if (listed.Add(near.UsernameA))
            {
                people.PriorRecords.Add(new PriorRecordRow(near.PersonA, "username", near.UsernameA, Case()));
            }
        }
    }

    /// <summary>
    /// Account creation and uploads move to an evening-weighted hour of the same local day; rewards and platform
    /// categorisations of an upload move with it. Views and payments keep their times (payments are on the chain).
    /// </summary>
    private static void MoveIntoLocalEvening(World world, PeopleWorld people, Random r)
    {
        long Evening(PersonProfile p, long unix)
        {
            var day = Math.DivRem(unix + p.OffsetSeconds, 86_400L).Quotient;
            return Math.Clamp(day * 86_400L + LocalSecondOfDay(r) - p.OffsetSeconds, Network.Epoch, Network.End - 1);
        }

        for (var i = 0; i < world.Accounts.Count; i++)
        {
            var a = world.Accounts[i];
            world.Accounts[i] = a with { CreatedUnix = Evening(people.Profiles[a.PersonId - 1], a.CreatedUnix) };
        }

        var personOfAccount = world.Accounts.ToDictionary(a => a.Id, a => a.PersonId);
        var delta = new Dictionary<int, long>();
        for (var i = 0; i < world.Uploads.Count; i++)
        {
            var u = world.Uploads[i];
            var moved = Evening(people.Profiles[personOfAccount[u.AccountId] - 1], u.UnixTime);
            delta[u.Id] = moved - u.UnixTime;
            world.Uploads[i] = u with { UnixTime = moved };
        }

        for (var i = 0; i < world.Ledger.Count; i++)
        {
            var l = world.Ledger[i];
            if (l.Kind is "upload_reward" or "categorisation_reward" && l.UploadId is { } up)
            {
                world.Ledger[i] = l with { UnixTime = l.UnixTime + delta[up] };
            }
        }

        for (var i = 0; i < world.PlatformCategories.Count; i++)
        {
            var c = world.PlatformCategories[i];
            world.PlatformCategories[i] = c with { UnixTime = c.UnixTime + delta[c.UploadId] };
        }
    }

    /// <summary>
    /// Logins, redrawn: in the person's local evening; from the household's current address (desktop agent), the
    /// mobile carrier's shared NAT pool (mobile agent) or, for anonymiser users, mostly a shared exit. A person with
    /// several accounts logs into the second soon after the first from home at least once per extra account.
    /// </summary>
    private static void BuildLogins(World world, PeopleWorld people, Dictionary<int, List<int>> accountsOf, Random r)
    {
        var logins = new List<(int Account, long Time, string Ip, string Agent, bool Anonymised)>();
        foreach (var person in world.Persons)
        {
            if (!accountsOf.TryGetValue(person.Id, out var idx))
            {
                continue;
            }

            var p = people.Profiles[person.Id - 1];
            (string Ip, string Agent, bool Anonymised) Channel(long t)
            {
                if (p.Anonymiser is { } anon && r.NextDouble() < 0.8)
                {
                    return (anon.Exits[r.Next(anon.Exits.Count)], p.DesktopAgent, true);
                }

                return r.NextDouble() < 0.25
                    ? (p.Carrier.NatAddresses[r.Next(p.Carrier.NatAddresses.Count)], p.MobileAgent, false)
                    : (p.HouseholdIp(t), p.DesktopAgent, false);
            }

            foreach (var i in idx)
            {
                var account = world.Accounts[i];
                for (var n = r.Next(1, 5); n > 0; n--)
                {
                    var t = LocalTime(p, account.CreatedUnix, Network.End, r);
                    var (ip, agent, anonymised) = Channel(t);
                    logins.Add((account.Id, t, ip, agent, anonymised));
                }
            }

            var first = world.Accounts[idx[0]];
            for (var j = 1; j < idx.Count; j++)
            {
                var other = world.Accounts[idx[j]];
                var t = LocalTime(p, Math.Max(first.CreatedUnix, other.CreatedUnix), Network.End - 7_200, r);
                var then = t + r.Next(120, 3_600);
                if (p.Isp.Period(then) != p.Isp.Period(t))
                {
                    // Not across a lease renewal: the second login comes as long before the first instead.
                    then = t - (then - t);
                }

                logins.Add((first.Id, t, p.HouseholdIp(t), p.DesktopAgent, false));
                logins.Add((other.Id, then, p.HouseholdIp(then), p.DesktopAgent, false));
            }
        }

        logins.Sort((a, b) => a.Account != b.Account ? a.Account.CompareTo(b.Account) : a.Time.CompareTo(b.Time));
        world.Logins.Clear();
        long id = 1;
        foreach (var l in logins)
        {
            world.Logins.Add(new Login(id++, l.Account, l.Ip, l.Agent, l.Time, l.Anonymised));
        }
    }

    /// <summary>
    /// The roles the data shows: Producer (uploaded the original of a first-seen item), Uploader (any other upload),
    /// Categoriser (platform category rows), Admin (admin rows in users), Payer (the person behind a payment),
    /// Viewer (everyone). Tier: 1 Producer or Admin; 2 Uploader, Categoriser, or a payer with at least 3 downloads;
    /// 3 any other payer; 4 the rest.
    /// </summary>
    private static void DeriveRolesAndTiers(World world, PeopleWorld people)
    {
        var personOfAccount = world.Accounts.ToDictionary(a => a.Id, a => a.PersonId);
        var items = world.Items.ToDictionary(i => i.Id);
        var roles = world.Persons.ToDictionary(p => p.Id, p => PersonRole.Viewer | (p.Roles & PersonRole.Admin));
        foreach (var u in world.Uploads)
        {
            var original = u.Variant == "original" && items.TryGetValue(u.ItemId, out var item) && !item.Known;
            roles[personOfAccount[u.AccountId]] |= original ? PersonRole.Producer : PersonRole.Uploader;
        }

        foreach (var c in world.PlatformCategories)
        {
            roles[personOfAccount[c.AccountId]] |= PersonRole.Categoriser;
        }

        foreach (var pay in world.Payments)
        {
            roles[pay.PayerPersonId] |= PersonRole.Payer;
        }

        var downloads = world.Views.Where(v => v.Kind == "download").GroupBy(v => personOfAccount[v.AccountId]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var p in people.Profiles)
        {
            var shown = roles[p.PersonId];
            p.ShownRoles = shown;
            p.Tier = Tier(shown, downloads.GetValueOrDefault(p.PersonId));
        }
    }

    /// <summary>The tier rule stated in truth.json's <c>people.tierRule</c>.</summary>
    public static int Tier(PersonRole shown, int downloads) =>
        (shown & (PersonRole.Producer | PersonRole.Admin)) != 0 ? 1
        : (shown & (PersonRole.Uploader | PersonRole.Categoriser)) != 0 || (shown.HasFlag(PersonRole.Payer) && downloads >= 3) ? 2
        : shown.HasFlag(PersonRole.Payer) ? 3
        : 4;

    public const string TierRule =
        "1: Producer or Admin; 2: Uploader or Categoriser, or Payer with at least 3 downloads; 3: any other Payer; 4: the rest (roles as the data shows them)";

    /// <summary>A person's identity, fixed by (seed, person), drawn from its own stream so it never depends on who asked first.</summary>
    internal static Identity IdentityOf(int seed, PersonProfile p, int relative = 0)
    {
        var r = new Random(unchecked(StreamSeed(seed) + p.PersonId * 7_919 + 13));
        var surname = FakeNames.Surname(r);
        var street = FakeNames.Street(r);
        var town = FakeNames.Town(r);
        var postcode = FakeNames.Postcode(r);
        var given = FakeNames.GivenName(r);
        var born = new DateOnly(1950, 1, 1).AddDays(r.Next(365 * 52));
        if (relative > 0)
        {
            // A household member: same surname and address, another given name and date of birth.
            var rr = new Random(unchecked(StreamSeed(seed) + p.PersonId * 7_919 + 13 + relative * 104_729));
            var other = FakeNames.GivenName(rr);
            given = other == given ? other + "a" : other;
            born = new DateOnly(1940, 1, 1).AddDays(rr.Next(365 * 66));
        }

        return new Identity(given, surname, born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), street, town, postcode, p.Country);
    }

    /// <summary>
    /// Returns: each answering exchange gives the KYC of the customer behind each withdrawal that funded a
    /// platform payment (about one customer in ten holds the account in a relative's name); one exchange per world
    /// never answers. Providers answer for a household address of most tier 1–3 persons seen at home (one
    /// subscriber in five is another member of the household).
    /// </summary>
    private static void BuildReturns(World world, PeopleWorld people, IReadOnlyList<PaymentTruth> payments, Random r)
    {
        var silent = ChainBuilder.Exchanges[r.Next(ChainBuilder.Exchanges.Length)].Id;
        people.SilentExchanges.Add(silent);
        var paymentById = world.Payments.ToDictionary(p => p.Id);
        var answered = new HashSet<(string, string, int)>();
        var customers = new Dictionary<(string Exchange, int Person), (string Id, Identity Holder, bool Relative, string IdType, string IdNumber, long Registered, string Ip)>();
        foreach (var t in payments.Where(t => t.Exchange != silent).OrderBy(t => t.PaymentId))
        {
            var payment = paymentById[t.PaymentId];
            var key = (t.Exchange, payment.PayerPersonId);
            if (!customers.TryGetValue(key, out var customer))
            {
                var p = people.Profiles[payment.PayerPersonId - 1];
                var relative = r.NextDouble() < 0.1;
                var registered = LocalTime(p, payment.UnixTime - 400 * 86_400L, payment.UnixTime - 10 * 86_400L, r);
                customer = (string.Create(CultureInfo.InvariantCulture, $"{t.Exchange.ToUpperInvariant()[..3]}-{r.Next(1_000_000, 10_000_000)}"),
                    IdentityOf(world.Seed, p, relative ? 1 : 0), relative, r.Next(3) switch { 0 => "passport", 1 => "national_id", _ => "driving_licence" },
                    FakeNames.DocumentNumber(r), registered, p.HouseholdIp(registered));
                customers[key] = customer;
            }

            if (!answered.Add((t.Exchange, t.WithdrawalTxid, t.WithdrawalVout)))
            {
                continue;
            }

            people.Kyc.Add(new KycRow(t.Exchange, customer.Id, t.WithdrawalTxid, t.WithdrawalVout, t.WithdrawalAddress, customer.Holder, customer.IdType, customer.IdNumber,
                customer.Ip, customer.Registered, payment.PayerPersonId, customer.Relative));
        }

        var personOfAccount = world.Accounts.ToDictionary(a => a.Id, a => a.PersonId);
        var homeLogins = world.Logins.Where(l => !l.ViaAnonymiser)
            .Select(l => (Person: personOfAccount[l.AccountId], Login: l))
            .Where(x => people.Profiles[x.Person - 1].HouseholdIp(x.Login.UnixTime) == x.Login.Ip)
            .GroupBy(x => x.Person).ToDictionary(g => g.Key, g => g.Select(x => x.Login).ToList());
        foreach (var p in people.Profiles.Where(p => p.Tier <= 3))
        {
            if (!homeLogins.TryGetValue(p.PersonId, out var seen) || r.NextDouble() >= 0.7)
            {
                continue;
            }

            var login = seen[r.Next(seen.Count)];
            var (from, to) = p.Isp.Lease(p.Isp.Period(login.UnixTime));
            var relative = r.NextDouble() < 0.2;
            people.IspReturns.Add(new IspRow(p.Isp.Id, login.Ip, from, to, IdentityOf(world.Seed, p, relative ? 2 : 0),
                string.Create(CultureInfo.InvariantCulture, $"SUB-{r.Next(10_000_000, 100_000_000)}"), Network.Epoch - r.Next(30, 3_000) * 86_400L, p.PersonId, relative));
        }
    }
}
