using System.Text;
using Harrier.Chain.Attribution;

namespace Harrier.Chain.Tests;

/// <summary>
/// Issue 20.5: a 933-byte YAML alias bomb took <c>tags import</c> to 10.8 GB. Packs are checked on the parser's events
/// (<see cref="YamlBounds"/>) before any node is built: too many aliased nodes or too deep a nesting is refused with the
/// file named, and the refusal allocates little (the bomb is never expanded).
/// </summary>
public sealed class YamlBoundsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-yaml-bounds-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// Anchors a..: a holds nine "lol", each next level nine aliases of the one before: <paramref name="levels"/> levels
    /// expand to 9^levels scalars. The last anchor is put where the pack reader turns it into text.
    /// </summary>
    public static string Bomb(int levels, string use)
    {
        var text = new StringBuilder("a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
        var previous = 'a';
        for (var i = 1; i < levels; i++)
        {
            var level = (char)('a' + i);
            text.Append(level).Append(": &").Append(level).Append(" [")
                .AppendJoin(',', Enumerable.Repeat("*" + previous, 9)).Append("]\n");
            previous = level;
        }

        return text.Append(use.Replace("LAST", "*" + previous, StringComparison.Ordinal)).ToString();
    }

    private const string TagPackUse = "title: bomb\ncontext: {k: LAST}\ntags:\n  - address: 1BombAddress\n";

    private const string ActorPackUse = "title: bomb\nactors:\n  - id: x\n    context: {legal_name: LAST}\n";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>
    /// Seven levels (4.8 million "lol" once expanded; before the bound the import expanded them into the pack's context
    /// and succeeded): refused naming the file, nothing imported, and the refusal allocates under 64 MB.
    /// </summary>
    [Fact]
    public void An_alias_bomb_in_a_tag_pack_is_refused_before_it_is_expanded()
    {
        var path = Write("bomb.yaml", Bomb(7, TagPackUse));
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var packs = lib.Import(path, isPublic: true, errors);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(packs);
        Assert.Empty(lib.Tags);
        var error = Assert.Single(errors);
        Assert.StartsWith(path + ": refused at line ", error, StringComparison.Ordinal);
        Assert.Contains("aliases expand to more than 10,000,000", error, StringComparison.Ordinal);
        Assert.True(allocated < 64 << 20, $"the refusal allocated {allocated:N0} bytes");
    }

    /// <summary>The issue's size (nine levels, 387 million nodes, under 1 KB), in a tag pack and in an actor pack.</summary>
    [Theory]
    [InlineData("tags")]
    [InlineData("actors")]
    public void The_issues_alias_bomb_is_refused_in_tag_and_actor_packs(string kind)
    {
        var text = Bomb(9, kind == "tags" ? TagPackUse : ActorPackUse);
        Assert.True(text.Length < 1024, $"{text.Length} bytes");
        var path = Write(kind + "-bomb.yaml", text);
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        var before = GC.GetAllocatedBytesForCurrentThread();
        lib.Import(path, isPublic: true, errors);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("aliases expand to more than", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Empty(lib.Tags);
        Assert.Empty(lib.Actors);
        Assert.True(allocated < 64 << 20, $"the refusal allocated {allocated:N0} bytes");
    }

    /// <summary>
    /// 100,000 nested flow sequences (200 KB) overflowed the stack of YamlDotNet's recursive loader, which kills the
    /// process; nesting is refused past 64 levels, directly or through an alias.
    /// </summary>
    [Fact]
    public void Nesting_deeper_than_the_bound_is_refused_directly_and_through_aliases()
    {
        const int Deep = 100_000;
        var direct = Write("deep.yaml", "title: deep\ncontext: " + new string('[', Deep) + new string(']', Deep) + "\ntags:\n  - address: 1x\n");
        var nested = new string('[', 40) + new string(']', 40);
        var viaAlias = Write("deep-alias.yaml", $"a: &a {nested}\ntitle: deep\ncontext: {{k: {new string('[', 30)}*a{new string(']', 30)}}}\ntags:\n  - address: 1x\n");
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        lib.Import(direct, isPublic: true, errors);
        lib.Import(viaAlias, isPublic: true, errors);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith(direct + ": refused at line 2: YAML nested deeper than 64 levels", errors[0], StringComparison.Ordinal);
        Assert.StartsWith(viaAlias + ": refused at line 3: YAML nested deeper than 64 levels through the alias *a", errors[1], StringComparison.Ordinal);
        Assert.Empty(lib.Tags);
    }

    /// <summary>Anchors and aliases used as YAML means them (a shared header block, a repeated list) still read.</summary>
    [Fact]
    public void Ordinary_anchors_and_aliases_are_accepted()
    {
        var path = Write("anchors.yaml", """
            title: shared
            currency: BTC
            context: &ctx {seized: "2024", case: "op-x"}
            tags:
              - &first {address: 1AAA, label: first}
              - {address: 1BBB, label: second, context: *ctx}
            """);
        var lib = TagLibrary.Empty();
        var errors = new List<string>();

        lib.Import(path, isPublic: true, errors);

        Assert.Empty(errors);
        Assert.Equal(["1AAA", "1BBB"], lib.Tags.Select(t => t.Address));
        Assert.All(lib.Tags, t => Assert.Equal("seized=2024; case=op-x", t.Context));
        YamlBounds.Check(Bomb(5, "x: LAST\n"), "five levels"); // 9^5 = 59,049 scalars, about 240,000: under the bound
    }
}
