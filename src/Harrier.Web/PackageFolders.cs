using System.Globalization;
using System.Text.RegularExpressions;
using Harrier.Cases;

namespace Harrier.Web;

/// <summary>A country package folder found under the packages root: the build it belongs to ("-" for the root itself) and its country.</summary>
public sealed record PackageFolder(string Build, string Country, string Directory, int Files, long Bytes, DateTime WrittenUtc);

/// <summary>
/// The country packages the workbench lists, downloads and verifies: folders named by an ISO code, holding package.json
/// and manifest.json, directly under the packages root or one build folder down (a build from the workbench makes a
/// folder named by its UTC time). A URL names a package only by build and country, both checked against fixed patterns
/// and resolved under the root: no path from a request reaches the file system.
/// </summary>
public static partial class PackageFolders
{
    /// <summary>The packages root of the workbench: <see cref="WorkbenchOptions.PackagesDir"/>, else CASE/packages.</summary>
    public static string Root(WorkbenchOptions options, CaseStore store) =>
        Path.GetFullPath(options.PackagesDir ?? Path.Combine(store.CaseDir, "packages"));

    /// <summary>Every package folder under <paramref name="root"/>, newest build first, then by country.</summary>
    public static IReadOnlyList<PackageFolder> List(string root)
    {
        var found = new List<PackageFolder>();
        if (!System.IO.Directory.Exists(root))
        {
            return found;
        }

        void Add(string build, string dir)
        {
            var country = Path.GetFileName(dir);
            if (CountryPattern().IsMatch(country) && File.Exists(Path.Combine(dir, "package.json")) && File.Exists(Path.Combine(dir, "manifest.json")))
            {
                var files = new DirectoryInfo(dir).GetFiles("*", SearchOption.AllDirectories);
                found.Add(new PackageFolder(build, country, dir, files.Length, files.Sum(f => f.Length), System.IO.Directory.GetLastWriteTimeUtc(dir)));
            }
        }

        foreach (var dir in System.IO.Directory.GetDirectories(root))
        {
            if (BuildPattern().IsMatch(Path.GetFileName(dir)))
            {
                foreach (var inner in System.IO.Directory.GetDirectories(dir))
                {
                    Add(Path.GetFileName(dir), inner);
                }
            }
            else
            {
                Add("-", dir);
            }
        }

        return [.. found.OrderByDescending(p => p.Build, StringComparer.Ordinal).ThenBy(p => p.Country, StringComparer.Ordinal)];
    }

    /// <summary>The folder of (<paramref name="build"/>, <paramref name="country"/>), or null when either is malformed or there is no such package.</summary>
    public static PackageFolder? Find(string root, string build, string country) =>
        (build == "-" || BuildPattern().IsMatch(build)) && CountryPattern().IsMatch(country)
            ? List(root).FirstOrDefault(p => p.Build == build && p.Country == country)
            : null;

    /// <summary>A new build folder's name: the UTC time to the second.</summary>
    public static string NewBuildName(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryPattern();

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z$")]
    private static partial Regex BuildPattern();
}
