using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Cases.Platform;
using Harrier.Cases.Returns;
using Harrier.Operations.Chain;

namespace Harrier.Operations.Persons;

/// <summary>An exit list named in a request: the file, and its kind (<c>tor</c>, <c>vpn</c>, …) if the analyst gave one.</summary>
public sealed record ExitListFile(string Path, string? Kind = null)
{
    /// <summary>
    /// Reads the CLI's <c>[KIND=]FILE</c>: a leading word of letters before <c>=</c> is the kind; anything else is a path.
    /// </summary>
    public static ExitListFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = text.IndexOf('=', StringComparison.Ordinal);
        return cut > 0 && text[..cut].All(char.IsAsciiLetterLower)
            ? new ExitListFile(text[(cut + 1)..], text[..cut])
            : new ExitListFile(text);
    }
}

/// <summary>A line of an input file that was not used, and why (the rest of the file is).</summary>
public sealed record InputProblem(string File, long Line, string Problem);

/// <summary>
/// Builds the engine's <see cref="ResolutionInput"/> from the case (a platform import's accounts and logins, the
/// returns' KYC and subscriber rows) and the files a request names (prior records, exit lists, e-mail provider rules,
/// a GeoIP database). Each file's SHA-256 is taken; bad lines are reported with file and line and the rest is used.
/// </summary>
internal sealed class PersonsInputs : IDisposable
{
    private readonly List<InputProblem> _problems = [];
    private readonly List<PersonsRunInput> _files = [];
    private MmdbCountryLookup? _geo;

    private PersonsInputs(PlatformImportInfo import) => Import = import;

    public PlatformImportInfo Import { get; }

    public ResolutionInput Input { get; private set; } = new() { Accounts = [] };

    public IReadOnlyList<InputProblem> Problems => _problems;

    public IReadOnlyList<PersonsRunInput> Files => _files;

    /// <summary>Reads everything; refuses a case without a platform import, an unknown import id or a missing file (<see cref="OperationException"/>).</summary>
    public static async Task<PersonsInputs> LoadAsync(CaseStore store, ResolvePersonsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        // Every named file must exist before anything is read.
        var named = new List<string>();
        named.AddRange(new[] { request.PriorRecords, request.EmailProviders, request.GeoIp }.OfType<string>());
        named.AddRange((request.ExitLists ?? []).Select(e => e.Path));
        foreach (var path in named.Where(p => !File.Exists(p)))
        {
            throw new OperationException($"no such file: {Path.GetFullPath(path)}");
        }

        var platform = new PlatformStore(store);
        var imports = await platform.ListAsync(cancellationToken);
        var import = request.ImportId is { } id
            ? imports.FirstOrDefault(i => i.ImportId == id) ?? throw new OperationException($"no platform import {id} in this case")
            : imports.Count > 0 ? imports[^1] : throw new OperationException("no platform import in this case; run 'harrier platform import' first");

        var inputs = new PersonsInputs(import);
        try
        {
            await inputs.ReadAsync(store, platform, request, cancellationToken);
            return inputs;
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
    }

    private async Task ReadAsync(CaseStore store, PlatformStore platform, ResolvePersonsRequest request, CancellationToken cancellationToken)
    {
        var importId = Import.ImportId;
        var accounts = new List<AccountInput>();
        var byDeposit = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Deposit(string? address, string account)
        {
            if (string.IsNullOrWhiteSpace(address))
            {
                return;
            }

            if (!byDeposit.TryGetValue(address, out var set))
            {
                byDeposit[address] = set = new SortedSet<string>(StringComparer.Ordinal);
            }

            set.Add(account);
        }

        foreach (var a in await platform.AccountsAsync(importId, cancellationToken))
        {
            accounts.Add(new AccountInput(a.AccountKey, a.Username, a.Email, a.RegisteredUtc is null ? null : Timestamps.Parse(a.RegisteredUtc), a.IsAdmin,
                a.DepositAddress));
            Deposit(a.DepositAddress, a.AccountKey);
        }

        // Millions of logins repeat a few thousand client strings and a few hundred thousand addresses and account keys:
        // one copy of each (at 1.8 million accounts the client strings alone were 1.2 GB as read).
        var pool = new Dictionary<string, string>(StringComparer.Ordinal);
        string? One(string? text)
        {
            if (text is null)
            {
                return null;
            }

            if (!pool.TryGetValue(text, out var kept))
            {
                pool[text] = kept = text;
            }

            return kept;
        }

        foreach (var a in accounts)
        {
            One(a.Key);
        }

        var logins = new List<LoginInput>();
        await foreach (var l in platform.LoginsAsync(importId, cancellationToken))
        {
            logins.Add(new LoginInput(One(l.AccountKey)!, Timestamps.Parse(l.TimeUtc), One(l.Ip), One(l.UserAgent)));
        }

        pool.Clear();
        pool.TrimExcess();

        await foreach (var p in platform.PaymentsAsync(importId, cancellationToken))
        {
            Deposit(p.DepositAddress, p.AccountKey);
        }

        var returns = new ReturnsStore(store);
        var kyc = new List<KycInput>();
        foreach (var k in await returns.KycAsync(cancellationToken))
        {
            var holder = new IdentityRecord(k.FullName, k.GivenName, k.Surname, k.DateOfBirth, k.Street, k.Town, k.Postcode, k.Country, k.IdType, k.IdNumber);
            var reference = string.Create(CultureInfo.InvariantCulture, $"returns {k.ImportId}, {k.FileName} line {k.Line}");
            var tied = k.DepositAddresses.SelectMany(d => byDeposit.TryGetValue(d, out var set) ? set : []).Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            kyc.AddRange(tied.Select(account => new KycInput(account, k.Exchange, k.CustomerId, holder, k.RegistrationIp, reference)));
        }

        // The payer wallets of the case's last trace (chain/trace.json): the cluster that paid each deposit.
        var wallets = new List<PayerWalletInput>();
        if (new ChainWorkspace(store).ReadTrace() is { } trace)
        {
            foreach (var d in trace.Deposits)
            {
                if (!byDeposit.TryGetValue(d.Address, out var owners))
                {
                    continue;
                }

                foreach (var p in d.Payments.Where(p => p.PayerCluster >= 0))
                {
                    var wallet = string.Create(CultureInfo.InvariantCulture, $"cluster {p.PayerCluster}");
                    var reference = string.Create(CultureInfo.InvariantCulture, $"chain trace, payment {p.Txid}:{p.Vout}");
                    wallets.AddRange(owners.Select(account => new PayerWalletInput(account, wallet, reference)));
                }
            }
        }

        var subscribers = new List<SubscriberInput>();
        foreach (var s in await returns.SubscribersAsync(cancellationToken))
        {
            var reference = string.Create(CultureInfo.InvariantCulture, $"returns {s.ImportId}, {s.FileName} line {s.Line}");
            if (!TryTime(s.LeaseFromUtc, out var from) || !TryTime(s.LeaseToUtc, out var to))
            {
                _problems.Add(new InputProblem(s.FileName, s.Line, $"lease times not readable: {s.LeaseFromUtc} to {s.LeaseToUtc}"));
                continue;
            }

            subscribers.Add(new SubscriberInput(s.Isp, s.Ip, from, to, s.CustomerRef,
                new IdentityRecord(s.SubscriberName, s.GivenName, s.Surname, s.DateOfBirth, s.Street, s.Town, s.Postcode, s.Country), reference));
        }

        var prior = request.PriorRecords is null ? [] : await ReadPriorRecordsAsync(Path.GetFullPath(request.PriorRecords), cancellationToken);
        var shared = new List<SharedAddress>();
        foreach (var list in request.ExitLists ?? [])
        {
            shared.AddRange(await ReadExitListAsync(Path.GetFullPath(list.Path), list.Kind, cancellationToken));
        }

        var providers = request.EmailProviders is null ? [] : await ReadEmailProvidersAsync(Path.GetFullPath(request.EmailProviders), cancellationToken);
        if (request.GeoIp is not null)
        {
            var path = Path.GetFullPath(request.GeoIp);
            var sha = await Sha256Async(path, cancellationToken);
            _geo = MmdbCountryLookup.Open(path);
            _files.Add(new PersonsRunInput("geoip", null, path, sha, 0, 0));
        }

        Input = new ResolutionInput
        {
            Accounts = accounts,
            Logins = logins,
            Kyc = kyc,
            Subscribers = subscribers,
            PayerWallets = wallets,
            PriorRecords = prior,
            SharedAddresses = shared,
            EmailProviders = providers,
            Geo = _geo,
            Options = request.Options ?? new ResolutionOptions(),
        };
    }

    /// <summary>The scenario's <c>records/prior-records.csv</c> shape: a header naming <c>record_id,type,value,earlier_case</c> (any order; <c>earlier_case</c> optional).</summary>
    private async Task<List<PriorRecordInput>> ReadPriorRecordsAsync(string path, CancellationToken cancellationToken)
    {
        var sha = await Sha256Async(path, cancellationToken);
        var rows = new List<PriorRecordInput>();
        long bad = 0;
        int id = -1, type = -1, value = -1, earlier = -1;
        foreach (var (line, fields) in Csv(path))
        {
            if (id < 0)
            {
                var header = fields.Select(f => f.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
                (id, type, value, earlier) = (header.IndexOf("record_id"), header.IndexOf("type"), header.IndexOf("value"), header.IndexOf("earlier_case"));
                if (id < 0 || type < 0 || value < 0)
                {
                    throw new OperationException($"{path} line {line}: a prior-records file starts with a header naming record_id, type and value (and earlier_case)");
                }

                continue;
            }

            string? Field(int i) => i >= 0 && i < fields.Length && fields[i].Trim().Length > 0 ? fields[i].Trim() : null;
            if (Field(id) is not { } recordId || Field(type) is not { } kind || Field(value) is not { } text)
            {
                bad++;
                _problems.Add(new InputProblem(path, line, "record_id, type and value are required"));
                continue;
            }

            rows.Add(new PriorRecordInput(recordId, kind.ToLowerInvariant(), text, Field(earlier)));
        }

        _files.Add(new PersonsRunInput("prior-records", null, path, sha, rows.Count, bad));
        return rows;
    }

    /// <summary>The Tor bulk exit list's shape: <c>#</c> comments, one address a line. Kind: as given, else from the file name (tor, vpn), else <c>listed</c>.</summary>
    private async Task<List<SharedAddress>> ReadExitListAsync(string path, string? kind, CancellationToken cancellationToken)
    {
        var sha = await Sha256Async(path, cancellationToken);
        var name = Path.GetFileName(path);
        kind ??= name.Contains("tor", StringComparison.OrdinalIgnoreCase) ? "tor"
            : name.Contains("vpn", StringComparison.OrdinalIgnoreCase) ? "vpn"
            : "listed";
        var rows = new List<SharedAddress>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long bad = 0, number = 0;
        foreach (var raw in File.ReadLines(path, Encoding.UTF8))
        {
            number++;
            var line = raw.Trim().TrimStart('\uFEFF');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (!IPAddress.TryParse(line, out var ip))
            {
                bad++;
                _problems.Add(new InputProblem(path, number, $"not an IP address: {Shorten(line)}"));
                continue;
            }

            if (seen.Add(ip.ToString()))
            {
                rows.Add(new SharedAddress(ip.ToString(), kind, name));
            }
        }

        _files.Add(new PersonsRunInput("exit-list", kind, path, sha, rows.Count, bad));
        return rows;
    }

    /// <summary>A small CSV <c>domain,ignores_dots,plus_tags</c> (a header line is optional; booleans true/false, yes/no or 1/0).</summary>
    private async Task<List<EmailProviderRule>> ReadEmailProvidersAsync(string path, CancellationToken cancellationToken)
    {
        var sha = await Sha256Async(path, cancellationToken);
        var rows = new List<EmailProviderRule>();
        long bad = 0;
        var first = true;
        foreach (var (line, fields) in Csv(path))
        {
            var domain = fields[0].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (first && domain == "domain")
            {
                first = false;
                continue;
            }

            first = false;
            if (fields.Length < 3 || domain.Length == 0 || domain.Contains('@', StringComparison.Ordinal)
                || Bool(fields[1]) is not { } dots || Bool(fields[2]) is not { } plus)
            {
                bad++;
                _problems.Add(new InputProblem(path, line, "expected domain,ignores_dots,plus_tags with true/false values"));
                continue;
            }

            rows.Add(new EmailProviderRule(domain, dots, plus));
        }

        _files.Add(new PersonsRunInput("email-providers", null, path, sha, rows.Count, bad));
        return rows;
    }

    private static bool? Bool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => null,
    };

    /// <summary>Non-blank records with their first line number; '#' lines are comments.</summary>
    private static IEnumerable<(long Line, string[] Fields)> Csv(string path)
    {
        using var reader = CsvReader.FromFile(path, new CsvReaderOptions
        {
            Separator = ',',
            HasHeader = false,
            CommentPrefix = '#',
            DetectSeparatorHint = false,
            TrackLineNumbers = true,
        });
        while (reader.Read())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetString(i);
            }

            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            yield return (reader.LineNumber, fields);
        }
    }

    private static bool TryTime(string text, out DateTimeOffset time)
    {
        try
        {
            time = Timestamps.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    internal static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public void Dispose() => _geo?.Dispose();
}
