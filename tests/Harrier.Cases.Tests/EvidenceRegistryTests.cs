using System.Security.Cryptography;
using System.Text;
using Harrier.Testing;

namespace Harrier.Cases.Tests;

public sealed class EvidenceRegistryTests
{
    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Add_records_path_size_times_and_all_three_digests(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("abc.txt", Encoding.ASCII.GetBytes("abc"));
        t.WriteEvidence("empty.bin", []);
        var big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        t.WriteEvidence("nested/deeper/big.bin", big);
        var mtime = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(t.EvidenceDir, "abc.txt"), mtime);

        var result = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", "phone dump", "tester", "initial", null, CancellationToken.None);

        Assert.Equal(3, result.Found);
        Assert.Equal(3, result.Registered);
        Assert.Empty(result.Unreadable);
        var files = await store.Evidence.ListAsync("EX-1", CancellationToken.None);
        Assert.Equal(["abc.txt", "empty.bin", "nested/deeper/big.bin"], files.Select(f => f.RelPath));

        var abc = files[0];
        // FIPS 180 / RFC 1321 test vectors for "abc".
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", abc.Md5);
        Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", abc.Sha1);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", abc.Sha256);
        Assert.Equal(3, abc.Size);
        Assert.Equal("2024-01-02T03:04:05.0000000Z", abc.ModifiedUtc);
        Assert.Equal(EvidenceStatus.Ok, abc.Status);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", files[1].Sha256);
        Assert.Equal(0, files[1].Size);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(big)), files[2].Sha256);
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(big)), files[2].Sha1);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(big)), files[2].Md5);
        Assert.Equal(big.Length, files[2].Size);
        Assert.Equal(big.Length + 3, result.BytesHashed);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Evidence_bytes_and_times_are_unchanged_by_add_and_verify(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var random = new Random(11);
        var paths = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(0, 200_000)];
            random.NextBytes(bytes);
            var p = t.WriteEvidence($"d{i % 3}/f{i}.bin", bytes);
            File.SetLastWriteTimeUtc(p, new DateTime(2023, 6, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i));
            paths.Add(p);
        }

        var before = paths.ToDictionary(p => p, p => (Bytes: File.ReadAllBytes(p), Mtime: File.GetLastWriteTimeUtc(p)));

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var verify = await store.Evidence.VerifyAsync("EX-1", "tester", null, null, CancellationToken.None);

        Assert.True(verify.Intact);
        Assert.Equal(40, verify.Unchanged);
        foreach (var p in paths)
        {
            Assert.Equal(before[p].Bytes, File.ReadAllBytes(p));
            Assert.Equal(before[p].Mtime, File.GetLastWriteTimeUtc(p));
        }
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Running_add_again_records_nothing_twice(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        for (var i = 0; i < 25; i++)
        {
            t.WriteEvidence($"f{i}.txt", Encoding.UTF8.GetBytes($"file {i}"));
        }

        var first = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var second = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        Assert.Equal(25, first.Registered);
        Assert.Equal(0, second.Registered);
        Assert.Equal(25, second.AlreadyRecorded);
        Assert.Equal(25, (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).Count);
        Assert.Equal(25, (await store.Evidence.ListAsync(null, CancellationToken.None)).Count);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Verify_reports_changed_missing_and_added_files(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("keep.txt", Encoding.UTF8.GetBytes("keep"));
        RawNames.Write(t.EvidenceDir, RawNames.Nfc, [3]);
        var changed = t.WriteEvidence("change.txt", Encoding.UTF8.GetBytes("original"));
        var gone = t.WriteEvidence("gone.txt", Encoding.UTF8.GetBytes("gone"));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        // The test plays the part of someone tampering with the source after registration.
        File.WriteAllText(changed, "altered!");
        File.Delete(gone);
        t.WriteEvidence("new.txt", Encoding.UTF8.GetBytes("new"));
        // Names that are not UTF-8, and one that only differs from a registered one by normalisation, are added files too.
        RawNames.Write(t.EvidenceDir, RawNames.BadFF, [1]);
        RawNames.Write(t.EvidenceDir, RawNames.BadFE, [2]);
        RawNames.Write(t.EvidenceDir, RawNames.Nfd, [3]);

        var result = await store.Evidence.VerifyAsync(null, "tester", "weekly check", null, CancellationToken.None);

        Assert.False(result.Intact);
        Assert.Equal(2, result.Unchanged);
        Assert.Equal("EX-1:change.txt", Assert.Single(result.Changed).RelPath);
        Assert.Equal("EX-1:gone.txt", Assert.Single(result.Missing).RelPath);
        Assert.Equal([@"EX-1:bad\xFE.png", @"EX-1:bad\xFF.png", "EX-1:cafe\u0301.jpg", "EX-1:new.txt"], result.Added.Select(p => p.RelPath));
        var last = (await store.Audit.ReadAsync(1, CancellationToken.None)).Single();
        Assert.Equal("evidence.verify", last.Action);
        Assert.Equal("weekly check", last.Justification);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Names_are_kept_as_bytes_each_file_hashed_verified_and_shown_escaped(string backend)
    {
        // Issue 20.2: bad\xff.png and bad\xfe.png became one row "bad\uFFFD.png" (one file "vanished", verify crashed on the
        // duplicate key), and a Latin-1 name was never hashed. NFC/NFD, a newline and an RTL override ride along.
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        var contents = RawNames.All.Select((n, i) => (n.Name, n.Shown, Content: Encoding.ASCII.GetBytes($"file {i}: {n.Shown}"))).ToList();
        foreach (var (name, _, content) in contents)
        {
            RawNames.Write(t.EvidenceDir, name, content);
        }

        var result = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        Assert.Empty(result.Unreadable);
        Assert.Equal((7, 7), (result.Found, result.Registered));
        var files = await store.Evidence.ListAsync("EX-1", CancellationToken.None);
        Assert.Equal(contents.Select(c => c.Shown).Order(StringComparer.Ordinal), files.Select(f => f.RelPath).Order(StringComparer.Ordinal));
        foreach (var (name, shown, content) in contents)
        {
            var f = files.Single(x => x.RelPath == shown);
            Assert.Equal(EvidenceStatus.Ok, f.Status);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), f.Sha256);
            Assert.Equal(name, f.RelPathBytes);
        }

        Assert.All(files, f => Assert.DoesNotContain(f.RelPath, c => char.IsControl(c) || c is '\u202E' or '\uFFFD'));
        var again = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        Assert.Equal((0, 7), (again.Registered, again.AlreadyRecorded));

        var intact = await store.Evidence.VerifyAsync("EX-1", "tester", null, null, CancellationToken.None);
        Assert.True(intact.Intact);
        Assert.Equal(7, intact.Unchanged);

        // Each name is its own file: changing the bytes of one is reported for that one, by its escaped name, and the
        // Latin-1 one is checked too.
        RawNames.Write(t.EvidenceDir, RawNames.BadFE, Encoding.ASCII.GetBytes("altered"));
        RawNames.Write(t.EvidenceDir, RawNames.Latin1, Encoding.ASCII.GetBytes("altered too"));
        var changed = await store.Evidence.VerifyAsync("EX-1", "tester", null, null, CancellationToken.None);
        Assert.False(changed.Intact);
        Assert.Equal([@"EX-1:bad\xFE.png", @"EX-1:caf\xE9.jpg"], changed.Changed.Select(p => p.RelPath));
        Assert.Equal(5, changed.Unchanged);
        Assert.Empty(changed.Missing);
        Assert.Empty(changed.Added);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_exhibit_id_cannot_be_reused_for_another_source(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("a.txt", [1]);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var other = Directory.CreateDirectory(Path.Combine(t.Root, "other")).FullName;

        var e = await Assert.ThrowsAsync<CaseStoreException>(() =>
            store.Evidence.AddAsync(other, "EX-1", null, "tester", null, null, CancellationToken.None));
        Assert.Contains("EX-1", e.Message);
    }

    [Fact]
    public async Task Links_are_recorded_as_skipped_not_followed()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        t.WriteEvidence("real.txt", [1, 2, 3]);
        File.CreateSymbolicLink(Path.Combine(t.EvidenceDir, "link.txt"), "/etc/hostname");

        var result = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("link.txt", skipped.RelPath);
        Assert.Contains("symbolic link", skipped.Reason);
        var files = await store.Evidence.ListAsync("EX-1", CancellationToken.None);
        Assert.Equal(EvidenceStatus.Skipped, files.Single(f => f.RelPath == "link.txt").Status);
    }

    [Fact]
    public async Task A_fifo_is_recorded_as_special_and_never_opened()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var store = await t.InitAsync();
        t.WriteEvidence("real.txt", [1, 2, 3]);
        var fifo = Path.Combine(t.EvidenceDir, "pipe");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mk.WaitForExitAsync();
            Assert.Equal(0, mk.ExitCode);
        }

        // Opening a FIFO for reading blocks until a writer appears; the registry must not try.
        var result = await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);

        Assert.Equal("pipe", Assert.Single(result.Skipped).RelPath);
        Assert.Equal(1, result.Registered - result.Skipped.Count);
    }
}
