using System.Text;
using System.Text.Json;
using Harrier.Cases.Keys;
using Harrier.Cases.Tests;
using Harrier.Operations.Packages;
using Harrier.Operations.Targets;
using Json.Schema;

namespace Harrier.Operations.Tests;

/// <summary>
/// Country packages on real SQLite and PostgreSQL cases over <see cref="OtherPlatform"/> and the hand-built persons run:
/// who is in which package, the files, package.json against the published schema, and <see cref="VerifyPackage"/>
/// catching every kind of change (a file changed, added or removed, the manifest edited, another key).
/// </summary>
public sealed class PackageTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    // Built once: JsonSchema.Net registers a schema by its $id process-wide and refuses a second registration.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "package.schema.json")));

    private static async Task<(TestCase Case, Harrier.Cases.CaseStore Store, OperationContext Ctx, string Out)> RankedAsync(string backend)
    {
        var (t, store, ctx, importId) = await PersonsOperationsTests.CaseAsync(backend);
        await PersonsOperationsTests.InsertReturnsAsync(store);
        await PersonsRun.StoreAsync(store, importId);
        await new RankTargets(store).RunAsync(new RankTargetsRequest(), ctx, None);
        return (t, store, ctx, Path.Combine(t.Root, "packages"));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_package_per_country_with_a_person_holds_every_file_matches_the_schema_and_verifies(string backend)
    {
        var (t, store, ctx, output) = await RankedAsync(backend);
        await using var _t = t;
        var built = await Audited.ExactlyAsync(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output), ctx, None), "package.build");

        // Person 1 (accounts 10 and 12) is placed in DE; person 2 has no country: one package, one unplaced.
        var de = Assert.Single(built.Packages);
        Assert.Equal(("DE", 1, 1, 1), (de.Country, de.Persons, de.Tier1, built.Unplaced));
        Assert.Equal(store.Key.Fingerprint, built.KeyFingerprint);
        var dir = Path.Combine(output, "DE");
        Assert.Equal([PackageFiles.Json, PackageFiles.Html, PackageFiles.Pdf, PackageFiles.PublicKeyPem, PackageFiles.Manifest, PackageFiles.Signature, PackageFiles.SubscriberExtract],
            new[] { PackageFiles.Json, PackageFiles.Html, PackageFiles.Pdf, PackageFiles.PublicKeyPem, PackageFiles.Manifest, PackageFiles.Signature, PackageFiles.SubscriberExtract }
                .Where(f => File.Exists(Path.Combine(dir, f))));
        Assert.False(File.Exists(Path.Combine(dir, PackageFiles.KycExtract)));
        var entry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.Contains("DE 1 persons manifest sha256 " + de.ManifestSha256, entry.Target, StringComparison.Ordinal);

        var json = await File.ReadAllTextAsync(Path.Combine(dir, PackageFiles.Json));
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(10)));

        var person = doc.RootElement.GetProperty("persons")[0];
        Assert.Equal(1, person.GetProperty("tier").GetInt32());
        Assert.Equal(["admin", "unseen-upload", "payer", "payer-spend", "payer-recent"],
            person.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("value").GetProperty("name").GetString()));
        var identity = person.GetProperty("identities")[0];
        Assert.Equal(("B3", "H1"), (identity.GetProperty("grading").GetString(), identity.GetProperty("handling").GetString()));
        Assert.Equal("H2", person.GetProperty("accounts")[0].GetProperty("handling").GetString());
        Assert.Equal(store.Key.Fingerprint, doc.RootElement.GetProperty("signing").GetProperty("keyFingerprint").GetString());
        Assert.DoesNotContain("/srv/www", json, StringComparison.Ordinal);

        // The subscriber row that named the person travels with it; the HTML says the same as the JSON, without script.
        Assert.Contains("Testa Quillfeather", await File.ReadAllTextAsync(Path.Combine(dir, PackageFiles.SubscriberExtract)), StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(dir, PackageFiles.Html));
        Assert.Contains("Testa Quillfeather", html, StringComparison.Ordinal);
        Assert.Contains(store.Key.Fingerprint, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        var pdf = await File.ReadAllBytesAsync(Path.Combine(dir, PackageFiles.Pdf));
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.Contains("-----BEGIN PUBLIC KEY-----", await File.ReadAllTextAsync(Path.Combine(dir, PackageFiles.PublicKeyPem)), StringComparison.Ordinal);

        var verified = VerifyPackage.Run(new VerifyPackageRequest(dir, store.Key.Fingerprint));
        Assert.True(verified.Valid, verified.First?.Detail);
        Assert.Equal(("DE", 5), (verified.Country, verified.Files));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task No_package_for_a_country_without_a_person_and_none_is_overwritten(string backend)
    {
        var (t, store, ctx, output) = await RankedAsync(backend);
        await using var _t = t;
        await Audited.NothingAsync<OperationException>(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output, Country: "FR"), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output, Handling: "H9"), ctx, None));
        Assert.False(Directory.Exists(Path.Combine(output, "FR")));
        await new BuildPackages(store).RunAsync(new BuildPackagesRequest(output, Country: "de"), ctx, None);
        var before = await File.ReadAllBytesAsync(Path.Combine(output, "DE", PackageFiles.Manifest));
        await Audited.NothingAsync<OperationException>(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output), ctx, None));
        Assert.Equal(before, await File.ReadAllBytesAsync(Path.Combine(output, "DE", PackageFiles.Manifest)));
    }

    [Fact]
    public async Task A_package_that_cannot_be_written_is_a_clear_error_naming_its_country_and_nothing_is_audited()
    {
        var (t, store, ctx, output) = await RankedAsync("sqlite");
        await using var _t = t;
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, ".DE.partial"), "a file where the build wants a folder");
        var e = await Audited.NothingAsync<OperationException>(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output), ctx, None));
        Assert.StartsWith("the DE package could not be written", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(output, "DE")));
    }

    [Fact]
    public async Task A_country_that_is_not_an_ISO_code_never_becomes_a_folder()
    {
        var (t, store, ctx, importId) = await PersonsOperationsTests.CaseAsync("sqlite");
        await using var _t = t;
        // The hand-built run, with person 1's country as a hostile return could spell it.
        var run = PersonsRun.HandBuilt();
        var hostile = run with { Persons = [run.Persons[0] with { Country = run.Persons[0].Country! with { Country = "../X" } }, run.Persons[1]] };
        await store.WriteAsync(new Harrier.Cases.AuditIntent("tester", "persons.resolve"),
            (w, ct) => Harrier.Cases.Persons.PersonsStore.WriteRunAsync(w, importId, [], new Harrier.Analysis.Persons.ResolutionOptions(), hostile, "tester", ct), id => $"persons run {id}", None);
        await new RankTargets(store).RunAsync(new RankTargetsRequest(), ctx, None);
        var output = Path.Combine(t.Root, "out", "packages");
        await Audited.NothingAsync<OperationException>(store, () => new BuildPackages(store).RunAsync(new BuildPackagesRequest(output), ctx, None));
        Assert.False(Directory.Exists(Path.Combine(t.Root, "out", "X")));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Verify_names_the_first_file_changed_added_or_removed_and_catches_an_edited_manifest_and_another_key()
    {
        var (t, store, ctx, output) = await RankedAsync("sqlite");
        await using var _t = t;
        await new BuildPackages(store).RunAsync(new BuildPackagesRequest(output), ctx, None);
        var original = Path.Combine(output, "DE");
        var fingerprint = store.Key.Fingerprint;
        var n = 0;

        PackageProblem First(Action<string> tamper, string? expected = null)
        {
            var copy = Path.Combine(t.Root, "copy" + n++);
            CopyTree(original, copy);
            tamper(copy);
            var r = VerifyPackage.Run(new VerifyPackageRequest(copy, expected ?? fingerprint));
            Assert.False(r.Valid);
            return r.First!;
        }

        foreach (var file in new[] { PackageFiles.Json, PackageFiles.Html, PackageFiles.Pdf, PackageFiles.PublicKeyPem, PackageFiles.SubscriberExtract })
        {
            var p = First(d => FlipLastByte(Path.Combine(d, file)));
            Assert.Equal((file, "changed"), (p.File, p.Kind));
        }

        var added = First(d => File.WriteAllText(Path.Combine(d, "a-extra.txt"), "x"));
        Assert.Equal(("a-extra.txt", "added"), (added.File, added.Kind));
        var removed = First(d => File.Delete(Path.Combine(d, PackageFiles.Pdf)));
        Assert.Equal((PackageFiles.Pdf, "removed"), (removed.File, removed.Kind));

        // An edited manifest (a digest made to match a changed file) no longer verifies against its signature.
        var edited = First(d =>
        {
            var m = Path.Combine(d, PackageFiles.Manifest);
            File.WriteAllText(m, File.ReadAllText(m).Replace("\"size\": ", "\"size\": 1", StringComparison.Ordinal));
        });
        Assert.Equal((PackageFiles.Manifest, "changed"), (edited.File, edited.Kind));

        // Re-signed by another key: every signature checks out, but the key is not the expected one.
        using var other = CaseKey.Generate();
        var resigned = First(d =>
        {
            var m = Path.Combine(d, PackageFiles.Manifest);
            var text = File.ReadAllText(m).Replace(store.Key.PublicKeyBase64, other.PublicKeyBase64, StringComparison.Ordinal)
                .Replace(fingerprint, other.Fingerprint, StringComparison.Ordinal);
            File.WriteAllText(m, text);
            File.WriteAllText(Path.Combine(d, PackageFiles.Signature), Convert.ToBase64String(other.Sign(File.ReadAllBytes(m))) + "\n");
        });
        Assert.Equal((PackageFiles.Manifest, "other key"), (resigned.File, resigned.Kind));
        Assert.Contains(other.Fingerprint, resigned.Detail, StringComparison.Ordinal);

        // The untouched package, expected to come from another key, is refused too.
        Assert.Equal("other key", First(_ => { }, other.Fingerprint).Kind);
        Assert.Throws<OperationException>(() => VerifyPackage.Run(new VerifyPackageRequest(original, null)));
        Assert.True(VerifyPackage.Run(new VerifyPackageRequest(original, fingerprint)).Valid);
    }

    private static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(path, bytes);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
