using System.Security.Cryptography;
using System.Text;
using Harrier.Cases.Keys;
using Harrier.Testing;

namespace Harrier.Cases.Tests;

/// <summary>The case key: where it is made, with what modes, in what format, and what it signs.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CaseKeyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-key-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Case_init_makes_a_0600_key_in_a_0700_store_outside_the_case_folder_and_case_json_records_its_public_part()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var keys = Path.Combine(_root, "store", "keys");
        var store = await CaseStore.CreateAsync(t.CaseDir, "keys", null, "tester", t.Time, CaseKeyStore.AtDirectory(keys), CancellationToken.None);

        var file = Path.Combine(keys, store.Manifest.CaseId + ".key");
        Assert.True(File.Exists(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.Empty(Directory.GetFiles(t.CaseDir, "*.key", SearchOption.AllDirectories));
        Assert.DoesNotContain("PRIVATE", string.Concat(Directory.GetFiles(t.CaseDir).Where(f => !f.EndsWith(".db", StringComparison.Ordinal)).Select(File.ReadAllText)));

        var text = File.ReadAllText(file);
        Assert.StartsWith($"harrier-case-key/1 ed25519 case={store.Manifest.CaseId} fingerprint={store.Key.Fingerprint}\n-----BEGIN PRIVATE KEY-----", text);
        Assert.Contains("-----END PRIVATE KEY-----", text);
        var manifest = CaseFolder.Read(t.CaseDir);
        Assert.Equal(2, manifest.Format);
        Assert.Equal(new CaseKeyInfo("ed25519", store.Key.Fingerprint, store.Key.PublicKeyBase64), manifest.Key);
    }

    [Fact]
    public void The_fingerprint_is_the_first_16_bytes_of_sha256_of_the_raw_public_key()
    {
        using var key = CaseKey.Generate();
        var expected = "ed25519:" + Convert.ToHexStringLower(SHA256.HashData(key.PublicKey)[..16]);

        Assert.Equal(32, key.PublicKey.Length);
        Assert.Equal(expected, key.Fingerprint);
        Assert.Equal(expected, CaseKey.FingerprintOf(Convert.FromBase64String(key.PublicKeyBase64)));
        Assert.Equal(40, key.Fingerprint.Length);
    }

    [Fact]
    public void A_signature_verifies_only_for_its_data_and_its_key_and_survives_export()
    {
        using var key = CaseKey.Generate();
        using var other = CaseKey.Generate();
        var data = Encoding.UTF8.GetBytes("harrier-audit-head/1\ncase\n1\nabc\n2025-03-12T06:00:00.0000000Z\n");
        var signature = key.Sign(data);

        Assert.Equal(64, signature.Length);
        Assert.True(CaseKey.Verify(key.PublicKey, data, signature));
        Assert.False(CaseKey.Verify(other.PublicKey, data, signature));
        Assert.False(CaseKey.Verify(key.PublicKey, data.AsSpan(1), signature));
        var flipped = (byte[])signature.Clone();
        flipped[10] ^= 1;
        Assert.False(CaseKey.Verify(key.PublicKey, data, flipped));
        Assert.False(CaseKey.Verify(key.PublicKey.AsSpan(0, 31), data, signature));

        using var reloaded = CaseKey.ImportPkcs8Pem(key.ExportPkcs8Pem());
        Assert.Equal(key.Fingerprint, reloaded.Fingerprint);
        Assert.True(CaseKey.Verify(key.PublicKey, data, reloaded.Sign(data)));
    }

    [Fact]
    public async Task A_key_file_inside_the_case_folder_is_refused()
    {
        await using var t = await TestCase.CreateAsync(TestCase.Sqlite);
        var inside = Path.Combine(t.CaseDir, "case.key");

        var e = await Assert.ThrowsAsync<CaseStoreException>(() =>
            CaseStore.CreateAsync(t.CaseDir, "keys", null, "tester", t.Time, CaseKeyStore.AtFile(inside), CancellationToken.None));

        Assert.Contains("outside the case folder", e.Message);
        Assert.False(File.Exists(inside));
        Assert.False(File.Exists(Path.Combine(t.CaseDir, CaseFolder.ManifestFileName)));
    }

    [Fact]
    public async Task Another_cases_key_file_is_refused_by_name_and_an_existing_key_file_is_never_overwritten()
    {
        await using var a = await TestCase.CreateAsync(TestCase.Sqlite);
        await using var b = await TestCase.CreateAsync(TestCase.Sqlite);
        var keyA = Path.Combine(_root, "a.key");
        var storeA = await CaseStore.CreateAsync(a.CaseDir, "a", null, "tester", a.Time, CaseKeyStore.AtFile(keyA), CancellationToken.None);
        var before = File.ReadAllText(keyA);

        var exists = await Assert.ThrowsAsync<CaseStoreException>(() =>
            CaseStore.CreateAsync(b.CaseDir, "b", null, "tester", b.Time, CaseKeyStore.AtFile(keyA), CancellationToken.None));
        Assert.Contains(keyA, exists.Message);
        Assert.Equal(before, File.ReadAllText(keyA));

        var storeB = await b.InitAsync();
        var wrong = await CaseStore.OpenAsync(b.CaseDir, null, b.Time, CaseKeyStore.AtFile(keyA), CancellationToken.None);
        var e = Assert.Throws<CaseStoreException>(() => wrong.Key);
        Assert.Contains($"is the key of case {storeA.Manifest.CaseId}, not of case {storeB.Manifest.CaseId}", e.Message);
        var verified = await wrong.Audit.VerifyAsync(CancellationToken.None);
        Assert.False(verified.Ok); // a key file that cannot be this case's is reported, never ignored
    }

    [Fact]
    public void The_default_store_is_harrier_keys_else_xdg_data_home_else_the_home_folder()
    {
        // The test process sets HARRIER_KEYS once (TestKeyStore); the fallbacks are checked by name only.
        var store = CaseKeyStore.FromEnvironment();
        Assert.Equal(Path.Combine(TestKeyStore.Directory, "c1.key"), store.PathFor("c1"));
        Assert.Contains("$HARRIER_KEYS", store.Describe("c1"));
    }
}
