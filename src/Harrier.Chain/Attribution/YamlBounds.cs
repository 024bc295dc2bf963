using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Harrier.Chain.Attribution;

/// <summary>
/// Limits on a YAML document checked on the parser's event stream before anything is built from it: nesting depth and
/// the nodes that aliases bring in. A YAML "billion laughs" (anchors of anchors, each aliased many times) is a few
/// hundred bytes that expand to billions of nodes the moment anything walks it; a deeply nested flow sequence overflows
/// the stack of every recursive reader. Both are refused here, where the document is still a stream of events, in
/// memory proportional to the number of anchors and the depth. Used by the tag and actor pack reader and the platform mapping.
/// </summary>
public static class YamlBounds
{
    /// <summary>The deepest nesting accepted, counted through aliases (an alias is as deep as what it names).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most that aliases may bring in, all aliases of a file together: each counts its whole subtree as one per node
    /// plus the characters of its scalars (about the text it would expand to). 10,000,000: roughly 10 MB of text.
    /// </summary>
    public const long MaxAliasExpansion = 10_000_000;

    /// <summary>
    /// Reads all of <paramref name="text"/> as YAML events and throws <see cref="InvalidDataException"/> naming
    /// <paramref name="name"/> and the line when it nests deeper than <see cref="MaxDepth"/> or its aliases expand to
    /// more than <see cref="MaxAliasExpansion"/>. Text that is not valid YAML throws the parser's
    /// <see cref="YamlException"/>, for the caller to report as it reports any syntax error.
    /// </summary>
    public static void Check(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(new StringReader(text));
        // Per anchor: its size (nodes and scalar characters, itself included) and how deep it goes below itself.
        var anchors = new Dictionary<string, (long Size, int Depth)>(StringComparer.Ordinal);
        var open = new Stack<Frame>();
        long aliased = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case NodeEvent { } e when e is SequenceStart or MappingStart:
                    if (open.Count + 1 > MaxDepth)
                    {
                        throw Refused(name, e, string.Create(CultureInfo.InvariantCulture, $"YAML nested deeper than {MaxDepth} levels"));
                    }

                    open.Push(new Frame(e.Anchor.IsEmpty ? null : e.Anchor.Value));
                    break;
                case SequenceEnd or MappingEnd:
                    var done = open.Pop();
                    Add(open, anchors, done.Anchor, done.Size, done.Below + 1);
                    break;
                case Scalar s:
                    Add(open, anchors, s.Anchor.IsEmpty ? null : s.Anchor.Value, 1 + s.Value.Length, 0);
                    break;
                case AnchorAlias a:
                    // An unknown alias is the parser's or loader's error to report; it brings in nothing here.
                    var (size, depth) = anchors.GetValueOrDefault(a.Value.Value, (1, 0));
                    aliased += size;
                    if (aliased > MaxAliasExpansion)
                    {
                        throw Refused(name, a, string.Create(CultureInfo.InvariantCulture,
                            $"YAML aliases expand to more than {MaxAliasExpansion:N0} nodes and characters (an alias bomb)"));
                    }

                    if (open.Count + depth > MaxDepth)
                    {
                        throw Refused(name, a, string.Create(CultureInfo.InvariantCulture,
                            $"YAML nested deeper than {MaxDepth} levels through the alias *{a.Value.Value}"));
                    }

                    Add(open, anchors, null, size, depth);
                    break;
            }
        }
    }

    /// <summary>Counts a finished node (scalar, collection or alias) into its parent, and records it under its anchor.</summary>
    private static void Add(Stack<Frame> open, Dictionary<string, (long Size, int Depth)> anchors, string? anchor, long size, int depth)
    {
        if (anchor is not null)
        {
            anchors[anchor] = (size, depth);
        }

        if (open.TryPeek(out var parent))
        {
            parent.Size += size;
            parent.Below = Math.Max(parent.Below, depth);
        }
    }

    private static InvalidDataException Refused(string name, ParsingEvent e, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{name}: refused at line {e.Start.Line}: {what}"));

    /// <summary>A collection being read: its anchor, its size so far (itself included) and its depth below itself.</summary>
    private sealed class Frame(string? anchor)
    {
        public string? Anchor { get; } = anchor;

        public long Size { get; set; } = 1;

        public int Below { get; set; }
    }
}
