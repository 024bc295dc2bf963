using System.Globalization;

namespace Harrier.Operations.Packages;

/// <summary>A block of a package's readable form; <see cref="PackageHtml"/> and <see cref="PackagePdf"/> render the same blocks, so both say the same.</summary>
internal abstract record Block;

internal sealed record Heading(int Level, string Text) : Block;

internal sealed record Para(string Text, bool Strong = false) : Block;

/// <summary>A table; <paramref name="Widths"/> are relative column widths.</summary>
internal sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<double> Widths) : Block;

/// <summary>The readable form of a package: the blocks both the HTML and the PDF are made from.</summary>
internal static class PackageDocument
{
    /// <summary>Evidence files listed per person in the readable form (package.json lists up to 200 and counts all).</summary>
    private const int EvidenceShown = 20;

    public static string Title(Package p) => $"Harrier target package {p.Country}: {p.Case.Name}";

    public static IReadOnlyList<Block> Build(Package p)
    {
        var b = new List<Block>
        {
            new Heading(1, Title(p)),
            new Para(I($"Case {p.Case.Name} ({p.Case.Id}); built {p.Built.Utc} by {p.Built.By} with {p.Built.Tool}; persons run {p.Built.PersonsRun}, targets run {p.Built.TargetsRun}.")),
            new Para($"Handling {p.Handling.Code}: {p.Handling.Meaning}. Items with another code (returns: {PackageGrading.ProviderHandling}; claims: the claiming agency's) say so.", Strong: true),
            new Para("This package refers to evidence by digest only: it holds no media and no titles."),
            new Heading(2, "Verifying this package"),
            KeyValues(
                ("key fingerprint", p.Signing.KeyFingerprint),
                ("public key (Ed25519, raw, base64)", p.Signing.PublicKey),
                ("audit head at build", I($"entry {p.Signing.AuditHead.Seq}, hash {p.Signing.AuditHead.Hash}, signed {p.Signing.AuditHead.SignedUtc}")),
                ("audit head signature", p.Signing.AuditHead.Signature),
                ("audit head signed text", p.Signing.AuditHead.SignedText.Replace("\n", " | ", StringComparison.Ordinal))),
            new Para($"{PackageFiles.Manifest} lists every other file of this folder with its SHA-256; {PackageFiles.Signature} is the Ed25519 signature of {PackageFiles.Manifest}'s bytes by the key above ({PackageFiles.PublicKeyPem} holds it as PEM). " +
                     "First compare the fingerprint with the one the sending unit gave you by another channel. Then 'harrier package verify DIR --fingerprint FP' checks the signature and every file, " +
                     "or check them with any SHA-256 and Ed25519 tool (docs/packages.md)."),
            new Heading(2, "Summary"),
            new Table(["persons", "tier 1", "tier 2", "tier 3", "identified by a return", "claimed by another agency", "in conflict"],
                [[I($"{p.Summary.Persons}"), I($"{p.Summary.Tier1}"), I($"{p.Summary.Tier2}"), I($"{p.Summary.Tier3}"), I($"{p.Summary.Identified}"),
                    I($"{p.Summary.Claimed}"), I($"{p.Summary.InConflict}")]], [1, 1, 1, 1, 1.4, 1.4, 1]),
            new Para("Tier 1: administrators and uploaders of first-seen material (possible producers: a child may be at risk now). Tier 2: uploaders of known material, categorisers, payers with prior records. " +
                     "Tier 3: payers. A ranking is advice: every score below is the sum of its factors, and an analyst's move is shown with its reason."),
        };

        var full = p.Persons.Where(x => x.Tier <= 2).ToList();
        var payers = p.Persons.Where(x => x.Tier == 3).ToList();
        if (full.Count > 0)
        {
            b.Add(new Heading(2, "Tiers 1 and 2"));
            b.Add(new Table(["person", "tier", "score", "factors", "named by a return", "claims"],
                [.. full.Select(x => (IReadOnlyList<string>)[I($"{x.Number}"), TierText(x), I($"{x.Score}"), Factors(x), Names(x), Claims(x)])],
                [0.7, 0.8, 0.6, 3.2, 2, 1.6]));
            foreach (var x in full)
            {
                PersonBlocks(b, x);
            }
        }

        if (payers.Count > 0)
        {
            // Payers are most of a package (hundreds of thousands at Operation Stream's scale): one row each here, every
            // detail (accounts, links, evidence, country evidence) in package.json.
            b.Add(new Heading(2, "Tier 3: payers"));
            b.Add(new Para("One row per person: its accounts by username, the score as its factors, who a return names (with the return row), the data requests made and answered, and claims. " +
                           "E-mails, deposit addresses, links and the evidence for the country are in package.json under the person's number."));
            b.Add(new Table(["person", "accounts", "score and factors", "named by a return", "requests", "claims"],
                [.. payers.Select(x => (IReadOnlyList<string>)[I($"{x.Number}{(x.Move is null ? "" : $" (moved from {x.ComputedTier})")}"),
                    string.Join(", ", x.Accounts.Select(a => a.Value.Username ?? a.Value.AccountKey)),
                    I($"{x.Score}: {Factors(x)}"),
                    string.Join("; ", x.Identities.Select(i => Identity(i.Value) + $" [{i.Grading} {i.Handling}, {i.Value.Reference}]")),
                    string.Join("; ", x.Requests.Select(r => r.Value.To + (r.Value.Answered ? " answered" : " no return"))),
                    Claims(x)])],
                [0.7, 1.2, 2, 3.4, 1.2, 1]));
        }

        b.Add(new Heading(2, "Returns carried"));
        b.Add(p.Returns.Count == 0
            ? new Para("No return concerns the persons of this package.")
            : new Table(["file", "kind", "rows", "handling"], [.. p.Returns.Select(r => (IReadOnlyList<string>)[r.Path, r.Kind, I($"{r.Rows}"), r.Handling])], [2, 1, 1, 1]));
        b.Add(new Heading(2, "Grading key"));
        b.Add(new Para("Europol's 4x4: source reliability A (no doubt) to C (fairly reliable), X (cannot be judged); information 1 (known to be true) to 4 (cannot be judged)."));
        b.Add(new Table(["code", "applies to"], [.. p.GradingKey.Select(k => (IReadOnlyList<string>)[k.Code, k.AppliesTo])], [0.6, 5]));
        return b;
    }

    private static void PersonBlocks(List<Block> b, PackagePerson x)
    {
        b.Add(new Heading(3, I($"Person {x.Number}: tier {x.Tier}, score {x.Score}")));
        if (x.Move is { } m)
        {
            b.Add(new Para(I($"Moved from tier {m.FromTier} to tier {m.ToTier} by {m.MovedBy} on {m.MovedUtc}: {m.Reason} (computed tier {x.ComputedTier})."), Strong: true));
        }

        b.Add(new Table(["points", "factor", "evidence", "grading"],
            [.. x.Factors.Select(f => (IReadOnlyList<string>)[I($"{f.Value.Weight}"), f.Value.Name, f.Value.Evidence, f.Grading])], [0.6, 1.4, 5, 0.7]));
        var c = x.Country.Value;
        b.Add(new Para(I($"Country {c.Code} (confidence {c.Confidence:0.00}, {x.Country.Grading}): ") +
                       string.Join("; ", c.Evidence.Select(e => I($"{e.Source} says {e.Country} ({e.Weight:0.##}): {e.Detail}")))));
        b.Add(new Table(["account", "username", "e-mail", "deposit address", "registered", "admin", "grading"],
            [.. x.Accounts.Select(a => (IReadOnlyList<string>)[a.Value.AccountKey, a.Value.Username ?? "", a.Value.Email ?? "", a.Value.DepositAddress ?? "",
                a.Value.RegisteredUtc ?? "", a.Value.IsAdmin ? "yes" : "", a.Grading])], [0.8, 1.3, 2, 2.4, 1.4, 0.6, 0.7]));
        if (x.Links.Count > 0)
        {
            b.Add(new Table(["accounts linked", "weight", "evidence", "grading"],
                [.. x.Links.Select(l => (IReadOnlyList<string>)[$"{l.Value.AccountA} ~ {l.Value.AccountB}", I($"{l.Value.Weight:0.##}"),
                    string.Join("; ", l.Value.Evidence.Select(e => I($"{e.Comparison} {e.Level} ({e.Weight:+0.##;-0.##}): {e.Detail}"))), l.Grading])], [1.3, 0.7, 5, 0.7]));
        }

        if (x.Identities.Count > 0)
        {
            b.Add(new Table(["named by", "name", "born", "address", "document", "reference", "note", "grading"],
                [.. x.Identities.Select(i =>
                {
                    var r = i.Value.Identity;
                    return (IReadOnlyList<string>)[i.Value.Source, r.FullName ?? JoinName(r.GivenName, r.Surname), r.DateOfBirth ?? "",
                        string.Join(", ", new[] { r.Street, r.Postcode, r.Town, r.Country }.Where(s => !string.IsNullOrEmpty(s))),
                        string.Join(" ", new[] { r.IdType, r.IdNumber }.Where(s => !string.IsNullOrEmpty(s))), i.Value.Reference, i.Value.Note, $"{i.Grading} {i.Handling}"];
                })], [0.7, 1.5, 1, 2.2, 1.4, 1.8, 1.8, 0.8]));
        }

        if (x.PriorRecords.Count > 0)
        {
            b.Add(new Table(["prior record", "identifier", "match", "why", "grading"],
                [.. x.PriorRecords.Select(h => (IReadOnlyList<string>)[h.Value.RecordId, $"{h.Value.Type} {h.Value.Value}", h.Value.Match, h.Value.Reason, h.Grading])],
                [1, 1.6, 0.8, 3.5, 0.7]));
        }

        var e = x.Evidence;
        if (e.Files > 0 || e.Uploads > 0)
        {
            b.Add(new Para(I($"Evidence: {e.Uploads} upload(s), {e.Files} file(s) in the case: {e.FirstSeen} first seen, {e.Known} known") +
                           (e.Categories.Count == 0 ? "." : "; categories " + string.Join(", ", e.Categories.Select(k => I($"{k.Key} x{k.Value}"))) + ".") +
                           (e.Files > EvidenceShown ? I($" The first {EvidenceShown} are listed; package.json lists up to {e.List.Count}.") : "")));
            b.Add(new Table(["evidence", "upload", "sha256", "md5", "status", "first seen", "bank / category"],
                [.. e.List.Take(EvidenceShown).Select(f => (IReadOnlyList<string>)[I($"{f.Value.ExhibitId}#{f.Value.EvidenceId}"), f.Value.UploadKey, f.Value.Sha256 ?? "", f.Value.Md5 ?? "",
                    f.Value.Status, f.Value.FirstSeen ? "yes" : "", string.Join(" ", new[] { f.Value.Bank, f.Value.Category }.Where(s => !string.IsNullOrEmpty(s)))])],
                [0.9, 0.7, 3.4, 2.2, 1, 0.6, 1.2]));
        }

        if (x.Requests.Count > 0)
        {
            b.Add(new Table(["request to", "withdrawal", "amount (sat)", "deposit", "answered", "grading"],
                [.. x.Requests.Select(r => (IReadOnlyList<string>)[r.Value.To, r.Value.Withdrawal, I($"{r.Value.AmountSats}"), r.Value.Deposit,
                    r.Value.Answered ? "yes: " + r.Value.Reference : "no return recorded", r.Grading])], [1, 3, 1, 2.4, 1.8, 0.6]));
        }

        if (x.Claims.Count > 0)
        {
            b.Add(new Table(["claimed by", "country", "case", "status", "matched by", "conflicts", "handling"],
                [.. x.Claims.Select(cl => (IReadOnlyList<string>)[cl.Value.Agency, cl.Value.AgencyCountry, cl.Value.CaseReference, cl.Value.Status, cl.Value.MatchedBy,
                    string.Join(", ", cl.Value.Conflicts), cl.Handling])], [1.4, 0.7, 1.4, 0.9, 2, 1.4, 0.7]));
        }
    }

    private static string TierText(PackagePerson x) => x.Move is null ? I($"{x.Tier}") : I($"{x.Tier} (moved from {x.ComputedTier})");

    private static string Factors(PackagePerson x) =>
        string.Join(" + ", x.Factors.Where(f => f.Value.Weight != 0).Select(f => I($"{f.Value.Name} {f.Value.Weight}")));

    private static string Names(PackagePerson x) =>
        string.Join("; ", x.Identities.Select(i => i.Value.Identity.FullName ?? JoinName(i.Value.Identity.GivenName, i.Value.Identity.Surname)).Distinct(StringComparer.Ordinal));

    private static string Claims(PackagePerson x) =>
        string.Join("; ", x.Claims.Select(c => c.Value.Agency + (c.Value.Conflicts.Count == 0 ? "" : " (conflict: " + string.Join(", ", c.Value.Conflicts) + ")")));

    private static string Identity(Harrier.Analysis.Persons.IdentityFinding i)
    {
        var r = i.Identity;
        var parts = new[]
        {
            i.Source + ": " + (r.FullName ?? JoinName(r.GivenName, r.Surname)),
            r.DateOfBirth is null ? null : "born " + r.DateOfBirth,
            string.Join(", ", new[] { r.Street, r.Postcode, r.Town, r.Country }.Where(s => !string.IsNullOrEmpty(s))),
            string.Join(" ", new[] { r.IdType, r.IdNumber }.Where(s => !string.IsNullOrEmpty(s))),
        };
        return string.Join(", ", parts.Where(s => !string.IsNullOrEmpty(s)));
    }

    private static Table KeyValues(params (string Key, string Value)[] rows) =>
        new(["", ""], [.. rows.Select(r => (IReadOnlyList<string>)[r.Key, r.Value])], [1.4, 5]);

    private static string JoinName(string? given, string? surname) => string.Join(" ", new[] { given, surname }.Where(s => !string.IsNullOrEmpty(s)));

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
