using System.Globalization;
using System.IO.Compression;
using Harrier.Cases;
using Harrier.Operations;
using Harrier.Operations.Packages;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Harrier.Web.Pages.Packages;

/// <summary>
/// The country packages: list, build (coordinators; a new folder per build), verify against the case key, download as
/// a zip. A reader sees and downloads only its own country's package. Every download is audited (web.package.download).
/// </summary>
public sealed class IndexModel(CaseStore store, WorkbenchOptions options) : WorkbenchPage
{
    public IReadOnlyList<PackageFolder> Packages { get; private set; } = [];

    public VerifyPackageResult? Verified { get; private set; }

    public BuildPackagesResult? Built { get; private set; }

    public string? Error { get; private set; }

    public string Root => PackageFolders.Root(options, store);

    public void OnGet() => Load();

    /// <summary>Builds every country's package into a new folder (BuildPackages audits it as packages.build).</summary>
    public async Task<IActionResult> OnPostBuildAsync(string? handling, CancellationToken cancellationToken)
    {
        if (!User.IsInRole(WorkbenchRoles.Coordinator))
        {
            return Forbid();
        }

        var output = Path.Combine(Root, PackageFolders.NewBuildName(store.Time.GetUtcNow()));
        try
        {
            Built = await new BuildPackages(store).RunAsync(new BuildPackagesRequest(output, null, string.IsNullOrWhiteSpace(handling) ? null : handling), Operation(),
                cancellationToken);
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }

        Load();
        return Page();
    }

    /// <summary>Verifies one package against the case's key (manifest signature, audit head, every file).</summary>
    public IActionResult OnPostVerify(string build, string country)
    {
        var folder = PackageFolders.Find(Root, build, country);
        if (folder is null)
        {
            return NotFound();
        }

        if (!User.MaySee(folder.Country))
        {
            return Forbid();
        }

        try
        {
            Verified = VerifyPackage.Run(new VerifyPackageRequest(folder.Directory, store.Manifest.Key?.Fingerprint ?? "(the case has no key)"));
        }
        catch (OperationException e)
        {
            Error = e.Message;
        }

        Load();
        return Page();
    }

    /// <summary>The package as one zip, streamed; audited before the first byte leaves.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(string build, string country, CancellationToken cancellationToken)
    {
        var folder = PackageFolders.Find(Root, build, country);
        if (folder is null)
        {
            return NotFound();
        }

        if (!User.MaySee(folder.Country))
        {
            await Audit.RecordAsync(User, "web.denied", $"package {build}/{country}: not the reader's country {User.ReaderCountry()}", cancellationToken);
            return Forbid();
        }

        await Audit.RecordAsync(User, "web.package.download", string.Create(CultureInfo.InvariantCulture,
            $"package {build}/{country}: {folder.Files} files, {folder.Bytes} bytes"), cancellationToken);
        var name = $"harrier-package-{country}-{(build == "-" ? "case" : build)}.zip";
        Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
        Response.ContentType = "application/zip";
        await using (var zip = new ZipArchive(Response.BodyWriter.AsStream(), ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.GetFiles(folder.Directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(Path.Combine(country, Path.GetRelativePath(folder.Directory, file)).Replace('\\', '/'), CompressionLevel.Fastest);
                await using var target = await entry.OpenAsync(cancellationToken);
                await using var source = System.IO.File.OpenRead(file);
                await source.CopyToAsync(target, cancellationToken);
            }
        }

        return new EmptyResult();
    }

    private void Load() => Packages = [.. PackageFolders.List(Root).Where(p => User.MaySee(p.Country))];
}
