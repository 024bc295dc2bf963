using System.Text;
using Harrier.Testing;

namespace Harrier.Cases.Tests;

/// <summary>
/// The shown form of a name (issue 20.2): what is escaped, that it is injective with <see cref="EvidenceName.Parse"/> as
/// inverse, and that migration 15 gives old cases' rows the bytes and shown form a new registration would.
/// </summary>
public sealed class EvidenceNameTests
{
    [Fact]
    public void Hostile_names_are_shown_escaped_and_parse_back_to_their_bytes()
    {
        foreach (var (name, shown) in RawNames.All)
        {
            Assert.Equal(shown, EvidenceName.Display(name));
            Assert.Equal(name, EvidenceName.Parse(shown));
        }

        Assert.Equal(@"a\\b", EvidenceName.Display("a\\b"u8));
        Assert.Equal(@"tab\x09col\x7F", EvidenceName.Display("tab\tcol\u007F"u8));
        Assert.Equal(@"\u0085\u2066x\u2069\u200F\u2028\uFFFD", EvidenceName.Display(Encoding.UTF8.GetBytes("\u0085\u2066x\u2069\u200F\u2028\uFFFD")));
        Assert.Equal("dir/ok ü 日本.jpg", EvidenceName.Display(Encoding.UTF8.GetBytes("dir/ok ü 日本.jpg")));
        // An overlong '/', a surrogate's bytes and a cut sequence are bytes, one escape each.
        Assert.Equal(@"\xC0\xAF\xED\xA0\x80\xE2\x80", EvidenceName.Display([0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x80]));
        Assert.True(EvidenceName.IsVerbatim("caf\u00E9.jpg"));
        Assert.False(EvidenceName.IsVerbatim(@"bad\xFF.png"));
        Assert.Throws<FormatException>(() => EvidenceName.Parse(@"bad\q"));
    }

    [Fact]
    public void Two_different_names_are_never_shown_alike()
    {
        // Seeded: names over an alphabet heavy in the bytes that matter (backslash, 'x', 'u', hex digits, controls, UTF-8 lead
        // and continuation bytes); every shown form must parse back to its own bytes, so no two can be equal.
        var seed = 20_2;
        var random = new Random(seed);
        byte[] alphabet = [.. "\\xuAF0\n/."u8, 0x7F, 0x80, 0xA0, 0xAE, 0xC2, 0xE2, 0x80, 0xFE, 0xFF, 0xEF, 0xBF, 0xBD];
        var seen = new Dictionary<string, byte[]>();
        for (var i = 0; i < 20_000; i++)
        {
            var name = new byte[random.Next(1, 9)];
            for (var j = 0; j < name.Length; j++)
            {
                name[j] = alphabet[random.Next(alphabet.Length)];
            }

            var shown = EvidenceName.Display(name);
            Assert.True(name.AsSpan().SequenceEqual(EvidenceName.Parse(shown)), $"seed {seed}: {Convert.ToHexString(name)} shown {shown}");
            Assert.DoesNotContain(shown, c => char.IsControl(c) || c is '\u202E' or '\uFFFD');
            if (seen.TryGetValue(shown, out var other))
            {
                Assert.True(other.AsSpan().SequenceEqual(name), $"seed {seed}: {Convert.ToHexString(name)} and {Convert.ToHexString(other)} both shown {shown}");
            }

            seen[shown] = name;
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Migration_15_gives_old_rows_their_bytes_and_shown_form(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        // Back to schema 14 as an old harrier left it, with rows as it stored them: decoded text, not escaped. One of them
        // is literally the escaped form of another ("two\x0Alines.png", and the name with a real newline), so the migration
        // must not pass through a value another row holds; "bad\uFFFD.png" is what an old run stored for a Latin-1 name.
        string[] old = ["plain.txt", "two\nlines.png", @"two\x0Alines.png", "evil\u202Egnp.exe", @"back\slash.txt", "bad\uFFFD.png", "caf\u00E9.jpg", "cafe\u0301.jpg"];
        await using (var conn = await store.Database.OpenAsync(CancellationToken.None))
        {
            var sqlite = store.Database.Kind == CaseDatabaseKind.Sqlite;
            await using (var tx = await store.Database.BeginWriteAsync(conn, CancellationToken.None))
            {
                await TableDigests.DropTriggersAsync(store.Database.Kind, conn, tx, CancellationToken.None);
                await tx.CommitAsync();
            }

            await CaseDatabase.ExecuteAsync(conn, null, $"""
                DROP INDEX ux_evidence_files_name_bytes;
                DROP INDEX ix_evidence_files_rel_path_bytes;
                ALTER TABLE evidence_files DROP COLUMN rel_path_bytes;
                DROP TABLE audit_pending;
                DROP TABLE audit_state;
                DELETE FROM schema_migrations WHERE version >= 15;
                INSERT INTO exhibits (exhibit_id, description, source_root, registered_utc, registered_by) VALUES ('EX-OLD', NULL, '/nowhere', 'x', 'tester');
                """, CancellationToken.None);
            foreach (var name in old)
            {
                await CaseDatabase.ExecuteAsync(conn, null,
                    "INSERT INTO evidence_files (exhibit_id, rel_path, status, size, registered_utc) VALUES ('EX-OLD', @p, 'ok', 1, 'x')",
                    CancellationToken.None, ("@p", name));
            }

            Assert.True(sqlite || store.Database.Kind == CaseDatabaseKind.PostgreSql);
        }

        var reopened = await t.OpenAsync();
        var files = await reopened.Evidence.ListAsync("EX-OLD", CancellationToken.None);

        Assert.Equal(old.Length, files.Count);
        foreach (var name in old)
        {
            var bytes = Encoding.UTF8.GetBytes(name);
            var f = Assert.Single(files, f => f.RelPathBytes.AsSpan().SequenceEqual(bytes));
            Assert.Equal(EvidenceName.Display(bytes), f.RelPath);
        }

        Assert.Contains(files, f => f.RelPath == @"two\x0Alines.png");
        Assert.Contains(files, f => f.RelPath == @"two\\x0Alines.png");
        Assert.Contains(files, f => f.RelPath == @"bad\uFFFD.png");
        Assert.Contains(files, f => f.RelPath == @"evil\u202Egnp.exe");
    }
}
