namespace Harrier.Chain.Attribution;

/// <summary>
/// One attribution tag (GraphSense TagPack schema): header fields already inherited. <see cref="IsPublic"/> is false
/// for the case's private packs (seized deposit addresses, user ids), which never leave the case.
/// </summary>
public sealed record Tag
{
    public required string Address { get; init; }

    public string? Currency { get; init; }

    public string? Label { get; init; }

    public string? Source { get; init; }

    public string? Category { get; init; }

    public string? Actor { get; init; }

    public string? Confidence { get; init; }

    public bool IsClusterDefiner { get; init; }

    public string? LastMod { get; init; }

    public string? Abuse { get; init; }

    public string? Context { get; init; }

    /// <summary>The pack's title (or file name): what is shown. Two packs may share it.</summary>
    public required string Pack { get; init; }

    /// <summary>
    /// The SHA-256 of the pack file the tag came from: the key by which a re-import replaces a pack's tags (never the
    /// title, which two packs may share). Null in a library saved before packs were keyed, until it is loaded.
    /// </summary>
    public string? PackSha256 { get; init; }

    public bool IsPublic { get; init; } = true;

    /// <summary>Who the tag names: the actor id, else the label.</summary>
    public string Who => Actor ?? Label ?? Address;
}

/// <summary>One actor (GraphSense ActorPack): jurisdictions are ISO country codes.</summary>
public sealed record Actor
{
    public required string Id { get; init; }

    public string? Label { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Jurisdictions { get; init; } = [];

    public string? LegalName { get; init; }

    public string? Uri { get; init; }
}

/// <summary>A pack as imported: file, digest, title, public or private, counts.</summary>
public sealed record ImportedPack(string File, string Sha256, string Title, string Kind, bool IsPublic, int Entries, int Skipped);
