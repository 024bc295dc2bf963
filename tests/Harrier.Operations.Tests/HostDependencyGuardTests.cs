using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Only hosts parse command lines and draw on terminals: a project under src/ other than a host must not reference
/// System.CommandLine or Spectre.Console, directly (csproj), through packages (its lock file) or in its built
/// assembly's references. The use cases here are what every host calls; they stay free of any one host's UI.
/// </summary>
public sealed class HostDependencyGuardTests
{
    private static readonly string[] Hosts = ["Harrier.Cli", "Harrier.Web", "Harrier.Cluster"];
    private static readonly string[] HostOnly = ["System.CommandLine", "Spectre.Console"];

    public static TheoryData<string> NonHostProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(TestPaths.RepoRoot, "src")).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (!Hosts.Contains(name) && File.Exists(Path.Combine(dir, name + ".csproj")))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NonHostProjects))]
    public void A_non_host_project_does_not_reference_the_command_line_or_terminal_libraries(string project)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "src", project);
        var csproj = XDocument.Load(Path.Combine(dir, project + ".csproj"));
        var packages = csproj.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? string.Empty).ToList();
        Assert.DoesNotContain(packages, p => HostOnly.Contains(p, StringComparer.OrdinalIgnoreCase));
        var projects = csproj.Descendants("ProjectReference").Select(e => Path.GetFileNameWithoutExtension((string?)e.Attribute("Include") ?? string.Empty)).ToList();
        Assert.DoesNotContain(projects, p => Hosts.Contains(p, StringComparer.OrdinalIgnoreCase));

        var lockFile = Path.Combine(dir, "packages.lock.json");
        if (File.Exists(lockFile))
        {
            var text = File.ReadAllText(lockFile);
            Assert.All(HostOnly, h => Assert.DoesNotContain("\"" + h + "\"", text, StringComparison.OrdinalIgnoreCase));
        }

        // The built assembly, from this test's output (every engine is a dependency of Operations) or the project's own bin.
        var assembly = new[] { Path.Combine(AppContext.BaseDirectory, project + ".dll") }
            .Concat(Directory.Exists(Path.Combine(dir, "bin")) ? Directory.EnumerateFiles(Path.Combine(dir, "bin"), project + ".dll", SearchOption.AllDirectories) : [])
            .FirstOrDefault(File.Exists);
        Assert.True(assembly is not null, $"{project}.dll is neither in the test output nor under src/{project}/bin: build it first");
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        var references = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        Assert.DoesNotContain(references, r => HostOnly.Any(h => r.StartsWith(h, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void The_guard_sees_the_host_reference_it_forbids_elsewhere()
    {
        var csproj = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "src", "Harrier.Cli", "Harrier.Cli.csproj"));
        var packages = csproj.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include")).ToList();
        Assert.Contains("System.CommandLine", packages);
        Assert.Contains("Spectre.Console", packages);
        Assert.Contains("Harrier.Operations", ((IEnumerable<object[]>)NonHostProjects()).Select(row => (string)row[0]));
    }
}
