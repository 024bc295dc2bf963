using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases.Deconfliction;

/// <summary>
/// The deconfliction register (the <c>deconfliction_*</c> tables, migration 12): other agencies' claims on identifiers,
/// the imports they came in, and each claim's status history. Claims are matched to persons when read
/// (<see cref="MatchAsync"/>), against the latest persons run, so a re-resolution moves the matches with it; nothing
/// about persons is stored here.
/// </summary>
public sealed partial class DeconflictionStore
{
    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public DeconflictionStore(CaseStore store) => _store = store;

    /// <summary>
    /// Writes one claims file inside <paramref name="write"/>: the import row, each claim with its identifiers, and each
    /// claim's first history step (none → its status, "imported from FILE RECORD"). Refuses a file already imported
    /// (by SHA-256) and a claim whose agency and reference are already in the register.
    /// </summary>
    public static async Task<ClaimsImportInfo> WriteImportAsync(CaseWrite write, ClaimsImportSource source, IReadOnlyList<NewClaim> claims, long badRecords,
        string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(claims);
        var connection = write.Connection;
        var tx = write.Transaction;
        if (await CaseDatabase.ScalarAsync(connection, tx, "SELECT import_id FROM deconfliction_imports WHERE sha256 = @s", cancellationToken, ("@s", source.Sha256))
            is { } existing)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                $"{source.FileName} was already imported as deconfliction import {Convert.ToInt64(existing, CultureInfo.InvariantCulture)} (sha256 {source.Sha256}); a file is imported once"));
        }

        var identifiers = claims.Sum(c => (long)c.Identifiers.Count);
        await CaseDatabase.ExecuteAsync(connection, tx, """
            INSERT INTO deconfliction_imports (file_name, sha256, format, claims, identifiers, bad_records, imported_utc, imported_by)
            VALUES (@f, @s, @m, @c, @i, @b, @u, @a)
            """, cancellationToken,
            ("@f", source.FileName), ("@s", source.Sha256), ("@m", source.Format), ("@c", (long)claims.Count), ("@i", identifiers), ("@b", badRecords),
            ("@u", write.NowUtc), ("@a", actor));
        var importId = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT import_id FROM deconfliction_imports WHERE sha256 = @s",
            cancellationToken, ("@s", source.Sha256)), CultureInfo.InvariantCulture);
        foreach (var c in claims)
        {
            if (await CaseDatabase.ScalarAsync(connection, tx, "SELECT claim_id FROM deconfliction_claims WHERE agency = @a AND claim_reference = @r",
                    cancellationToken, ("@a", c.Agency), ("@r", c.ClaimReference)) is { } dup)
            {
                throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                    $"{source.FileName} {c.Record}: {c.Agency} claim {c.ClaimReference} is already claim {Convert.ToInt64(dup, CultureInfo.InvariantCulture)} of the register"));
            }

            await CaseDatabase.ExecuteAsync(connection, tx, """
                INSERT INTO deconfliction_claims (import_id, record, claim_reference, agency, agency_country, case_reference, status, handling_code, received_utc)
                VALUES (@i, @rec, @r, @a, @c, @cr, @s, @h, @t)
                """, cancellationToken,
                ("@i", importId), ("@rec", c.Record), ("@r", c.ClaimReference), ("@a", c.Agency), ("@c", c.AgencyCountry), ("@cr", c.CaseReference),
                ("@s", c.Status), ("@h", c.HandlingCode), ("@t", c.ReceivedUtc));
            var claimId = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx,
                "SELECT claim_id FROM deconfliction_claims WHERE agency = @a AND claim_reference = @r", cancellationToken,
                ("@a", c.Agency), ("@r", c.ClaimReference)), CultureInfo.InvariantCulture);
            for (var i = 0; i < c.Identifiers.Count; i++)
            {
                var id = c.Identifiers[i];
                await CaseDatabase.ExecuteAsync(connection, tx,
                    "INSERT INTO deconfliction_identifiers (claim_id, position, type, value, normalised) VALUES (@c, @p, @t, @v, @n)", cancellationToken,
                    ("@c", claimId), ("@p", i), ("@t", id.Type), ("@v", id.Value), ("@n", id.Normalised));
            }

            await InsertHistoryAsync(write, claimId, 1, actor, null, c.Status, $"imported from {source.FileName} {c.Record}", cancellationToken);
        }

        return new ClaimsImportInfo(importId, source.FileName, source.Sha256, source.Format, claims.Count, identifiers, badRecords, write.NowUtc, actor);
    }

    /// <summary>
    /// Moves claim <paramref name="claimId"/> to <paramref name="to"/> inside <paramref name="write"/> and records the step
    /// (who, when, from, to, why). Refuses an unknown claim, an unknown status and a move to the status the claim has.
    /// </summary>
    public static async Task<ClaimStatusChange> SetStatusAsync(CaseWrite write, long claimId, string to, string reason, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!ClaimStatuses.All.Contains(to))
        {
            throw new CaseStoreException($"'{to}' is not a claim status ({string.Join(", ", ClaimStatuses.All)})");
        }

        var from = await CaseDatabase.ScalarAsync(write.Connection, write.Transaction, "SELECT status FROM deconfliction_claims WHERE claim_id = @c",
            cancellationToken, ("@c", claimId)) as string ?? throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"no claim {claimId} in the register"));
        if (from == to)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture, $"claim {claimId} is already {to}"));
        }

        var seq = Convert.ToInt32(await CaseDatabase.ScalarAsync(write.Connection, write.Transaction,
            "SELECT MAX(seq) FROM deconfliction_status_history WHERE claim_id = @c", cancellationToken, ("@c", claimId)), CultureInfo.InvariantCulture) + 1;
        await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, "UPDATE deconfliction_claims SET status = @s WHERE claim_id = @c", cancellationToken,
            ("@s", to), ("@c", claimId));
        await InsertHistoryAsync(write, claimId, seq, actor, from, to, reason.Trim(), cancellationToken);
        return new ClaimStatusChange(claimId, seq, write.NowUtc, actor, from, to, reason.Trim());
    }

    private static Task<int> InsertHistoryAsync(CaseWrite write, long claimId, int seq, string actor, string? from, string to, string reason,
        CancellationToken cancellationToken) =>
        CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, """
            INSERT INTO deconfliction_status_history (claim_id, seq, time_utc, actor, from_status, to_status, reason)
            VALUES (@c, @q, @t, @a, @f, @s, @r)
            """, cancellationToken,
            ("@c", claimId), ("@q", seq), ("@t", write.NowUtc), ("@a", actor), ("@f", from), ("@s", to), ("@r", reason));

    /// <summary>Every import of a claims file, oldest first.</summary>
    public async Task<IReadOnlyList<ClaimsImportInfo>> ImportsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT import_id, file_name, sha256, format, claims, identifiers, bad_records, imported_utc, imported_by FROM deconfliction_imports ORDER BY import_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ClaimsImportInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ClaimsImportInfo(L(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), L(reader, 4), L(reader, 5), L(reader, 6),
                reader.GetString(7), reader.GetString(8)));
        }

        return list;
    }

    /// <summary>Every claim of the register with its identifiers, by claim id.</summary>
    public async Task<IReadOnlyList<RegisteredClaim>> ClaimsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        return await ClaimsAsync(connection, cancellationToken);
    }

    private static async Task<List<RegisteredClaim>> ClaimsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var identifiers = new Dictionary<long, List<ClaimIdentifier>>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT claim_id, type, value, normalised FROM deconfliction_identifiers ORDER BY claim_id, position"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = L(reader, 0);
                if (!identifiers.TryGetValue(id, out var list))
                {
                    identifiers[id] = list = [];
                }

                list.Add(new ClaimIdentifier(reader.GetString(1), reader.GetString(2), reader.GetString(3)));
            }
        }

        var claims = new List<RegisteredClaim>();
        await using (var cmd = CaseDatabase.Command(connection, null, """
                         SELECT c.claim_id, c.import_id, i.file_name, c.record, c.claim_reference, c.agency, c.agency_country, c.case_reference, c.status,
                             c.handling_code, c.received_utc
                         FROM deconfliction_claims c JOIN deconfliction_imports i ON i.import_id = c.import_id ORDER BY c.claim_id
                         """))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = L(reader, 0);
                claims.Add(new RegisteredClaim(id, L(reader, 1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10),
                    identifiers.GetValueOrDefault(id) ?? []));
            }
        }

        return claims;
    }

    /// <summary>The status history of claim <paramref name="claimId"/>, oldest first (empty for an unknown claim).</summary>
    public async Task<IReadOnlyList<ClaimStatusChange>> HistoryAsync(long claimId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT claim_id, seq, time_utc, actor, from_status, to_status, reason FROM deconfliction_status_history WHERE claim_id = @c ORDER BY seq
            """, ("@c", claimId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ClaimStatusChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ClaimStatusChange(L(reader, 0), (int)L(reader, 1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetString(6)));
        }

        return list;
    }

    /// <summary>
    /// The claims on each person of the latest persons run, keyed by person number (persons no claim matches are absent;
    /// empty when persons were never resolved). Withdrawn claims are included with their status and no conflicts.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<ClaimOnPerson>>> ClaimsByPersonAsync(CancellationToken cancellationToken)
    {
        var matches = await MatchAsync(cancellationToken);
        var map = new SortedDictionary<int, List<ClaimOnPerson>>();
        foreach (var m in matches.Claims)
        {
            var c = m.Claim;
            foreach (var p in m.Persons)
            {
                if (!map.TryGetValue(p.PersonNumber, out var list))
                {
                    map[p.PersonNumber] = list = [];
                }

                list.Add(new ClaimOnPerson(c.ClaimId, c.ClaimReference, c.Agency, c.AgencyCountry, c.CaseReference, c.Status, c.HandlingCode,
                    p.MatchedBy[0].Identifier, p.Conflicts));
            }
        }

        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ClaimOnPerson>)kv.Value);
    }

    private static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
}
