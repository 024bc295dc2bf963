using System.Globalization;

namespace Harrier.Testing;

/// <summary>
/// What the kernel says of this process's memory mappings (<c>/proc/self/smaps</c>): the tests that check the advice a
/// mapping was given (<c>madvise</c>) read its <c>VmFlags</c> (e.g. <c>rr</c> for random reads). Linux only.
/// </summary>
internal static class Mappings
{
    /// <summary>The VmFlags of the mapping that holds <paramref name="address"/>.</summary>
    public static string[] FlagsAt(ulong address) =>
        Flags(m => address >= m.Start && address < m.End) ?? throw new InvalidOperationException($"no mapping holds 0x{address:x}");

    /// <summary>The VmFlags of this process's mapping of the file <paramref name="path"/>.</summary>
    public static string[] FlagsOf(string path) =>
        Flags(m => m.Path == path) ?? throw new InvalidOperationException($"{path} is not mapped");

    private static string[]? Flags(Func<(ulong Start, ulong End, string Path), bool> wanted)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            // A mapping's first line: "start-end perms offset dev inode [path]"; then "Key: value" lines, VmFlags last.
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var range = fields[0].Split('-');
            if (range.Length == 2
                && ulong.TryParse(range[0], NumberStyles.HexNumber, null, out var start)
                && ulong.TryParse(range[1], NumberStyles.HexNumber, null, out var end))
            {
                inside = wanted((start, end, fields.Length == 6 ? fields[5].Trim() : ""));
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
            {
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        return null;
    }
}
