using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Harrier.Chain.Attribution;

/// <summary>
/// Reads GraphSense TagPacks (a header whose fields the <c>tags:</c> entries inherit and may override) and ActorPacks
/// (<c>actors:</c>, with <c>jurisdictions</c> and <c>context.legal_name</c>).
/// </summary>
public static class TagPackReader
{
    private static readonly string[] InheritedFields =
        ["currency", "label", "source", "category", "actor", "confidence", "is_cluster_definer", "lastmod", "abuse", "context"];

    /// <summary>
    /// Parses a YAML file into its root mapping, after <see cref="YamlBounds.Check"/>: a file nested too deep or whose
    /// aliases expand too far (an alias bomb) is refused before any node is built.
    /// </summary>
    public static YamlMappingNode LoadRoot(string path)
    {
        var yaml = new YamlStream();
        try
        {
            var text = File.ReadAllText(path);
            YamlBounds.Check(text, path);
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}: not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner, parser and loader throw these, not YamlException, for some malformed text (a stray
            // character in a plain scalar, a tag that is not a URI, an event the loader does not expect; found by fuzzing).
            throw new InvalidDataException($"{path}: not valid YAML: {e.Message}", e);
        }

        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path}: not a TagPack or ActorPack (no top-level mapping)");
        }

        return root;
    }

    /// <summary>True for an ActorPack (<c>actors:</c>), false for a TagPack (<c>tags:</c>).</summary>
    public static bool IsActorPack(YamlMappingNode root) => root.Children.ContainsKey(new YamlScalarNode("actors"));

    /// <summary>The tags of one pack, header fields inherited.</summary>
    public static (string Title, List<Tag> Tags, int Skipped) ReadTags(string path, YamlMappingNode root, bool isPublic)
    {
        var title = Scalar(root, "title") ?? Path.GetFileNameWithoutExtension(path);
        if (!root.Children.TryGetValue(new YamlScalarNode("tags"), out var tagsNode) || tagsNode is not YamlSequenceNode seq)
        {
            throw new InvalidDataException($"{path}: no tags: list");
        }

        var header = new Dictionary<string, string?>();
        foreach (var f in InheritedFields)
        {
            header[f] = Text(root, f);
        }

        var tags = new List<Tag>();
        var skipped = 0;
        foreach (var node in seq)
        {
            if (node is not YamlMappingNode m || Scalar(m, "address") is not { Length: > 0 } address)
            {
                skipped++;
                continue;
            }

            string? Field(string name) => m.Children.ContainsKey(new YamlScalarNode(name)) ? Text(m, name) : header[name];
            tags.Add(new Tag
            {
                Address = address.Trim(),
                Currency = Field("currency")?.ToUpperInvariant(),
                Label = Field("label"),
                Source = Field("source"),
                Category = Field("category"),
                Actor = Field("actor"),
                Confidence = Field("confidence"),
                IsClusterDefiner = string.Equals(Field("is_cluster_definer"), "true", StringComparison.OrdinalIgnoreCase),
                LastMod = Field("lastmod"),
                Abuse = Field("abuse"),
                Context = Field("context"),
                Pack = title,
                IsPublic = isPublic,
            });
        }

        return (title, tags, skipped);
    }

    /// <summary>The actors of an ActorPack.</summary>
    public static (string Title, List<Actor> Actors, int Skipped) ReadActors(string path, YamlMappingNode root)
    {
        var title = Scalar(root, "title") ?? Path.GetFileNameWithoutExtension(path);
        if (!root.Children.TryGetValue(new YamlScalarNode("actors"), out var node) || node is not YamlSequenceNode seq)
        {
            throw new InvalidDataException($"{path}: no actors: list");
        }

        var actors = new List<Actor>();
        var skipped = 0;
        foreach (var n in seq)
        {
            if (n is not YamlMappingNode m || Scalar(m, "id") is not { Length: > 0 } id)
            {
                skipped++;
                continue;
            }

            string? legal = null;
            if (m.Children.TryGetValue(new YamlScalarNode("context"), out var ctx) && ctx is YamlMappingNode cm)
            {
                legal = Scalar(cm, "legal_name");
            }

            actors.Add(new Actor
            {
                Id = id,
                Label = Scalar(m, "label"),
                Categories = List(m, "categories"),
                Jurisdictions = List(m, "jurisdictions").Select(j => j.ToUpperInvariant()).ToList(),
                LegalName = legal,
                Uri = Scalar(m, "uri"),
            });
        }

        return (title, actors, skipped);
    }

    private static string? Scalar(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    /// <summary>A field as text: scalars as they are, sequences joined with "; ", mappings as key=value pairs.</summary>
    private static string? Text(YamlMappingNode m, string key)
    {
        if (!m.Children.TryGetValue(new YamlScalarNode(key), out var v))
        {
            return null;
        }

        return v switch
        {
            YamlScalarNode s => s.Value,
            YamlSequenceNode q => string.Join("; ", q.Children.OfType<YamlScalarNode>().Select(x => x.Value)),
            YamlMappingNode mm => string.Join("; ", mm.Children.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value}"))),
            _ => null,
        };
    }

    private static List<string> List(YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlSequenceNode q
            ? q.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").Where(x => x.Length > 0).ToList()
            : [];
}
