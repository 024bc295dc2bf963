namespace Harrier.Chain.Tracing;

/// <summary>Reads a deposit-address list: one address a line, optionally followed by a label (comma, tab or space); '#' comments.</summary>
public static class DepositList
{
    public static IReadOnlyList<DepositAddress> Read(string path)
    {
        var result = new List<DepositAddress>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cut = line.IndexOfAny([',', '\t', ' ', ';']);
            var address = (cut < 0 ? line : line[..cut]).Trim().Trim('"');
            var label = cut < 0 ? null : line[(cut + 1)..].Trim().Trim('"');
            if (address.Equals("address", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (seen.Add(address))
            {
                result.Add(new DepositAddress(address, string.IsNullOrEmpty(label) ? null : label));
            }
        }

        return result;
    }
}
