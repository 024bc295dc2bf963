using System.Globalization;
using Harrier.Scenario.Truth;

namespace Harrier.Scenario.People;

/// <summary>Turns the people stage and the world's final logins into truth.json's <c>people</c> section.</summary>
internal static class PeopleTruthBuilder
{
    private static string Ts(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static TruthPeople From(World world, PeopleWorld people)
    {
        var personOfAccount = world.Accounts.ToDictionary(a => a.Id, a => a.PersonId);
        var accountsOf = world.Accounts.GroupBy(a => a.PersonId).ToDictionary(g => g.Key, g => g.ToList());

        // Household leases each person logged in from, and who came through each shared address.
        var leases = new Dictionary<int, SortedSet<(long Period, string Ip)>>();
        var sharedUsers = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var login in world.Logins)
        {
            var personId = personOfAccount[login.AccountId];
            var p = people.Profiles[personId - 1];
            var period = p.Isp.Period(login.UnixTime);
            if (!login.ViaAnonymiser && p.Isp.Address(p.Slot, period) == login.Ip)
            {
                if (!leases.TryGetValue(personId, out var set))
                {
                    leases[personId] = set = [];
                }

                set.Add((period, login.Ip));
            }
            else
            {
                if (!sharedUsers.TryGetValue(login.Ip, out var users))
                {
                    sharedUsers[login.Ip] = users = [];
                }

                users.Add(personId);
            }
        }

        var shared = people.Anonymisers.SelectMany(a => a.Exits.Select(ip => new TruthSharedAddress(ip, a.Kind, a.Id, null, sharedUsers.GetValueOrDefault(ip)?.Count ?? 0)))
            .Concat(people.Carriers.SelectMany(c => c.NatAddresses.Select(ip => new TruthSharedAddress(ip, "cgnat", c.Id, c.Country, sharedUsers.GetValueOrDefault(ip)?.Count ?? 0))))
            .ToList();

        return new TruthPeople
        {
            TierRule = PeopleBuilder.TierRule,
            EmailProviders = [.. EmailProviders.All.Select(p => new TruthEmailProvider(p.Domain, p.IgnoresDots, p.PlusTags))],
            Persons = people.Profiles.Select(p => new TruthPeoplePerson(p.PersonId, p.Country, p.TimeZone, p.UtcOffsetMinutes, p.ShownRoles.ToString(), p.Tier,
                [.. (accountsOf.GetValueOrDefault(p.PersonId) ?? []).Select(a => new TruthPeopleAccount(a.Id, a.Username, a.Email, EmailProviders.Normalise(a.Email)))],
                p.Isp.Id,
                [.. (leases.GetValueOrDefault(p.PersonId) ?? []).Select(l => { var (from, to) = p.Isp.Lease(l.Period); return new TruthLease(l.Ip, Ts(from), Ts(to)); })],
                [p.DesktopAgent, p.MobileAgent], p.Anonymiser?.Id)),
            SharedInfrastructure = shared,
            NearCollisions = people.NearCollisions.Select(n => new TruthNearCollision(n.AccountA, n.UsernameA, n.PersonA, n.AccountB, n.UsernameB, n.PersonB, n.Kind)),
            PriorRecordHits = people.PriorRecords.Select(r => new TruthRecordHit(r.PersonId, r.Type, r.Value)),
            Returns = new TruthReturns
            {
                SilentExchanges = people.SilentExchanges,
                Exchanges = people.Kyc.Select(k => new TruthKycReturn(k.Exchange, k.CustomerId, k.WithdrawalTxid, k.WithdrawalVout, k.PersonId, k.InRelativeName)),
                Isps = people.IspReturns.Select(x => new TruthIspReturn(x.Isp, x.Ip, Ts(x.LeaseFrom), x.PersonId, x.SubscriberIsRelative)),
            },
            Claims = people.Claims.Select(c => new TruthClaim("deconfliction/" + c.File, c.Reference, c.Agency, c.AgencyCountry, c.Status, c.IdentifierType, c.Identifier,
                c.PersonId, c.PersonId is { } id ? people.Profiles[id - 1].Country : null, c.Kind)),
        };
    }
}
