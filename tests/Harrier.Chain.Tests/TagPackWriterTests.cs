using Harrier.Chain.Attribution;
using Harrier.Testing;

namespace Harrier.Chain.Tests;

/// <summary>TagPacks and ActorPacks written by <see cref="TagPackWriter"/> read back with <see cref="TagPackReader"/>, and match their snapshots.</summary>
public sealed class TagPackWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harrier-tagpacks-").FullName;

    private string Write(string name, Action<TextWriter> write)
    {
        var path = Path.Combine(_dir, name);
        using (var w = new StreamWriter(path))
        {
            write(w);
        }

        return path;
    }

    [Fact]
    public void A_tag_pack_round_trips_with_inherited_fields_and_awkward_text()
    {
        var header = new TagPackHeader("Exchange X: hot wallets")
        {
            Creator = "Harrier tests",
            Description = "Quotes \"like this\", a # that is no comment,\nand a second line.",
            Confidence = "service_data",
            IsClusterDefiner = true,
            Category = "exchange",
            Label = "Exchange X",
            LastMod = "2025-03-01",
            Source = "https://x.invalid/proof-of-reserves",
            Actor = "exchange-x",
        };
        TagPackTag[] tags =
        [
            new("bcrt1qexampleaddress0000000000000000000000") { Currency = "BTC" },
            new("bcrt1qexampleaddress1111111111111111111111") { Currency = "btc", Label = "X: cold wallet 'B'", IsClusterDefiner = false },
        ];
        var path = Write("x.yaml", w => TagPackWriter.WriteTagPack(w, header, tags));

        var root = TagPackReader.LoadRoot(path);
        Assert.False(TagPackReader.IsActorPack(root));
        var (title, read, skipped) = TagPackReader.ReadTags(path, root, isPublic: true);
        Assert.Equal(header.Title, title);
        Assert.Equal(0, skipped);
        Assert.Equal(2, read.Count);
        Assert.All(read, t => Assert.Equal(("BTC", "exchange-x", "service_data", "https://x.invalid/proof-of-reserves", "2025-03-01", "exchange"),
            (t.Currency, t.Actor, t.Confidence, t.Source, t.LastMod, t.Category)));
        Assert.Equal(("Exchange X", true), (read[0].Label, read[0].IsClusterDefiner));
        Assert.Equal(("X: cold wallet 'B'", false), (read[1].Label, read[1].IsClusterDefiner));
        Snapshot.MatchFile("tagpack.yaml", path);
    }

    [Fact]
    public void An_actor_pack_round_trips()
    {
        Actor[] actors =
        [
            new() { Id = "exchange-x", Label = "Exchange X", Jurisdictions = ["DE"], Categories = ["exchange"], Uri = "exchange-x.invalid", LegalName = "X Trading GmbH & Co. \"KG\"" },
            new() { Id = "mixer-y", Label = "Mixer: Y" },
        ];
        var path = Write("actors.yaml", w => TagPackWriter.WriteActorPack(w, new ActorPackHeader("Test actors") { Creator = "Harrier tests", LastMod = "2025-03-01" }, actors));

        var root = TagPackReader.LoadRoot(path);
        Assert.True(TagPackReader.IsActorPack(root));
        var (title, read, skipped) = TagPackReader.ReadActors(path, root);
        Assert.Equal("Test actors", title);
        Assert.Equal(0, skipped);
        Assert.Equal(actors.Select(a => (a.Id, a.Label, string.Join(',', a.Jurisdictions), string.Join(',', a.Categories), a.Uri, a.LegalName)),
            read.Select(a => (a.Id, a.Label, string.Join(',', a.Jurisdictions), string.Join(',', a.Categories), a.Uri, a.LegalName)));
        Snapshot.MatchFile("actorpack.yaml", path);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
