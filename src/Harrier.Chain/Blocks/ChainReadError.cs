using System.Globalization;

namespace Harrier.Chain.Blocks;

/// <summary>A problem found while reading block data: the file, the byte offset, and what was wrong there.</summary>
public sealed record ChainReadError(string File, long Offset, string Message)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File} at offset {Offset}: {Message}");
}
