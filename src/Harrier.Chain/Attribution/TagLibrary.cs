using System.Security.Cryptography;
using System.Text.Json;

namespace Harrier.Chain.Attribution;

/// <summary>
/// The tags and actors imported into a case, kept as JSON under the case's <c>tags/</c> folder with the digest and
/// public/private kind of every pack they came from. Re-importing a pack file replaces what it gave before; each tag
/// carries its pack's digest, so a pack never removes another pack's tags (titles are not unique).
/// </summary>
public sealed class TagLibrary
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly List<ImportedPack> _packs;
    private readonly List<Tag> _tags;
    private readonly Dictionary<string, Actor> _actors;

    private TagLibrary(List<ImportedPack> packs, List<Tag> tags, List<Actor> actors)
    {
        _packs = packs;
        _tags = tags;
        _actors = new Dictionary<string, Actor>(StringComparer.Ordinal);
        foreach (var a in actors)
        {
            _actors[a.Id] = a;
        }
    }

    public IReadOnlyList<ImportedPack> Packs => _packs;

    public IReadOnlyList<Tag> Tags => _tags;

    public IReadOnlyDictionary<string, Actor> Actors => _actors;

    /// <summary>An empty library.</summary>
    public static TagLibrary Empty() => new([], [], []);

    /// <summary>Loads the library in <paramref name="directory"/> (empty when nothing was imported).</summary>
    public static TagLibrary Load(string directory)
    {
        var packs = Read<List<ImportedPack>>(directory, "packs.json") ?? [];
        var tags = Read<List<Tag>>(directory, "tags.json") ?? [];
        var actors = Read<List<Actor>>(directory, "actors.json") ?? [];
        if (tags.Any(t => t.PackSha256 is null))
        {
            // Saved before tags were keyed by their pack's digest: a pack import then removed every tag of its title,
            // so the tags of a title are those of the last pack imported with it.
            var last = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in packs.Where(p => p.Kind == "tags"))
            {
                last[p.Title] = p.Sha256;
            }

            tags = [.. tags.Select(t => t.PackSha256 is null && last.TryGetValue(t.Pack, out var sha) ? t with { PackSha256 = sha } : t)];
        }

        return new TagLibrary(packs, tags, actors);
    }

    private static T? Read<T>(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) : default;
    }

    /// <summary>Writes the library to <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Write(directory, "packs.json", _packs);
        Write(directory, "tags.json", _tags);
        Write(directory, "actors.json", _actors.Values.OrderBy(a => a.Id, StringComparer.Ordinal).ToList());
    }

    private static void Write<T>(string directory, string name, T value)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(value, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Imports a pack file or every <c>.yaml</c>/<c>.yml</c> under a folder. Returns the packs read; problems go to <paramref name="errors"/>.</summary>
    public IReadOnlyList<ImportedPack> Import(string path, bool isPublic, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        IEnumerable<string> files = File.Exists(path)
            ? [Path.GetFullPath(path)]
            : Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                : throw new FileNotFoundException($"no pack file or folder at {path}", path);
        var imported = new List<ImportedPack>();
        foreach (var file in files)
        {
            try
            {
                imported.Add(ImportFile(file, isPublic));
            }
            catch (InvalidDataException e)
            {
                errors.Add(e.Message);
            }
        }

        return imported;
    }

    /// <summary>
    /// Imports one pack file. A pack replaces only what it gave before: the pack imported from the same file, or with the
    /// same content from another file (the same pack copied), and that pack's tags by its digest, never another pack's
    /// tags that share its title.
    /// </summary>
    private ImportedPack ImportFile(string file, bool isPublic)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        var root = TagPackReader.LoadRoot(file);

        // Read the whole pack before removing anything: a pack that no longer reads leaves its earlier import in place.
        ImportedPack pack;
        List<Tag> newTags = [];
        List<Actor> newActors = [];
        if (TagPackReader.IsActorPack(root))
        {
            var (title, actors, skipped) = TagPackReader.ReadActors(file, root);
            newActors = actors;
            pack = new ImportedPack(file, sha, title, "actors", isPublic, actors.Count, skipped);
        }
        else
        {
            var (title, tags, skipped) = TagPackReader.ReadTags(file, root, isPublic);
            newTags = [.. tags.Select(t => t with { PackSha256 = sha })];
            pack = new ImportedPack(file, sha, title, "tags", isPublic, tags.Count, skipped);
        }

        foreach (var old in _packs.Where(p => p.File == file || p.Sha256 == sha).ToList())
        {
            _packs.Remove(old);
            if (old.Kind == "tags")
            {
                _tags.RemoveAll(t => t.PackSha256 == old.Sha256);
            }
        }

        _tags.AddRange(newTags);
        foreach (var a in newActors)
        {
            _actors[a.Id] = a;
        }

        _packs.Add(pack);
        return pack;
    }
}
