using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsvHelper;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;
using Harrier.Cases.Keys;
using Harrier.Cases.Packages;
using Harrier.Cases.Persons;
using Harrier.Cases.Returns;
using Harrier.Cases.Targets;
using Harrier.Operations.Chain;
using Harrier.Operations.Persons;
using Harrier.Operations.Targets;

namespace Harrier.Operations.Packages;

/// <summary>
/// Builds one signed package folder per country (docs/packages.md): the persons of tier 1–3 placed there, with
/// package.json, package.html, package.pdf, the return rows that concern them, the case key's public half, and a
/// manifest of every file signed with the case key. Audited as <c>package.build</c> with each manifest's SHA-256, so
/// the case records exactly what left it. A country with no person gets no package; an existing package folder is
/// never overwritten.
/// </summary>
public sealed class BuildPackages(CaseStore store)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // Keys, digests and names as people read and copy them ('+' in base64 not escaped as \u002B); files, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<BuildPackagesResult> RunAsync(BuildPackagesRequest request, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var started = context.Time.GetTimestamp();
        var handling = (request.Handling ?? "H2").Trim().ToUpperInvariant();
        if (!PackageGrading.HandlingMeanings.TryGetValue(handling, out var meaning))
        {
            throw new OperationException($"--handling takes a Europol handling code H0, H1, H2 or H3, not '{request.Handling}'");
        }

        var only = ListTargets.CountryCode(request.Country);
        var persons = await new PersonsStore(store).LatestRunAsync(cancellationToken) ?? throw ListPersons.NoRun();
        var targetsStore = new TargetsStore(store);
        var ranking = await targetsStore.LatestRunAsync(cancellationToken) ?? throw ListTargets.NoRun();
        if (ranking.PersonsRunId != persons.RunId)
        {
            throw new OperationException($"the latest ranking is of persons run {ranking.PersonsRunId.ToString(CultureInfo.InvariantCulture)}, not of the latest persons run {persons.RunId.ToString(CultureInfo.InvariantCulture)}; run 'harrier targets rank' first");
        }

        var targets = await targetsStore.ListAsync(ranking, new TargetsFilter(MaxTier: 3), cancellationToken);
        // A package folder is named by its country: only an ISO 3166 alpha-2 code is one (anything else, "" or "../x"
        // from a return, is counted as unplaced and never becomes a path).
        var countries = targets.Where(t => IsCountry(t.Country)).Select(t => t.Country!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var unplaced = targets.Count(t => !IsCountry(t.Country));
        if (only is not null)
        {
            if (!countries.Contains(only))
            {
                throw new OperationException($"no person of tier 1-3 is placed in {only}: a package is never built for a country without a person");
            }

            countries = [only];
        }

        if (countries.Count == 0)
        {
            throw new OperationException("no person of tier 1-3 is placed in any country: there is no package to build");
        }

        var output = Path.GetFullPath(request.OutputDirectory);
        foreach (var c in countries)
        {
            var dir = Path.Combine(output, c);
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
            {
                throw new OperationException($"{dir} already holds a package; a package is never overwritten (choose another --out or move it away)");
            }
        }

        // The key and the signed head first: a missing key stops the build before anything is read.
        var key = store.Key;
        var head = await store.ReadSignedHeadAsync(cancellationToken);
        context.Progress?.Report(new OperationProgress("read", 0, countries.Count));
        var chosen = targets.Where(t => IsCountry(t.Country) && countries.Contains(t.Country!)).ToList();
        var numbers = chosen.Select(t => t.PersonNumber).ToHashSet();
        var sources = new PackageSources(store);
        var returns = new ReturnsStore(store);
        var claims = await ClaimsAsync(numbers, cancellationToken);
        var inputs = new PackageInputs(chosen,
            await sources.PersonsAsync(persons.RunId, numbers, cancellationToken),
            await sources.AccountsAsync(persons.RunId, persons.ImportId, numbers, cancellationToken),
            await sources.EvidenceAsync(persons.RunId, persons.ImportId, numbers, cancellationToken),
            await returns.KycAsync(cancellationToken), await returns.SubscribersAsync(cancellationToken),
            new ChainWorkspace(store).ReadTrace(), claims);
        var assembler = new PackageAssembler(inputs);

        var signedText = Encoding.UTF8.GetString(head.SignedText());
        var auditHead = new PackageAuditHead(head.Seq, head.Hash, head.SignedUtc, head.SignatureBase64, signedText);
        var signing = new PackageSigning("Ed25519", key.Fingerprint, key.PublicKeyBase64, auditHead);
        var now = context.Time.GetUtcNow();
        var builtUtc = Timestamps.Format(now);
        var built = new PackageBuilt(builtUtc, context.Actor, "harrier " + (typeof(BuildPackages).Assembly.GetName().Version?.ToString() ?? "?"), persons.RunId, ranking.RunId);
        var @case = new PackageCase(store.Manifest.CaseId, store.Manifest.Name);
        Directory.CreateDirectory(output);

        // Countries are independent: built side by side, one per core (each thread writes only its own folder).
        var results = new BuiltPackage[countries.Count];
        var done = 0;
        try
        {
            Parallel.For(0, countries.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
            {
                try
                {
                    results[i] = BuildOne(countries[i]);
                    context.Progress?.Report(new OperationProgress("build", Interlocked.Increment(ref done), countries.Count));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new OperationException($"the {countries[i]} package could not be written in {output}: {e.Message}", e);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OperationException))
        {
            // One message, the first country's; no package.build entry is written, and packages finished meanwhile
            // stay on disk without one (the audit log records only a complete build).
            throw e.InnerExceptions[0];
        }

        BuiltPackage BuildOne(string country)
        {
            var assembled = assembler.Assemble(country, @case, built, new PackageHandling(handling, meaning), signing);
            var dir = Path.Combine(output, country);
            var temp = Path.Combine(output, "." + country + ".partial");
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

            Directory.CreateDirectory(temp);
            var manifestSha = Write(temp, assembled, key, signing, store.Manifest.CaseId, builtUtc, now.UtcDateTime);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir);
            }

            Directory.Move(temp, dir);
            var p = assembled.Package;
            return new BuiltPackage(country, dir, p.Summary.Persons, p.Summary.Tier1, p.Summary.Tier2, p.Summary.Tier3, p.Summary.Identified, p.Summary.Claimed,
                Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Count() - 2, manifestSha);
        }

        var built_ = results.ToList();
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{built_.Count} package(s) of targets run {ranking.RunId} (persons run {persons.RunId}) into {output}, handling {handling}, key {key.Fingerprint}, audit head {head.Seq}: ") +
            string.Join("; ", built_.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Country} {b.Persons} persons manifest sha256 {b.ManifestSha256}")));
        await store.RecordAsync(context.Intent("package.build", request.Justification), description, cancellationToken);
        return new BuildPackagesResult(output, persons.RunId, ranking.RunId, key.Fingerprint, head.Seq, handling, built_, unplaced,
            context.Time.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>The deconfliction register's claims on the persons of the packages (matched against the latest persons run), graded as registered, with the claiming agency's handling code.</summary>
    private async Task<IReadOnlyDictionary<int, IReadOnlyList<Graded<PackageClaim>>>> ClaimsAsync(HashSet<int> numbers, CancellationToken cancellationToken)
    {
        var claims = await new DeconflictionStore(store).ClaimsByPersonAsync(cancellationToken);
        return claims.Where(c => numbers.Contains(c.Key)).ToDictionary(c => c.Key, c => (IReadOnlyList<Graded<PackageClaim>>)[.. c.Value.Select(x =>
            new Graded<PackageClaim>(new PackageClaim(x.ClaimId, x.ClaimReference, x.Agency, x.AgencyCountry, x.CaseReference, x.Status, x.MatchedBy, x.Conflicts),
                PackageGrading.Claim, x.HandlingCode))]);
    }

    private static string Write(string dir, AssembledPackage assembled, CaseKey key, PackageSigning signing, string caseId, string builtUtc, DateTime created)
    {
        var p = assembled.Package;
        using (var json = File.Create(Path.Combine(dir, PackageFiles.Json)))
        {
            JsonSerializer.Serialize(json, p, Json);
        }

        var blocks = PackageDocument.Build(p);
        var title = PackageDocument.Title(p);
        File.WriteAllText(Path.Combine(dir, PackageFiles.Html), PackageHtml.Render(title, blocks), new UTF8Encoding(false));
        File.WriteAllBytes(Path.Combine(dir, PackageFiles.Pdf), PackagePdf.Render(title, blocks, created,
            $"{p.Country} | {p.Handling.Code} | key {key.Fingerprint}"));
        File.WriteAllText(Path.Combine(dir, PackageFiles.PublicKeyPem), key.ExportPublicKeyPem(), new UTF8Encoding(false));
        if (assembled.Kyc.Count > 0)
        {
            WriteCsv(Path.Combine(dir, PackageFiles.KycExtract),
                ["returns_import", "file", "line", "exchange", "customer_id", "withdrawal_txid", "withdrawal_vout", "withdrawal_address", "full_name", "given_name", "surname",
                    "date_of_birth", "street", "town", "postcode", "country", "id_type", "id_number", "registration_ip", "registered_utc", "request_actor"],
                assembled.Kyc.Select(k => new[] { I(k.ImportId), k.FileName, I(k.Line), k.Exchange, k.CustomerId, k.WithdrawalTxid, I(k.WithdrawalVout), k.WithdrawalAddress,
                    k.FullName, k.GivenName, k.Surname, k.DateOfBirth, k.Street, k.Town, k.Postcode, k.Country, k.IdType, k.IdNumber, k.RegistrationIp, k.RegisteredUtc,
                    k.RequestActor }));
        }

        if (assembled.Subscribers.Count > 0)
        {
            WriteCsv(Path.Combine(dir, PackageFiles.SubscriberExtract),
                ["returns_import", "file", "line", "isp", "ip", "lease_from_utc", "lease_to_utc", "customer_ref", "subscriber_name", "given_name", "surname", "date_of_birth",
                    "street", "town", "postcode", "country", "service", "subscriber_since_utc"],
                assembled.Subscribers.Select(s => new[] { I(s.ImportId), s.FileName, I(s.Line), s.Isp, s.Ip, s.LeaseFromUtc, s.LeaseToUtc, s.CustomerRef, s.SubscriberName,
                    s.GivenName, s.Surname, s.DateOfBirth, s.Street, s.Town, s.Postcode, s.Country, s.Service, s.SubscriberSinceUtc }));
        }

        return PackageManifest.WriteAndSign(dir, p.Country, caseId, builtUtc, key, signing.AuditHead);
    }

    private static void WriteCsv(string path, string[] header, IEnumerable<string?[]> rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var csv = CsvWriter.ToFile(path, new CsvWriterOptions { NewLine = "\n" });
        csv.WriteRecord(header);
        foreach (var row in rows)
        {
            csv.WriteRecord(row.Select(f => f ?? "").ToArray());
        }
    }

    private static bool IsCountry(string? code) => code is { Length: 2 } && code.All(char.IsAsciiLetterUpper);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Which country (default: every country with a person of tier 1–3), into which folder (one sub-folder per country), the package's handling code (default H2), and why.</summary>
public sealed record BuildPackagesRequest(string OutputDirectory, string? Country = null, string? Handling = null, string? Justification = null);

/// <summary>One package built: its folder, persons by tier, the files its manifest lists (all but manifest.json and manifest.sig), and its manifest's SHA-256 (recorded in the audit entry).</summary>
public sealed record BuiltPackage(string Country, string Directory, int Persons, int Tier1, int Tier2, int Tier3, int Identified, int Claimed, int Files, string ManifestSha256);

/// <summary>The packages built, the runs and key they come from, and how many tier 1–3 persons have no country, or no ISO 3166 alpha-2 code for one (in no package).</summary>
public sealed record BuildPackagesResult(string OutputDirectory, long PersonsRun, long TargetsRun, string KeyFingerprint, long AuditHeadSeq, string Handling,
    IReadOnlyList<BuiltPackage> Packages, int Unplaced, double ElapsedSeconds);
