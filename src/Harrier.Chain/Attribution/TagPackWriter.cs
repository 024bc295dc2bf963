using YamlDotNet.RepresentationModel;

namespace Harrier.Chain.Attribution;

/// <summary>The header of a TagPack: its title, who made it, and the fields every tag inherits unless it sets its own.</summary>
public sealed record TagPackHeader(string Title)
{
    public string? Creator { get; init; }

    public string? Description { get; init; }

    public string? Currency { get; init; }

    public string? Label { get; init; }

    public string? Source { get; init; }

    public string? Category { get; init; }

    public string? Actor { get; init; }

    public string? Confidence { get; init; }

    public bool? IsClusterDefiner { get; init; }

    public string? LastMod { get; init; }
}

/// <summary>One tag as written in a TagPack: its address and only the fields it sets itself (the rest come from the header).</summary>
public sealed record TagPackTag(string Address)
{
    public string? Currency { get; init; }

    public string? Label { get; init; }

    public string? Source { get; init; }

    public string? Category { get; init; }

    public string? Actor { get; init; }

    public string? Confidence { get; init; }

    public bool? IsClusterDefiner { get; init; }

    public string? LastMod { get; init; }
}

/// <summary>The header of an ActorPack.</summary>
public sealed record ActorPackHeader(string Title)
{
    public string? Creator { get; init; }

    public string? Description { get; init; }

    public string? LastMod { get; init; }
}

/// <summary>
/// Writes GraphSense TagPacks and ActorPacks through YamlDotNet's representation model (quoting and escaping are
/// YamlDotNet's, never string concatenation), in the shape <see cref="TagPackReader"/> reads: header fields at the top,
/// then <c>tags:</c> (or <c>actors:</c>). Fields that are null are left out.
/// </summary>
public static class TagPackWriter
{
    /// <summary>Writes a TagPack.</summary>
    public static void WriteTagPack(TextWriter writer, TagPackHeader header, IEnumerable<TagPackTag> tags)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(tags);
        var root = new YamlMappingNode();
        Add(root, "title", header.Title);
        Add(root, "creator", header.Creator);
        Add(root, "description", header.Description);
        AddFields(root, header.Currency, header.Label, header.Source, header.Category, header.Actor, header.Confidence, header.IsClusterDefiner, header.LastMod);
        var list = new YamlSequenceNode();
        foreach (var t in tags)
        {
            var m = new YamlMappingNode();
            Add(m, "address", t.Address);
            AddFields(m, t.Currency, t.Label, t.Source, t.Category, t.Actor, t.Confidence, t.IsClusterDefiner, t.LastMod);
            list.Add(m);
        }

        root.Add("tags", list);
        Save(writer, root);
    }

    /// <summary>Writes an ActorPack (<c>id</c>, <c>label</c>, <c>jurisdictions</c>, <c>categories</c>, <c>uri</c>, <c>context.legal_name</c>).</summary>
    public static void WriteActorPack(TextWriter writer, ActorPackHeader header, IEnumerable<Actor> actors)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(actors);
        var root = new YamlMappingNode();
        Add(root, "title", header.Title);
        Add(root, "creator", header.Creator);
        Add(root, "description", header.Description);
        Add(root, "lastmod", header.LastMod);
        var list = new YamlSequenceNode();
        foreach (var a in actors)
        {
            var m = new YamlMappingNode();
            Add(m, "id", a.Id);
            Add(m, "label", a.Label);
            if (a.Jurisdictions.Count > 0)
            {
                m.Add("jurisdictions", new YamlSequenceNode(a.Jurisdictions.Select(j => new YamlScalarNode(j))));
            }

            if (a.Categories.Count > 0)
            {
                m.Add("categories", new YamlSequenceNode(a.Categories.Select(c => new YamlScalarNode(c))));
            }

            Add(m, "uri", a.Uri);
            if (a.LegalName is not null)
            {
                m.Add("context", new YamlMappingNode { { "legal_name", a.LegalName } });
            }

            list.Add(m);
        }

        root.Add("actors", list);
        Save(writer, root);
    }

    private static void AddFields(YamlMappingNode m, string? currency, string? label, string? source, string? category, string? actor,
        string? confidence, bool? isClusterDefiner, string? lastMod)
    {
        Add(m, "currency", currency);
        Add(m, "label", label);
        Add(m, "source", source);
        Add(m, "category", category);
        Add(m, "actor", actor);
        Add(m, "confidence", confidence);
        Add(m, "is_cluster_definer", isClusterDefiner is null ? null : isClusterDefiner.Value ? "true" : "false");
        Add(m, "lastmod", lastMod);
    }

    private static void Add(YamlMappingNode m, string key, string? value)
    {
        if (value is not null)
        {
            m.Add(key, new YamlScalarNode(value));
        }
    }

    private static void Save(TextWriter writer, YamlMappingNode root) =>
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
}
