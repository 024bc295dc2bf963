using System.Globalization;
using Harrier.Analysis.Persons;
using Harrier.Cases.Packages;
using Harrier.Cases.Returns;
using Harrier.Cases.Targets;
using Harrier.Chain.Tracing;
using Harrier.Matching.Triage;

namespace Harrier.Operations.Packages;

/// <summary>Everything the case holds that a package draws on, read once for all countries.</summary>
internal sealed record PackageInputs(
    IReadOnlyList<TargetRow> Targets,
    IReadOnlyDictionary<int, ResolvedPerson> Persons,
    IReadOnlyDictionary<int, IReadOnlyList<PackageAccount>> Accounts,
    IReadOnlyDictionary<int, IReadOnlyList<PackageEvidence>> Evidence,
    IReadOnlyList<ReturnedKyc> Kyc,
    IReadOnlyList<ReturnedSubscriber> Subscribers,
    TraceReport? Trace,
    IReadOnlyDictionary<int, IReadOnlyList<Graded<PackageClaim>>> Claims);

/// <summary>One country's package and the return rows it carries as extracts.</summary>
internal sealed record AssembledPackage(Package Package, IReadOnlyList<ReturnedKyc> Kyc, IReadOnlyList<ReturnedSubscriber> Subscribers);

/// <summary>Builds one country's <see cref="Package"/> from the case's inputs: pure, so the same inputs give the same package.</summary>
internal sealed class PackageAssembler
{
    private const int MaxEvidenceListed = 200;
    private readonly PackageInputs _in;
    private readonly Dictionary<string, ReturnedKyc> _kycByReference;
    private readonly Dictionary<string, ReturnedSubscriber> _subscriberByReference;
    private readonly Dictionary<(string, long), ReturnedKyc> _kycByWithdrawal = [];
    private readonly Dictionary<string, List<Lead>> _leadsByDeposit = new(StringComparer.Ordinal);

    public PackageAssembler(PackageInputs inputs)
    {
        _in = inputs;
        _kycByReference = inputs.Kyc.GroupBy(Reference).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _subscriberByReference = inputs.Subscribers.GroupBy(Reference).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var k in inputs.Kyc)
        {
            _kycByWithdrawal.TryAdd((k.WithdrawalTxid, k.WithdrawalVout), k);
        }

        foreach (var lead in inputs.Trace?.Requests.SelectMany(r => r.Leads) ?? [])
        {
            foreach (var d in lead.Deposits)
            {
                (_leadsByDeposit.TryGetValue(d, out var list) ? list : _leadsByDeposit[d] = []).Add(lead);
            }
        }
    }

    /// <summary>The reference string the persons engine gives a return row (<c>returns IMPORT, FILE line N</c>).</summary>
    public static string Reference(ReturnedKyc k) => string.Create(CultureInfo.InvariantCulture, $"returns {k.ImportId}, {k.FileName} line {k.Line}");

    /// <inheritdoc cref="Reference(ReturnedKyc)"/>
    public static string Reference(ReturnedSubscriber s) => string.Create(CultureInfo.InvariantCulture, $"returns {s.ImportId}, {s.FileName} line {s.Line}");

    /// <summary>The package of <paramref name="country"/>: its persons (tier 1–3 there), in ranking order.</summary>
    public AssembledPackage Assemble(string country, PackageCase @case, PackageBuilt built, PackageHandling handling, PackageSigning signing)
    {
        var kyc = new SortedDictionary<long, ReturnedKyc>();
        var subscribers = new SortedDictionary<long, ReturnedSubscriber>();
        var persons = new List<PackagePerson>();
        foreach (var t in _in.Targets.Where(t => t.Tier <= 3 && string.Equals(t.Country, country, StringComparison.Ordinal)))
        {
            persons.Add(Person(t, handling.Code, kyc, subscribers));
        }

        var returns = new List<PackageReturnFile>();
        if (kyc.Count > 0)
        {
            returns.Add(new PackageReturnFile(PackageFiles.KycExtract, "kyc", kyc.Count, PackageGrading.ProviderHandling));
        }

        if (subscribers.Count > 0)
        {
            returns.Add(new PackageReturnFile(PackageFiles.SubscriberExtract, "isp", subscribers.Count, PackageGrading.ProviderHandling));
        }

        var summary = new PackageSummary(persons.Count, persons.Count(p => p.Tier == 1), persons.Count(p => p.Tier == 2), persons.Count(p => p.Tier == 3),
            persons.Count(p => p.Identities.Count > 0), persons.Count(p => p.Claims.Count > 0), persons.Count(p => p.Claims.Any(c => c.Value.Conflicts.Count > 0)));
        var package = new Package(Package.SchemaName, country, @case, built, handling, signing, summary, persons, returns, PackageGrading.Key);
        return new AssembledPackage(package, [.. kyc.Values], [.. subscribers.Values]);
    }

    private PackagePerson Person(TargetRow t, string handling, SortedDictionary<long, ReturnedKyc> kyc, SortedDictionary<long, ReturnedSubscriber> subscribers)
    {
        var n = t.PersonNumber;
        var person = _in.Persons.GetValueOrDefault(n);
        var factors = t.Factors.Select(f => new Graded<PackageFactor>(new PackageFactor(f.Name, f.Weight, f.Evidence), PackageGrading.Factor(f.Name, f.Evidence), handling)).ToList();
        var finding = person?.Country;
        var country = new Graded<PackageCountry>(new PackageCountry(t.Country ?? "", finding?.Confidence ?? 0, finding?.Evidence ?? []), PackageGrading.Country(finding), handling);
        var accounts = (_in.Accounts.GetValueOrDefault(n) ?? []).Select(a => new Graded<PackageAccountItem>(
            new PackageAccountItem(a.AccountKey, a.Username, a.Email, a.DepositAddress, a.RegisteredUtc, a.IsAdmin), PackageGrading.PlatformRecord, handling)).ToList();
        var links = (person?.Links ?? []).Select(l => new Graded<PersonLink>(l, PackageGrading.Link(l), handling)).ToList();

        var identities = new List<Graded<IdentityFinding>>();
        foreach (var id in person?.Identities ?? [])
        {
            var kycRow = id.Source == "kyc" ? _kycByReference.GetValueOrDefault(id.Reference) : null;
            var subRow = id.Source == "isp" ? _subscriberByReference.GetValueOrDefault(id.Reference) : null;
            if (kycRow is not null)
            {
                kyc[kycRow.Id] = kycRow;
            }

            if (subRow is not null)
            {
                subscribers[subRow.Id] = subRow;
            }

            identities.Add(new Graded<IdentityFinding>(id, id.Source == "kyc" ? PackageGrading.Kyc : PackageGrading.Subscriber, PackageGrading.ProviderHandling));
        }

        var prior = (person?.PriorHits ?? []).Select(h => new Graded<PriorRecordHit>(h, h.Match == "fuzzy" ? PackageGrading.PriorFuzzy : PackageGrading.PriorExact, handling)).ToList();

        var requests = new List<Graded<PackageRequest>>();
        var seenLeads = new HashSet<(string, int)>();
        foreach (var a in _in.Accounts.GetValueOrDefault(n) ?? [])
        {
            if (a.DepositAddress is null || !_leadsByDeposit.TryGetValue(a.DepositAddress, out var leads))
            {
                continue;
            }

            foreach (var lead in leads.Where(l => seenLeads.Add((l.Txid, l.Vout))))
            {
                var answer = _kycByWithdrawal.GetValueOrDefault((lead.Txid, lead.Vout));
                if (answer is not null)
                {
                    kyc[answer.Id] = answer;
                }

                requests.Add(new Graded<PackageRequest>(new PackageRequest(lead.Actor, "kyc", string.Create(CultureInfo.InvariantCulture, $"{lead.Txid}:{lead.Vout}"),
                    lead.AmountSats, a.DepositAddress, answer is not null, answer is null ? null : Reference(answer)), PackageGrading.Request, handling));
            }
        }

        var files = _in.Evidence.GetValueOrDefault(n) ?? [];
        var categories = files.Where(f => f.Category is not null).GroupBy(f => f.Category!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var evidence = new PackageEvidenceSummary(files.Select(f => f.UploadKey).Distinct(StringComparer.Ordinal).Count(), files.Count,
            files.Count(f => f.Status == TriageStatus.Unknown), files.Count(f => f.Status is TriageStatus.Known or TriageStatus.NearDuplicate), categories,
            [.. files.Take(MaxEvidenceListed).Select(f => new Graded<PackageEvidenceFile>(new PackageEvidenceFile(f.EvidenceId, f.ExhibitId, f.UploadKey, f.AccountKey,
                f.Sha256, f.Md5, f.Size, f.Status ?? "not triaged", f.Status == TriageStatus.Unknown, f.Bank, f.Category, f.Distance), PackageGrading.EvidenceFile, handling))]);

        var claims = _in.Claims.GetValueOrDefault(n) ?? [];
        var move = t.Move is { } m ? new PackageMove(m.FromTier, m.ToTier, m.Reason, m.MovedUtc, m.MovedBy) : null;
        return new PackagePerson(n, t.Tier, t.ComputedTier, t.Score, move, factors, country, accounts, links, identities, prior, evidence, requests, claims);
    }
}
