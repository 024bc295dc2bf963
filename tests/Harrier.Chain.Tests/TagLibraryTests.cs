using Harrier.Chain.Attribution;

namespace Harrier.Chain.Tests;

/// <summary>
/// Which tags a pack import replaces (issue 20.5: a second pack with the same <c>title</c> deleted the first pack's
/// tags, so an exchange vanished from traces and data requests). Packs are keyed by their file and content: a pack
/// replaces only its own earlier tags, whatever the titles.
/// </summary>
public sealed class TagLibraryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-taglib-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Pack(string name, string title, params string[] addresses)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, $"title: {title}\ncurrency: BTC\ncategory: exchange\ntags:\n"
            + string.Concat(addresses.Select(a => $"  - address: {a}\n    label: {name}\n")));
        return path;
    }

    private static string[] Addresses(TagLibrary lib) => [.. lib.Tags.Select(t => t.Address).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_second_pack_with_the_same_title_keeps_the_first_packs_tags()
    {
        var a = Pack("alpha.yaml", "Exchange deposits", "1AAA", "1AAB");
        var b = Pack("beta.yaml", "Exchange deposits", "1BBB");
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        lib.Import(a, isPublic: true, errors);
        lib.Import(b, isPublic: true, errors);

        Assert.Empty(errors);
        Assert.Equal(["1AAA", "1AAB", "1BBB"], Addresses(lib));
        Assert.All(lib.Tags, t => Assert.Equal("Exchange deposits", t.Pack));

        // Re-importing the same file (unchanged, then changed) replaces its own tags only.
        lib.Import(a, isPublic: true, errors);
        Assert.Equal(["1AAA", "1AAB", "1BBB"], Addresses(lib));
        Pack("alpha.yaml", "Exchange deposits", "1AAC");
        lib.Import(a, isPublic: true, errors);
        Assert.Equal(["1AAC", "1BBB"], Addresses(lib));
        Assert.Equal(2, lib.Packs.Count);

        // The same after a save and load (each tag keeps its pack's key), and through a folder import.
        lib.Save(Path.Combine(_root, "lib"));
        var back = TagLibrary.Load(Path.Combine(_root, "lib"));
        back.Import(b, isPublic: true, errors);
        Assert.Equal(["1AAC", "1BBB"], Addresses(back));
        var folder = TagLibrary.Empty();
        folder.Import(_root, isPublic: true, errors);
        Assert.Equal(["1AAC", "1BBB"], Addresses(folder));
        Assert.Empty(errors);
    }

    [Fact]
    public void The_same_pack_copied_to_another_path_replaces_itself_instead_of_doubling()
    {
        var a = Pack("alpha.yaml", "Exchange deposits", "1AAA");
        var copy = Path.Combine(_root, "copy-of-alpha.yaml");
        File.Copy(a, copy);
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        lib.Import(a, isPublic: true, errors);
        lib.Import(copy, isPublic: true, errors);

        Assert.Equal(["1AAA"], Addresses(lib));
        Assert.Equal(copy, Assert.Single(lib.Packs).File);
    }

    /// <summary>
    /// A library saved before packs were keyed (tags.json with only the title): each tag belongs to the last pack of its
    /// title (the earlier ones had lost their tags), so re-importing another pack of that title keeps them.
    /// </summary>
    [Fact]
    public void A_library_saved_before_keys_reads_each_tag_as_the_last_pack_of_its_title()
    {
        var dir = Path.Combine(_root, "old");
        Directory.CreateDirectory(dir);
        var a = Pack("alpha.yaml", "Exchange deposits", "1AAA");
        var b = Pack("beta.yaml", "Exchange deposits", "1BBB");
        File.WriteAllText(Path.Combine(dir, "packs.json"),
            $$"""[{"file":"{{a}}","sha256":"aa","title":"Exchange deposits","kind":"tags","isPublic":true,"entries":1,"skipped":0},{"file":"{{b}}","sha256":"bb","title":"Exchange deposits","kind":"tags","isPublic":true,"entries":1,"skipped":0}]""");
        File.WriteAllText(Path.Combine(dir, "tags.json"),
            """[{"address":"1BBB","currency":"BTC","label":"beta.yaml","category":"exchange","pack":"Exchange deposits","isPublic":true}]""");
        var lib = TagLibrary.Load(dir);
        var errors = new List<string>();

        lib.Import(a, isPublic: true, errors);

        Assert.Empty(errors);
        Assert.Equal(["1AAA", "1BBB"], Addresses(lib));
    }
}
