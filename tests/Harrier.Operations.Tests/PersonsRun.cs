using Harrier.Analysis.Persons;
using Harrier.Cases;
using Harrier.Cases.Persons;

namespace Harrier.Operations.Tests;

/// <summary>
/// A resolution run over <see cref="OtherPlatform"/>'s three accounts written by hand as the engine would write it, so
/// the host side (list, show, the CLI's JSON documents) is tested apart from the engine's weights. Synthetic.
/// </summary>
internal static class PersonsRun
{
    /// <summary>A run over the platform's three accounts, written as the engine would (10 and 12 linked, 11 alone).</summary>
    public static ResolutionResult HandBuilt() => new(
        [
            new ResolvedPerson(1, ["10", "12"],
                [new PersonLink("10", "12", 11.5, [new LinkEvidence("household_ip", "within_1h", 9.5, "198.51.100.7"), new LinkEvidence("device", "equal", 2, "same agent")])],
                new CountryFinding("DE", 0.8, [new CountryEvidence("isp", "DE", 3, "returns 2, isp-a.csv line 2")]),
                [new IdentityFinding("isp", "10", new IdentityRecord("Testa Quillfeather", null, null, null, "1 Example Road", "Sampleton", "ZZ-0001", "DE"),
                    "returns 2, isp-a.csv line 2", "the subscriber, possibly another member of the household")],
                [], Identified: true),
            new ResolvedPerson(2, ["11"], [], null, [], [new PriorRecordHit("11", "R000001", "username", "amber_fox", "exact", "username equal")], Identified: false),
        ],
        [new RefusedLink("11", "12", 2.25, "under the threshold", [new LinkEvidence("username", "edit_distance_2", 2.25, "amber_fox ~ slow_comet")])],
        [new SharedAddress("203.0.113.9", "vpn", "exits.txt")],
        new ResolutionStats(3, 2, 3, 1, 1, 1, 0));

    public static Task<long> StoreAsync(CaseStore store, long importId) =>
        store.WriteAsync(new AuditIntent("tester", "persons.resolve"),
            (w, ct) => PersonsStore.WriteRunAsync(w, importId, [], new ResolutionOptions(), HandBuilt(), "tester", ct), id => $"persons run {id}", CancellationToken.None);
}
