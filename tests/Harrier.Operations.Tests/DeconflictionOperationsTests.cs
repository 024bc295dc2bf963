using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Deconfliction;
using Harrier.Cases.Persons;
using Harrier.Cases.Tests;
using Harrier.Operations.Deconfliction;

namespace Harrier.Operations.Tests;

/// <summary>
/// The deconfliction register on real SQLite and PostgreSQL cases, over the small differently shaped platform
/// (<see cref="OtherPlatform"/>: accounts 10 quiet_heron, 11 amber_fox, 12 slow_comet; payments to 11 and 12; logins from
/// 198.51.100.7, 203.0.113.9, 192.0.2.44) and persons runs written by hand as the engine would, so each match and
/// conflict below follows from identifiers stated here. All names, agencies and identifiers are synthetic.
/// </summary>
public sealed class DeconflictionOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private const string Wallet11 = "bcrt1qsyntheticaddress0000000000000000000";

    private static readonly IdentityRecord Testa = new("Testa Quillfeather", "Testa", "Quillfeather", "1980-02-03", "1 Example Road", "Sampleton", "ZZ-0001", "DE",
        "passport", "TEST-00000001");

    /// <summary>Run A: person 1 holds accounts 10 and 12 (DE, a KYC identity), person 2 holds 11 (FR); 203.0.113.9 is a shared VPN exit.</summary>
    private static ResolutionResult RunA() => new(
        [
            new ResolvedPerson(1, ["10", "12"], [new PersonLink("10", "12", 11.5, [new LinkEvidence("household_ip", "within_1h", 11.5, "198.51.100.7")])],
                new CountryFinding("DE", 1, [new CountryEvidence("kyc", "DE", 3, "returns 1, kraken.csv line 17")]),
                [new IdentityFinding("kyc", "12", Testa, "returns 1, kraken.csv line 17", "the payer")], [], Identified: true),
            new ResolvedPerson(2, ["11"], [], new CountryFinding("FR", 1, [new CountryEvidence("geoip", "FR", 1, "192.0.2.1")]), [], [], Identified: false),
        ],
        [], [new SharedAddress("203.0.113.9", "vpn", "exits.txt")], new ResolutionStats(3, 2, 1, 1, 0, 1, 0));

    /// <summary>Run B, a re-resolution: every account its own person (10 → 1 DE, 11 → 2 FR, 12 → 3 with no country), no identity.</summary>
    private static ResolutionResult RunB() => new(
        [
            new ResolvedPerson(1, ["10"], [], new CountryFinding("DE", 1, []), [], [], Identified: false),
            new ResolvedPerson(2, ["11"], [], new CountryFinding("FR", 1, []), [], [], Identified: false),
            new ResolvedPerson(3, ["12"], [], null, [], [], Identified: false),
        ],
        [], [], new ResolutionStats(3, 3, 0, 0, 0, 0, 0));

    private const string Csv = """
        claim_reference,agency,agency_country,case_reference,status,handling_code,received_at,identifiers,notes
        BKA-1,FAKE-BKA-DE,de,DE-CASE-1,open,H1,2026-01-02T10:00:00Z,email:Quiet.Heron+site@Example.invalid,synthetic
        NCA-1,FAKE-NCA-GB,GB,GB-CASE-7,,h2,,username:SLOW_COMET;email:nobody@example.invalid,
        FBI-1,FAKE-FBI-US,US,US-CASE-9,confirmed,H0,,wallet:bcrt1qsyntheticaddress0000000000000000000,
        BAD-1,FAKE-BKA-DE,DE,DE-CASE-2,open,,,email:a@example.invalid,
        BAD-2,FAKE-BKA-DE,Germany,DE-CASE-3,open,H5,,phone:0123,
        AMB-1,FAKE-POL-PL,PL,PL-CASE-1,open,H3,,username:amber_fox;name_dob:Testa Quillfeather|1980-02-03,
        IP-1,FAKE-POL-PL,PL,PL-CASE-2,withdrawn,H3,,ip:203.0.113.9;ip:198.51.100.7,

        """;

    // The differently shaped platform imported into a fresh case, as the persons tests make it.
    private static Task<(TestCase Case, CaseStore Store, OperationContext Ctx, long ImportId)> CaseAsync(string backend) =>
        PersonsOperationsTests.CaseAsync(backend);

    private static Task<long> StoreRunAsync(CaseStore store, long importId, ResolutionResult run) =>
        store.WriteAsync(new AuditIntent("tester", "persons.resolve"),
            (w, ct) => PersonsStore.WriteRunAsync(w, importId, [], new ResolutionOptions(), run, "tester", ct), id => $"persons run {id}", None);

    private static MatchedClaim Claim(IEnumerable<MatchedClaim> claims, string reference) => claims.Single(c => c.Claim.ClaimReference == reference);

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_csv_imports_its_good_claims_names_the_bad_records_and_matches_the_persons_with_their_conflicts(string backend)
    {
        var (t, store, ctx, importId) = await CaseAsync(backend);
        await using var _t = t;
        await StoreRunAsync(store, importId, RunA());
        var file = Path.Combine(t.Root, "claims.csv");
        await File.WriteAllTextAsync(file, Csv);

        var r = await Audited.ExactlyAsync(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(file), ctx, None), "deconflict.import");

        Assert.True(r.Imported);
        Assert.Equal(("csv", 7L, 5L, 8L, 2L), (r.Format, r.Records, r.Claims, r.Identifiers, r.BadRecords));
        Assert.Equal(["notes"], r.UnknownColumns);
        Assert.Equal(
            [
                ("line 5", "handling_code", "handling_code is missing"),
                ("line 6", "agency_country", "agency_country: 'GERMANY' is not an ISO 3166 two-letter code (DE, GB, …)"),
                ("line 6", "handling_code", "handling_code: 'H5' is not a Europol handling code (H0, H1, H2, H3)"),
                ("line 6", "identifiers", "identifiers: type 'phone' is not one of email, username, wallet, name_dob, id_document, ip"),
            ],
            r.Problems.Select(p => (p.At, p.Field, p.Problem)));
        Assert.All(r.Problems, p => Assert.Equal("claims.csv", p.File));
        var audit = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.Contains("5 claims, 8 identifiers, 2 bad records left out", audit.Target, StringComparison.Ordinal);

        // Unknown identifiers are reported, never dropped: an e-mail no person has, and a shared address that identifies nobody.
        Assert.Equal((1L, 5L, 2L), (r.RunId, r.ClaimsMatched, r.UnmatchedIdentifierCount));
        Assert.Equal(
            [
                ("NCA-1", "email:nobody@example.invalid", "no person of persons run 1 has it"),
                ("IP-1", "ip:203.0.113.9", "a shared address of persons run 1 (vpn): it identifies nobody"),
            ],
            r.UnmatchedIdentifiers.Select(u => (u.ClaimReference, u.Identifier, u.Why)));

        var stored = await new DeconflictionStore(store).ClaimsAsync(None);
        var nca = stored.Single(c => c.ClaimReference == "NCA-1");
        Assert.Equal(("GB", "open", "H2", "line 3"), (nca.AgencyCountry, nca.Status, nca.HandlingCode, nca.Record));
        Assert.Equal([("username", "SLOW_COMET", "slow_comet"), ("email", "nobody@example.invalid", "nobody@example.invalid")],
            nca.Identifiers.Select(i => (i.Type, i.Value, i.Normalised)));
        var bka = stored.Single(c => c.ClaimReference == "BKA-1");
        Assert.Equal(("DE", "2026-01-02T10:00:00.0000000Z"), (bka.AgencyCountry, bka.ReceivedUtc));
        Assert.Equal("quiet.heron@example.invalid", bka.Identifiers.Single().Normalised); // the plus tag of an unknown provider is dropped, as the persons engine does

        var m = await new DeconflictionStore(store).MatchAsync(None);
        var bkaMatch = Assert.Single(Claim(m.Claims, "BKA-1").Persons);
        Assert.Equal((1, "DE"), (bkaMatch.PersonNumber, bkaMatch.PersonCountry));
        Assert.Equal([("email:Quiet.Heron+site@Example.invalid", "account 10 e-mail")], bkaMatch.MatchedBy.Select(e => (e.Identifier, e.Source)));
        Assert.Equal([ConflictKinds.TwoAgencies], Claim(m.Claims, "BKA-1").Conflicts); // DE agency on a DE person: no other-country
        Assert.Equal([ConflictKinds.TwoAgencies, ConflictKinds.OtherCountry], Claim(m.Claims, "NCA-1").Conflicts);
        Assert.Equal("account 12 username", Assert.Single(Claim(m.Claims, "NCA-1").Persons).MatchedBy.Single().Source);
        var fbi = Assert.Single(Claim(m.Claims, "FBI-1").Persons);
        Assert.Equal((2, "deposit address of a payment to account 11"), (fbi.PersonNumber, fbi.MatchedBy.Single().Source));
        Assert.Equal([ConflictKinds.TwoAgencies, ConflictKinds.OtherCountry], fbi.Conflicts); // FBI and the Polish ambiguous claim; US agency, FR person

        // One claim, two persons: ambiguous (a username of person 2, a name and birth date of person 1's KYC identity).
        var amb = Claim(m.Claims, "AMB-1");
        Assert.Equal([1, 2], amb.Persons.Select(p => p.PersonNumber));
        Assert.Equal("identity from returns 1, kraken.csv line 17 (kyc, account 12)", amb.Persons[0].MatchedBy.Single().Source);
        Assert.Equal("name_dob:Testa Quillfeather|1980-02-03", amb.Persons[0].MatchedBy.Single().Identifier);
        Assert.Contains(ConflictKinds.Ambiguous, amb.Conflicts);

        // A withdrawn claim is listed and matched (a login address of person 1) but raises no conflict.
        var ip = Claim(m.Claims, "IP-1");
        Assert.Equal(("account 10 logged in from it", 0), (Assert.Single(ip.Persons).MatchedBy.Single().Source, ip.Conflicts.Count));
        Assert.DoesNotContain(m.Conflicts, c => c.ClaimIds.Contains(ip.Claim.ClaimId));

        var two = m.Conflicts.Where(c => c.Kind == ConflictKinds.TwoAgencies).ToList();
        Assert.Equal([1, 2], two.Select(c => c.PersonNumber!.Value));
        Assert.Equal("person 2 is claimed by FAKE-FBI-US (US, claim FBI-1, case US-CASE-9), FAKE-POL-PL (PL, claim AMB-1, case PL-CASE-1)", two[1].Detail);
        Assert.Equal(
            ["FAKE-NCA-GB (GB) claim NCA-1 is on person 1, placed in DE", "FAKE-POL-PL (PL) claim AMB-1 is on person 1, placed in DE",
             "FAKE-FBI-US (US) claim FBI-1 is on person 2, placed in FR", "FAKE-POL-PL (PL) claim AMB-1 is on person 2, placed in FR"],
            m.Conflicts.Where(c => c.Kind == ConflictKinds.OtherCountry).Select(c => c.Detail));
        Assert.Equal("FAKE-POL-PL claim AMB-1 matches 2 persons: person 1 by name_dob:Testa Quillfeather|1980-02-03; person 2 by username:amber_fox",
            m.Conflicts.Single(c => c.Kind == ConflictKinds.Ambiguous).Detail);

        // The API the packages use: by person number, first matching identifier, conflicts on that person.
        var byPerson = await new DeconflictionStore(store).ClaimsByPersonAsync(None);
        Assert.Equal([1, 2], byPerson.Keys.Order());
        Assert.Equal(["BKA-1", "NCA-1", "AMB-1", "IP-1"], byPerson[1].Select(c => c.ClaimReference));
        var onOne = byPerson[1][0];
        Assert.Equal(("FAKE-BKA-DE", "DE", "DE-CASE-1", "open", "H1", "email:Quiet.Heron+site@Example.invalid"),
            (onOne.Agency, onOne.AgencyCountry, onOne.CaseReference, onOne.Status, onOne.HandlingCode, onOne.MatchedBy));
        Assert.Equal([ConflictKinds.TwoAgencies, ConflictKinds.OtherCountry, ConflictKinds.Ambiguous], byPerson[1][2].Conflicts);
        Assert.Equal(("withdrawn", 0), (byPerson[1][3].Status, byPerson[1][3].Conflicts.Count));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_json_imports_with_records_named_by_index_and_a_file_is_imported_once(string backend)
    {
        var (t, store, ctx, importId) = await CaseAsync(backend);
        await using var _t = t;
        var file = Path.Combine(t.Root, "claims.json");
        await File.WriteAllTextAsync(file, """
            {"claims": [
              {"claimReference": "NCA-7", "agency": "FAKE-NCA-GB", "agencyCountry": "GB", "caseReference": "GB-CASE-7", "handlingCode": "H2",
               "receivedAt": "2026-02-01", "identifiers": [{"type": "E-Mail", "value": "slow.comet@example.invalid"},
                                                          {"type": "name_dob", "name": "Testa Quillfeather", "dateOfBirth": "1980-02-03"}]},
              {"claimReference": "NCA-8", "agency": "FAKE-NCA-GB", "agencyCountry": "GB", "caseReference": "GB-CASE-8", "identifiers": [{"type": "username", "value": "amber_fox"}]},
              {"claimReference": "NCA-9", "agency": "FAKE-NCA-GB", "agencyCountry": "GB", "caseReference": "GB-CASE-9", "handlingCode": "H0",
               "identifiers": [{"type": "id_document", "value": "test 0000 0001"}, {"type": "name_dob", "value": "Testa Quillfeather|03.02.1980"}]},
              "not a claim"
            ]}
            """);

        // Before any persons run: imported, every identifier reported as matching nobody yet.
        var r = await Audited.ExactlyAsync(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(file), ctx, None), "deconflict.import");
        Assert.Equal(("json", 4L, 1L, 2L, 3L), (r.Format, r.Records, r.Claims, r.Identifiers, r.BadRecords));
        Assert.Equal(
            [
                ("record 1", "handling_code", "handling_code is missing"),
                ("record 2", "identifiers", "identifiers: name_dob: birth date '03.02.1980' is not a date YYYY-MM-DD"),
                ("record 3", "(record)", "(record): a JSON string, not an object"),
            ],
            r.Problems.Select(p => (p.At, p.Field, p.Problem)));
        Assert.Null(r.RunId);
        Assert.Equal(2, r.UnmatchedIdentifierCount);
        Assert.All(r.UnmatchedIdentifiers, u => Assert.StartsWith("no persons run in this case yet", u.Why, StringComparison.Ordinal));

        // The same content again, under another name: refused before anything is read, nothing written or audited.
        var again = Path.Combine(t.Root, "claims-copy.txt");
        File.Copy(file, again);
        var e = await Audited.NothingAsync<OperationException>(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(again, "json"), ctx, None));
        Assert.Contains("was already imported (deconfliction import 1, claims.json", e.Message, StringComparison.Ordinal);

        // Resolved later: the claim now matches person 1 twice (e-mail of account 12, the KYC identity), once as persons.
        await StoreRunAsync(store, importId, RunA());
        var m = Assert.Single((await new DeconflictionStore(store).MatchAsync(None)).Claims);
        var p = Assert.Single(m.Persons);
        Assert.Equal([("email:slow.comet@example.invalid", "account 12 e-mail"),
                      ("name_dob:Testa Quillfeather|1980-02-03", "identity from returns 1, kraken.csv line 17 (kyc, account 12)")],
            p.MatchedBy.Select(x => (x.Identifier, x.Source)));
        Assert.Equal([ConflictKinds.OtherCountry], m.Conflicts);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_file_without_one_good_record_imports_nothing_and_a_missing_column_refuses_the_file(string backend)
    {
        var (t, store, ctx, _) = await CaseAsync(backend);
        await using var _t = t;
        var bad = Path.Combine(t.Root, "bad.csv");
        await File.WriteAllTextAsync(bad, "claim_reference,agency,agency_country,case_reference,handling_code,identifiers\nX-1,FAKE-A,DE,C-1,H9,email:x@example.invalid\n");
        var r = await Audited.NoneAsync(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(bad), ctx, None));
        Assert.False(r.Imported);
        Assert.Equal((1L, 1L), (r.Records, r.BadRecords));
        Assert.Equal(("line 2", "handling_code"), (r.Problems.Single().At, r.Problems.Single().Field));
        Assert.Empty(await new DeconflictionStore(store).ImportsAsync(None));

        var noColumn = Path.Combine(t.Root, "no-handling.csv");
        await File.WriteAllTextAsync(noColumn, "claim_reference,agency,agency_country,case_reference,identifiers\nX-1,FAKE-A,DE,C-1,email:x@example.invalid\n");
        var f = await Audited.NoneAsync(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(noColumn), ctx, None));
        Assert.False(f.Imported);
        Assert.Equal(("file", "(file)"), (f.Problems.Single().At, f.Problems.Single().Field));
        Assert.Contains("no handling_code column", f.Problems.Single().Problem, StringComparison.Ordinal);
        await Audited.NothingAsync<OperationException>(store, () => new ImportClaims(store).RunAsync(new ImportClaimsRequest(Path.Combine(t.Root, "absent.csv")), ctx, None));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Status_changes_are_kept_with_who_when_why_audited_and_a_withdrawn_claim_raises_no_conflict(string backend)
    {
        var (t, store, ctx, importId) = await CaseAsync(backend);
        await using var _t = t;
        await StoreRunAsync(store, importId, RunA());
        var file = Path.Combine(t.Root, "claims.csv");
        await File.WriteAllTextAsync(file, Csv);
        await new ImportClaims(store).RunAsync(new ImportClaimsRequest(file), ctx, None);
        var register = new DeconflictionStore(store);
        var amb = (await register.ClaimsAsync(None)).Single(c => c.ClaimReference == "AMB-1");

        t.Time.Advance(TimeSpan.FromHours(2));
        var s = await Audited.ExactlyAsync(store, () => new SetClaimStatus(store).RunAsync(
            new SetClaimStatusRequest("AMB-1", "Withdrawn", "FAKE-POL-PL withdrew: their suspect is someone else"), ctx, None), "deconflict.status");
        Assert.Equal(("withdrawn", "open", "withdrawn"), (s.Claim.Status, s.Change.From, s.Change.To));
        Assert.Equal(
            [
                (1, "2025-03-12T06:00:00.0000000Z", "analyst", (string?)null, "open", "imported from claims.csv line 7"),
                (2, "2025-03-12T08:00:00.0000000Z", "analyst", "open", "withdrawn", "FAKE-POL-PL withdrew: their suspect is someone else"),
            ],
            (await register.HistoryAsync(amb.ClaimId, None)).Select(h => (h.Seq, h.TimeUtc, h.Actor, h.From, h.To, h.Reason)));
        Assert.Contains($"claim {amb.ClaimId} (FAKE-POL-PL (PL) claim AMB-1, case PL-CASE-1): open -> withdrawn: FAKE-POL-PL withdrew", (await store.Audit.ReadAsync(1, None)).Single().Target,
            StringComparison.Ordinal);

        // Listed still, matched still, but no conflict from it: person 2 is now claimed by one agency only.
        var list = await Audited.ExactlyAsync(store, () => new ListClaims(store).RunAsync(new ListClaimsRequest(Person: 2), ctx, None), "deconflict.list");
        Assert.Equal(["FBI-1", "AMB-1"], list.Claims.Select(c => c.Claim.ClaimReference));
        Assert.Equal([ConflictKinds.OtherCountry], Claim(list.Claims, "FBI-1").Conflicts);
        Assert.Empty(Claim(list.Claims, "AMB-1").Conflicts);
        Assert.Equal(2, Claim(list.Claims, "AMB-1").Persons.Count);
        Assert.Equal(["FAKE-FBI-US (US) claim FBI-1 is on person 2, placed in FR"], list.Conflicts.Select(c => c.Detail));
        Assert.DoesNotContain((await register.MatchAsync(None)).Conflicts, c => c.Kind == ConflictKinds.Ambiguous);

        var conflicts = await new ListClaims(store).RunAsync(new ListClaimsRequest(ConflictsOnly: true), ctx, None);
        Assert.Equal(["BKA-1", "NCA-1", "FBI-1"], conflicts.Claims.Select(c => c.Claim.ClaimReference));
        Assert.Equal((5, 1L), (conflicts.TotalClaims, conflicts.UnmatchedIdentifierCount)); // the e-mail of NCA-1 no person has

        // Refused, nothing written: the status it has, no reason, an unknown claim, an unknown status, a person not in the run.
        await Audited.NothingAsync<OperationException>(store, () => new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest("AMB-1", "withdrawn", "again"), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest("FBI-1", "open", " "), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest("99", "open", "x"), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest("FBI-1", "closed", "x"), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new ListClaims(store).RunAsync(new ListClaimsRequest(Person: 7), ctx, None));

        // Reopened: the conflicts come back.
        await new SetClaimStatus(store).RunAsync(new SetClaimStatusRequest(amb.ClaimId.ToString(System.Globalization.CultureInfo.InvariantCulture), "open", "reopened by FAKE-POL-PL"), ctx, None);
        Assert.Contains((await register.MatchAsync(None)).Conflicts, c => c.Kind == ConflictKinds.Ambiguous);
        Assert.Equal(3, (await register.HistoryAsync(amb.ClaimId, None)).Count);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Matches_follow_a_re_resolution(string backend)
    {
        var (t, store, ctx, importId) = await CaseAsync(backend);
        await using var _t = t;
        await StoreRunAsync(store, importId, RunA());
        var file = Path.Combine(t.Root, "claims.csv");
        await File.WriteAllTextAsync(file, Csv);
        await new ImportClaims(store).RunAsync(new ImportClaimsRequest(file), ctx, None);
        var register = new DeconflictionStore(store);
        Assert.Equal(1, Assert.Single(Claim((await register.MatchAsync(None)).Claims, "NCA-1").Persons).PersonNumber);

        await StoreRunAsync(store, importId, RunB());
        var m = await register.MatchAsync(None);
        Assert.Equal(2L, m.RunId);
        var nca = Claim(m.Claims, "NCA-1");
        Assert.Equal((3, (string?)null), (Assert.Single(nca.Persons).PersonNumber, nca.Persons[0].PersonCountry));
        Assert.Empty(nca.Conflicts); // person 3 has no country and no other claim
        Assert.Equal(1, Assert.Single(Claim(m.Claims, "BKA-1").Persons).PersonNumber);
        Assert.Empty(Claim(m.Claims, "BKA-1").Conflicts); // alone on person 1 now (IP-1 is withdrawn)

        // Run B has no KYC identity: the name and birth date match nobody now, and the shared address is no longer listed as one.
        var amb = Claim(m.Claims, "AMB-1");
        Assert.Equal([2], amb.Persons.Select(p => p.PersonNumber));
        Assert.Equal(["name_dob:Testa Quillfeather|1980-02-03"], amb.Unmatched.Select(u => u.Identifier));
        Assert.Equal([(1, "ip:198.51.100.7"), (2, "ip:203.0.113.9")],
            Claim(m.Claims, "IP-1").Persons.SelectMany(p => p.MatchedBy.Select(e => (p.PersonNumber, e.Identifier))));
    }
}
