using System.Security.Cryptography;
using System.Text;
using Harrier.Chain.Attribution;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Harrier.Operations.Platform;

/// <summary>
/// The platform mapping file (YAML, docs/platform.md): reader and writer side by side. The writer's text is canonical
/// (fields in the order of <see cref="PlatformEntity.All"/>), and the mapping's digest is the SHA-256 of that text, so
/// two files that say the same thing have the same digest.
/// </summary>
public static class PlatformMappingFormat
{
    private const string Header = "# Harrier platform mapping (docs/platform.md): source tables and columns → platform entities.\n";

    private static readonly string[] FileFields = ["path", "sha256", "md5"];

    private static readonly IDeserializer Reader = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private static readonly ISerializer Writer = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .Build();

    /// <summary>Reads and checks a mapping file; a file that is not a valid mapping is refused with every problem named.</summary>
    public static PlatformMapping Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new OperationException($"no such mapping file: {path}");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and checks mapping text (<paramref name="name"/> names it in messages).</summary>
    public static PlatformMapping Parse(string text, string name = "mapping")
    {
        PlatformMapping? mapping;
        try
        {
            YamlBounds.Check(text, name);
            mapping = Reader.Deserialize<PlatformMapping>(text);
        }
        catch (YamlException e)
        {
            throw new OperationException($"{name}: not a platform mapping: {e.Message}{(e.InnerException is { } inner ? ": " + inner.Message : string.Empty)}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner and parser throw these, not YamlException, for some malformed text (a stray character
            // in a plain scalar, a tag that is not a URI; found by fuzzing).
            throw new OperationException($"{name}: not a platform mapping: not valid YAML: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new OperationException(e.Message, e);
        }

        if (mapping is null)
        {
            throw new OperationException($"{name}: empty mapping");
        }

        // An empty "columns:" (or key:, constants:, admin_roles:) deserialises as null whatever the type says: it is
        // an empty collection, so that Check names what is missing instead of failing on it (found by fuzzing).
        foreach (var entity in PlatformEntity.All)
        {
            if (entity.Get(mapping) is { } t)
            {
                t.Key ??= [];
                t.Columns ??= [];
                t.Constants ??= [];
                t.AdminRoles ??= [];
            }
        }

        var problems = Check(mapping);
        return problems.Count == 0 ? mapping : throw new OperationException($"{name}: {string.Join("; ", problems)}");
    }

    /// <summary>The canonical text of <paramref name="mapping"/>.</summary>
    public static string Write(PlatformMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var canonical = new PlatformMapping { Version = mapping.Version, TimeFormat = mapping.TimeFormat };
        foreach (var entity in PlatformEntity.All)
        {
            if (entity.Get(mapping) is not { } t)
            {
                continue;
            }

            var copy = new PlatformTableMapping { Table = t.Table, Key = [.. t.Key], TimeFormat = t.TimeFormat, AdminRoles = [.. t.AdminRoles] };
            foreach (var f in entity.Fields)
            {
                if (t.Columns.TryGetValue(f.Name, out var c))
                {
                    copy.Columns[f.Name] = c;
                }

                if (t.Constants.TryGetValue(f.Name, out var v))
                {
                    copy.Constants[f.Name] = v;
                }
            }

            Set(canonical, entity.Name, copy);
        }

        return Header + Writer.Serialize(canonical).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical text.</summary>
    public static string Sha256(PlatformMapping mapping) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Write(mapping))));

    /// <summary>What is wrong with the mapping itself, before any source is looked at (empty when nothing is).</summary>
    public static IReadOnlyList<string> Check(PlatformMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var problems = new List<string>();
        if (mapping.Version != 1)
        {
            problems.Add($"version {mapping.Version} is not known (1 is)");
        }

        var any = false;
        foreach (var entity in PlatformEntity.All)
        {
            if (entity.Get(mapping) is not { } t)
            {
                continue;
            }

            any = true;
            if (string.IsNullOrWhiteSpace(t.Table))
            {
                problems.Add($"{entity.Name}: no table");
            }

            var known = entity.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in t.Columns.Keys.Concat(t.Constants.Keys).Where(n => !known.Contains(n)).Distinct(StringComparer.Ordinal))
            {
                problems.Add($"{entity.Name}: unknown field '{name}' (fields: {string.Join(", ", known)})");
            }

            foreach (var name in t.Columns.Keys.Where(t.Constants.ContainsKey))
            {
                problems.Add($"{entity.Name}.{name}: both a column and a constant");
            }

            foreach (var (name, column) in t.Columns)
            {
                if (string.IsNullOrWhiteSpace(column))
                {
                    problems.Add($"{entity.Name}.{name}: empty column name");
                }
            }

            foreach (var f in entity.Fields.Where(f => f.Required && !t.Columns.ContainsKey(f.Name) && !t.Constants.ContainsKey(f.Name)))
            {
                problems.Add($"{entity.Name}.{f.Name}: required, but mapped to no column");
            }

            if (entity.Name == "upload_files" && !FileFields.Any(t.Columns.ContainsKey))
            {
                problems.Add("upload_files: maps none of path, sha256, md5 (a file must be findable)");
            }

            if (t.AdminRoles.Count > 0 && entity.Name != "accounts")
            {
                problems.Add($"{entity.Name}: admin_roles is for accounts only");
            }

            foreach (var format in new[] { t.TimeFormat }.Where(f => f is not null && !PlatformValues.IsTimeFormat(f)))
            {
                problems.Add($"{entity.Name}: time_format '{format}' is not a .NET date format, 'auto', 'unix' or 'unix_ms'");
            }
        }

        if (mapping.TimeFormat is { } top && !PlatformValues.IsTimeFormat(top))
        {
            problems.Add($"time_format '{top}' is not a .NET date format, 'auto', 'unix' or 'unix_ms'");
        }

        if (!any)
        {
            problems.Add("maps no entity (accounts, logins, uploads, upload_files, categorisations, ledger, payments, messages)");
        }

        return problems;
    }

    private static void Set(PlatformMapping m, string entity, PlatformTableMapping t)
    {
        switch (entity)
        {
            case "accounts": m.Accounts = t; break;
            case "logins": m.Logins = t; break;
            case "uploads": m.Uploads = t; break;
            case "upload_files": m.UploadFiles = t; break;
            case "categorisations": m.Categorisations = t; break;
            case "ledger": m.Ledger = t; break;
            case "payments": m.Payments = t; break;
            case "messages": m.Messages = t; break;
            default: throw new ArgumentOutOfRangeException(nameof(entity), entity, null);
        }
    }
}
