using System.Globalization;
using System.Net;
using System.Text.Json;
using Harrier.Scenario.People;
using Microsoft.Data.Sqlite;

namespace Harrier.Scenario.Tests;

/// <summary>
/// The people stage on the tiny scenario (seed 7): each identification signal is in the generated inputs
/// (platform.sqlite, network/, returns/, records/) and agrees with truth.json's <c>people</c> section. Every check
/// reads the inputs for itself and compares with the truth, so a generator that stops making a signal fails here.
/// </summary>
public sealed class PeopleTests(TinyScenarioFixture fixture) : IClassFixture<TinyScenarioFixture>
{
    private JsonElement People => fixture.Truth.RootElement.GetProperty("people");

    private IEnumerable<JsonElement> Persons => People.GetProperty("persons").EnumerateArray();

    private sealed record LoginRow(int Account, string Ip, string Agent, DateTime At);

    private List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var conn = new SqliteConnection($"Data Source={Path.Combine(fixture.Dir, "platform", "platform.sqlite")};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.ParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private List<LoginRow> Logins() => Query("SELECT user_id, ip, user_agent, logged_in_at FROM logins", r => new LoginRow(r.GetInt32(0), r.GetString(1), r.GetString(2), Utc(r.GetString(3))));

    /// <summary>Account → person, from the top-level <c>persons[].accounts</c> (the mapping the people stage must not change).</summary>
    private Dictionary<int, int> PersonOfAccount() =>
        fixture.Truth.RootElement.GetProperty("persons").EnumerateArray()
            .SelectMany(p => p.GetProperty("accounts").EnumerateArray().Select(a => (Account: a.GetInt32(), Person: p.GetProperty("id").GetInt32())))
            .ToDictionary(x => x.Account, x => x.Person);

    [Fact]
    public void The_people_section_covers_every_person_with_the_same_accounts()
    {
        var top = fixture.Truth.RootElement.GetProperty("persons").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetInt32());
        Assert.Equal(top.Count, Persons.Count());
        foreach (var p in Persons)
        {
            var id = p.GetProperty("id").GetInt32();
            Assert.Equal(top[id].GetProperty("country").GetString(), p.GetProperty("country").GetString());
            Assert.Equal(top[id].GetProperty("accounts").EnumerateArray().Select(a => a.GetInt32()),
                p.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()));
            var offset = p.GetProperty("utcOffsetMinutes").GetInt32();
            Assert.Contains((p.GetProperty("timeZone").GetString()!, offset), TimeZones.Of(p.GetProperty("country").GetString()!));
        }
    }

    [Fact]
    public void A_persons_accounts_share_a_household_address_within_a_day()
    {
        var logins = Logins();
        var multi = Persons.Where(p => p.GetProperty("accounts").GetArrayLength() > 1).ToList();
        Assert.NotEmpty(multi);
        foreach (var p in multi)
        {
            var accounts = p.GetProperty("accounts").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).ToHashSet();
            var household = p.GetProperty("householdIps").EnumerateArray().Select(l => l.GetProperty("ip").GetString()!).ToHashSet();
            var mine = logins.Where(l => accounts.Contains(l.Account) && household.Contains(l.Ip)).ToList();
            var shared = mine.Any(a => mine.Any(b => b.Account != a.Account && b.Ip == a.Ip && Math.Abs((b.At - a.At).TotalHours) < 24));
            Assert.True(shared, $"person {p.GetProperty("id")}: no two of its accounts logged in from one household address within a day");
        }

        // Household addresses are the person's own: no other person logs in from one during its lease.
        var personOf = PersonOfAccount();
        foreach (var p in Persons)
        {
            var id = p.GetProperty("id").GetInt32();
            foreach (var lease in p.GetProperty("householdIps").EnumerateArray())
            {
                var (ip, from, to) = (lease.GetProperty("ip").GetString(), DateTime.Parse(lease.GetProperty("from").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                    DateTime.Parse(lease.GetProperty("to").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
                Assert.True(to - from >= TimeSpan.FromDays(14) && to - from <= TimeSpan.FromDays(42), $"lease {from:o}–{to:o} is not a few weeks");
                Assert.All(logins.Where(l => l.Ip == ip && l.At >= from && l.At < to), l => Assert.Equal(id, personOf[l.Account]));
            }
        }
    }

    [Fact]
    public void Exit_list_addresses_are_published_and_shared_by_several_persons()
    {
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in new[] { "tor", "vpn" })
        {
            var lines = File.ReadAllLines(Path.Combine(fixture.Dir, "network", kind + "-exit-list.txt"));
            Assert.StartsWith("# SYNTHETIC", lines[0], StringComparison.Ordinal);
            foreach (var line in lines.Skip(1))
            {
                Assert.True(IPAddress.TryParse(line, out _), $"'{line}' in the {kind} exit list is not an address");
                listed[line] = kind;
            }
        }

        var shared = People.GetProperty("sharedInfrastructure").EnumerateArray().ToList();
        Assert.Equal(listed.Keys.Order(StringComparer.Ordinal),
            shared.Where(s => s.GetProperty("kind").GetString() is "vpn" or "tor").Select(s => s.GetProperty("ip").GetString()!).Order(StringComparer.Ordinal));

        var personOf = PersonOfAccount();
        var usersOf = Logins().GroupBy(l => l.Ip).ToDictionary(g => g.Key, g => g.Select(l => personOf[l.Account]).ToHashSet());
        Assert.All(usersOf.Keys.Where(ip => ip.StartsWith("10.250.", StringComparison.Ordinal)), ip => Assert.True(listed.ContainsKey(ip), $"{ip}: an anonymiser address missing from the exit lists"));
        Assert.Contains(listed.Keys, ip => usersOf.GetValueOrDefault(ip)?.Count >= 2);
        var cgnat = shared.Where(s => s.GetProperty("kind").GetString() == "cgnat").Select(s => s.GetProperty("ip").GetString()!).ToList();
        Assert.Contains(cgnat, ip => usersOf.GetValueOrDefault(ip)?.Count >= 2);
        foreach (var s in shared)
        {
            Assert.Equal(usersOf.GetValueOrDefault(s.GetProperty("ip").GetString()!)?.Count ?? 0, s.GetProperty("persons").GetInt32());
        }
    }

    [Fact]
    public void Logins_and_uploads_peak_in_the_local_evening()
    {
        var offset = Persons.SelectMany(p => p.GetProperty("accounts").EnumerateArray().Select(a => (Account: a.GetProperty("id").GetInt32(), Minutes: p.GetProperty("utcOffsetMinutes").GetInt32())))
            .ToDictionary(x => x.Account, x => x.Minutes);
        var events = Logins().Select(l => (Account: l.Account, At: l.At))
            .Concat(Query("SELECT uploader_id, uploaded_at FROM videos", r => (Account: r.GetInt32(0), At: Utc(r.GetString(1)))))
            .ToList();
        var localHours = events.Select(e => e.At.AddMinutes(offset[e.Account]).Hour).ToList();
        var utcHours = events.Select(e => e.At.Hour).ToList();
        var evening = localHours.Count(h => h >= 18) / (double)localHours.Count;
        // Uniform times would put a quarter in 18:00–23:59; the generator's profile puts about 54 % there.
        Assert.True(evening > 0.40, $"{evening:P0} of {events.Count} logins and uploads in the local evening");
        var byHour = localHours.GroupBy(h => h).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(Enumerable.Range(18, 6).Sum(h => byHour.GetValueOrDefault(h)) > 3 * Enumerable.Range(2, 6).Sum(h => byHour.GetValueOrDefault(h)),
            "local evening not well above the small hours");
        Assert.NotEqual(localHours, utcHours);
    }

    [Fact]
    public void Email_normalisation_follows_each_providers_rule()
    {
        Assert.Equal("darkfox@mailbox.invalid", EmailProviders.Normalise("Dark.Fox+site@MAILBOX.invalid"));
        Assert.Equal("dark.fox@post.invalid", EmailProviders.Normalise("Dark.Fox+site@post.invalid"));
        Assert.Equal("dark.fox+site@webmail.invalid", EmailProviders.Normalise("Dark.Fox+site@webmail.invalid"));
        Assert.Equal("a.b+c@example.invalid", EmailProviders.Normalise("A.B+c@Example.invalid"));
    }

    [Fact]
    public void Normalised_emails_join_a_persons_accounts_and_never_two_persons()
    {
        var emails = Query("SELECT id, email FROM users", r => (Id: r.GetInt32(0), Email: r.GetString(1))).ToDictionary(x => x.Id, x => x.Email);
        var personOf = PersonOfAccount();
        var truthNormal = Persons.SelectMany(p => p.GetProperty("accounts").EnumerateArray())
            .ToDictionary(a => a.GetProperty("id").GetInt32(), a => a.GetProperty("normalisedEmail").GetString()!);
        Assert.All(emails, e => Assert.Equal(EmailProviders.Normalise(e.Value), truthNormal[e.Key]));
        Assert.Equal(emails.Count, emails.Values.Distinct(StringComparer.Ordinal).Count());
        var byMailbox = emails.GroupBy(e => EmailProviders.Normalise(e.Value)).ToList();
        Assert.All(byMailbox, g => Assert.Single(g.Select(e => personOf[e.Key]).Distinct()));
        // At least one person reaches one mailbox through differently spelt addresses.
        Assert.Contains(byMailbox, g => g.Count() > 1 && g.Select(e => e.Value).Distinct(StringComparer.Ordinal).Count() > 1);
    }

    [Fact]
    public void Near_collisions_are_one_edit_apart_and_belong_to_different_persons()
    {
        var names = Query("SELECT id, username FROM users", r => (Id: r.GetInt32(0), Name: r.GetString(1))).ToDictionary(x => x.Id, x => x.Name);
        Assert.Equal(names.Count, names.Values.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var personOf = PersonOfAccount();
        var pairs = People.GetProperty("nearCollisions").EnumerateArray().ToList();
        Assert.True(pairs.Count >= 3, $"{pairs.Count} near-collisions");
        foreach (var pair in pairs)
        {
            var (a, b) = (pair.GetProperty("accountA").GetInt32(), pair.GetProperty("accountB").GetInt32());
            Assert.Equal(pair.GetProperty("usernameA").GetString(), names[a]);
            Assert.Equal(pair.GetProperty("usernameB").GetString(), names[b]);
            Assert.Equal(1, EditDistance(names[a], names[b]));
            Assert.Equal(pair.GetProperty("personA").GetInt32(), personOf[a]);
            Assert.Equal(pair.GetProperty("personB").GetInt32(), personOf[b]);
            Assert.NotEqual(personOf[a], personOf[b]);
        }

        // Reused usernames appear exactly in the prior records, named for their person.
        var records = File.ReadAllLines(Path.Combine(fixture.Dir, "records", "prior-records.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var hits = People.GetProperty("priorRecordHits").EnumerateArray().ToList();
        Assert.NotEmpty(hits);
        foreach (var hit in hits)
        {
            var value = hit.GetProperty("value").GetString()!;
            Assert.Contains(records, r => r[1] == "username" && r[2] == value);
            Assert.Contains(names, n => n.Value == value && personOf[n.Key] == hit.GetProperty("personId").GetInt32());
        }
    }

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    [Fact]
    public void Roles_are_what_the_data_shows_and_tiers_follow_the_rule()
    {
        var personOf = PersonOfAccount();
        var truth = fixture.Truth.RootElement;
        var firstSeen = truth.GetProperty("items").EnumerateArray().Where(i => !i.GetProperty("known").GetBoolean()).Select(i => i.GetProperty("id").GetInt32()).ToHashSet();
        // Original uploads: the first upload of each item (the scenario uploads every item's original first).
        var uploads = Query("SELECT id, uploader_id FROM videos ORDER BY id", r => (Id: r.GetInt32(0), Account: r.GetInt32(1)));
        var originals = truth.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == "video" && f.GetProperty("variant").GetString() == "original")
            .Select(f => (Upload: f.GetProperty("uploadId").GetInt32(), Item: f.GetProperty("items")[0].GetInt32())).Distinct().ToDictionary(x => x.Upload, x => x.Item);
        var producers = uploads.Where(u => originals.TryGetValue(u.Id, out var item) && firstSeen.Contains(item)).Select(u => personOf[u.Account]).ToHashSet();
        var admins = Query("SELECT id FROM users WHERE role = 'admin'", r => r.GetInt32(0)).Select(a => personOf[a]).ToHashSet();
        var categorisers = Query("SELECT assigned_by FROM video_categories", r => r.GetInt32(0)).Select(a => personOf[a]).ToHashSet();
        var payers = truth.GetProperty("persons").EnumerateArray().Where(p => p.GetProperty("exchanges").GetArrayLength() > 0).Select(p => p.GetProperty("id").GetInt32()).ToHashSet();
        var downloads = Query("SELECT user_id FROM views WHERE kind = 'download'", r => r.GetInt32(0)).GroupBy(a => personOf[a]).ToDictionary(g => g.Key, g => g.Count());
        Assert.NotEmpty(producers);
        foreach (var p in Persons)
        {
            var id = p.GetProperty("id").GetInt32();
            var roles = p.GetProperty("roles").GetString()!.Split(", ").ToHashSet();
            Assert.Equal(producers.Contains(id), roles.Contains("Producer"));
            Assert.Equal(admins.Contains(id), roles.Contains("Admin"));
            Assert.Equal(categorisers.Contains(id), roles.Contains("Categoriser"));
            Assert.Equal(payers.Contains(id), roles.Contains("Payer"));
            var tier = p.GetProperty("tier").GetInt32();
            if (roles.Contains("Producer") || roles.Contains("Admin"))
            {
                Assert.Equal(1, tier);
            }
            else if (roles.Contains("Uploader") || roles.Contains("Categoriser"))
            {
                Assert.Equal(2, tier);
            }
            else
            {
                Assert.Equal(!roles.Contains("Payer") ? 4 : downloads.GetValueOrDefault(id) >= 3 ? 2 : 3, tier);
            }
        }
    }

    [Fact]
    public void Returns_answer_withdrawals_and_household_addresses_and_name_the_right_persons()
    {
        var returns = People.GetProperty("returns");
        var silent = returns.GetProperty("silentExchanges").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.NotEmpty(silent);
        var dir = Path.Combine(fixture.Dir, "returns", "exchanges");
        Assert.All(silent, s => Assert.Empty(Directory.EnumerateFiles(dir, s + ".*")));

        // Rows from both shapes: CSV (header + rows) and JSON (an array of objects with the same fields).
        var rows = new List<Dictionary<string, string>>();
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            if (file.EndsWith(".csv", StringComparison.Ordinal))
            {
                var lines = File.ReadAllLines(file);
                var header = lines[0].Split(',');
                rows.AddRange(lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(x => x.First, x => x.Second)));
            }
            else
            {
                using var json = JsonDocument.Parse(File.ReadAllText(file));
                rows.AddRange(json.RootElement.EnumerateArray().Select(o => o.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString())));
            }
        }

        var truthKyc = returns.GetProperty("exchanges").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.Equal(truthKyc.Count, rows.Count);
        var payments = fixture.Truth.RootElement.GetProperty("payments").EnumerateArray()
            .Select(p => (Exchange: p.GetProperty("exchange").GetString(), Txid: p.GetProperty("withdrawalTxid").GetString(), Vout: p.GetProperty("withdrawalVout").GetInt32())).ToHashSet();
        var persons = Persons.ToDictionary(p => p.GetProperty("id").GetInt32());
        var owners = fixture.Truth.RootElement.GetProperty("addressOwners").EnumerateArray()
            .ToDictionary(o => o.GetProperty("address").GetString()!, o => o.GetProperty("owner").GetString()!);
        foreach (var row in rows)
        {
            var t = truthKyc.Single(k => k.GetProperty("exchange").GetString() == row["exchange"] && k.GetProperty("withdrawalTxid").GetString() == row["withdrawal_txid"]
                && k.GetProperty("withdrawalVout").GetInt32().ToString(CultureInfo.InvariantCulture) == row["withdrawal_vout"]);
            Assert.Contains((row["exchange"], row["withdrawal_txid"], int.Parse(row["withdrawal_vout"], CultureInfo.InvariantCulture)), payments);
            Assert.Equal(persons[t.GetProperty("personId").GetInt32()].GetProperty("country").GetString(), row["country"]);
            // The withdrawal paid an address of the payer the truth names.
            Assert.Equal($"person:{t.GetProperty("personId").GetInt32()}", owners[row["withdrawal_address"]]);
            Assert.StartsWith("TEST-", row["id_number"], StringComparison.Ordinal);
            Assert.StartsWith("ZZ-", row["postcode"], StringComparison.Ordinal);
        }

        var isp = returns.GetProperty("isps").EnumerateArray().ToList();
        Assert.NotEmpty(isp);
        foreach (var x in isp)
        {
            var ip = x.GetProperty("ip").GetString()!;
            var person = persons[x.GetProperty("personId").GetInt32()];
            Assert.Contains(person.GetProperty("householdIps").EnumerateArray(), l => l.GetProperty("ip").GetString() == ip && l.GetProperty("from").GetString() == x.GetProperty("leaseFrom").GetString());
            var lines = File.ReadAllLines(Path.Combine(fixture.Dir, "returns", "isp", x.GetProperty("isp").GetString() + ".csv"));
            Assert.Contains(lines, l => l.Split(',')[1] == ip);
        }
    }
}
