using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases.Platform;

/// <summary>One thing an account did on the platform, at a time, as its tables recorded it (no media, no message content).</summary>
/// <param name="TimeUtc">When, as the platform stored it (null when it did not).</param>
/// <param name="AccountKey">The account.</param>
/// <param name="Kind">registered, login, upload, categorisation or payment.</param>
/// <param name="Detail">What: the login address, the upload's key and file count, the category given, the amount and where it went.</param>
/// <param name="Reference">A key to follow: the upload key, or the payment's txid:vout.</param>
public sealed record PlatformEvent(string? TimeUtc, string AccountKey, string Kind, string Detail, string? Reference);

/// <summary>A page of a timeline: the events shown and how many of each kind there are in all.</summary>
public sealed record PlatformTimelinePage(IReadOnlyList<PlatformEvent> Events, IReadOnlyDictionary<string, long> Totals, bool Truncated);

/// <summary>
/// The timeline of a set of accounts (a person's) from an import's tables: registration, logins, uploads,
/// categorisations and payments, oldest first. Each kind is read up to a limit (a platform account can log in tens of
/// thousands of times); the totals say how many there are in all.
/// </summary>
public sealed class PlatformTimeline(CaseStore store)
{
    /// <summary>The events of <paramref name="accountKeys"/>, at most <paramref name="perKind"/> of each kind (the earliest), merged by time.</summary>
    public async Task<PlatformTimelinePage> EventsAsync(long importId, IReadOnlyList<string> accountKeys, int perKind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountKeys);
        ArgumentOutOfRangeException.ThrowIfLessThan(perKind, 1);
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var events = new List<PlatformEvent>();
        var totals = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var truncated = false;
        foreach (var key in accountKeys)
        {
            (string, object?)[] args = [("@i", importId), ("@k", key), ("@n", (long)perKind + 1)];
            async Task Read(string kind, string countSql, string sql, Func<DbDataReader, PlatformEvent> map)
            {
                var total = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, countSql, cancellationToken, args), CultureInfo.InvariantCulture);
                totals[kind] = totals.GetValueOrDefault(kind) + total;
                truncated |= total > perKind;
                await using var cmd = CaseDatabase.Command(connection, null, sql, args);
                await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
                var n = 0;
                while (n++ < perKind && await reader.ReadAsync(cancellationToken))
                {
                    events.Add(map(reader));
                }
            }

            await Read("registered", "SELECT COUNT(*) FROM platform_accounts WHERE import_id = @i AND account_key = @k AND @n > 0",
                "SELECT registered_utc, username, role, is_admin FROM platform_accounts WHERE import_id = @i AND account_key = @k AND @n > 0",
                r => new PlatformEvent(Str(r, 0), key, "registered",
                    $"registered as {Str(r, 1) ?? "(no username)"}" + (Str(r, 2) is { } role ? $", role {role}" : "") +
                    (Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture) != 0 ? ", administrator" : ""), null));
            await Read("login", "SELECT COUNT(*) FROM platform_logins WHERE import_id = @i AND account_key = @k AND @n > 0",
                "SELECT time_utc, ip, user_agent FROM platform_logins WHERE import_id = @i AND account_key = @k ORDER BY time_utc LIMIT @n",
                r => new PlatformEvent(Str(r, 0), key, "login", $"from {Str(r, 1) ?? "(no address)"}" + (Str(r, 2) is { } ua ? $" ({ua})" : ""), null));
            await Read("upload", "SELECT COUNT(*) FROM platform_uploads WHERE import_id = @i AND account_key = @k AND @n > 0", """
                SELECT u.time_utc, u.upload_key, (SELECT COUNT(*) FROM platform_upload_files f WHERE f.import_id = u.import_id AND f.upload_key = u.upload_key),
                       (SELECT COUNT(*) FROM platform_upload_files f WHERE f.import_id = u.import_id AND f.upload_key = u.upload_key AND f.evidence_id IS NOT NULL)
                FROM platform_uploads u WHERE u.import_id = @i AND u.account_key = @k ORDER BY u.time_utc LIMIT @n
                """,
                r => new PlatformEvent(Str(r, 0), key, "upload", string.Create(CultureInfo.InvariantCulture,
                    $"upload {r.GetString(1)}: {Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)} files, {Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture)} linked to evidence"),
                    r.GetString(1)));
            await Read("categorisation", "SELECT COUNT(*) FROM platform_categorisations WHERE import_id = @i AND account_key = @k AND @n > 0",
                "SELECT time_utc, upload_key, category FROM platform_categorisations WHERE import_id = @i AND account_key = @k ORDER BY time_utc LIMIT @n",
                r => new PlatformEvent(Str(r, 0), key, "categorisation", $"categorised upload {r.GetString(1)} as {r.GetString(2)}", r.GetString(1)));
            await Read("payment", "SELECT COUNT(*) FROM platform_payments WHERE import_id = @i AND account_key = @k AND @n > 0",
                "SELECT time_utc, amount, currency, deposit_address, txid, vout FROM platform_payments WHERE import_id = @i AND account_key = @k ORDER BY time_utc LIMIT @n",
                r => new PlatformEvent(Str(r, 0), key, "payment",
                    $"paid {r.GetString(1)} {Str(r, 2) ?? ""} to {Str(r, 3) ?? "(no deposit address)"}".Replace("  ", " ", StringComparison.Ordinal),
                    Str(r, 4) is { } txid ? (r.IsDBNull(5) ? txid : string.Create(CultureInfo.InvariantCulture, $"{txid}:{Convert.ToInt64(r.GetValue(5), CultureInfo.InvariantCulture)}")) : null));
        }

        events.Sort((a, b) => string.CompareOrdinal(a.TimeUtc ?? "\uffff", b.TimeUtc ?? "\uffff"));
        return new PlatformTimelinePage(events, totals, truncated);
    }

    /// <summary>
    /// The payments of <paramref name="accountKeys"/> (every account's when null) with their deposit address and
    /// transaction, oldest first, at most <paramref name="limit"/> (the flow graph's start).
    /// </summary>
    public async Task<IReadOnlyList<PlatformPayment>> PaymentsAsync(long importId, IReadOnlyList<string>? accountKeys, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.Database.OpenAsync(cancellationToken);
        var rows = new List<PlatformPayment>();
        const string Select = "SELECT row_key, account_key, amount, currency, deposit_address, txid, vout, time_utc FROM platform_payments WHERE import_id = @i";
        foreach (var key in accountKeys ?? [null!])
        {
            await using var cmd = key is null
                ? CaseDatabase.Command(connection, null, Select + " ORDER BY time_utc, id LIMIT @n", ("@i", importId), ("@n", (long)limit))
                : CaseDatabase.Command(connection, null, Select + " AND account_key = @k ORDER BY time_utc, id LIMIT @n", ("@i", importId), ("@k", key), ("@n", (long)limit));
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (rows.Count < limit && await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new PlatformPayment(Str(reader, 0), reader.GetString(1), reader.GetString(2), Str(reader, 3), Str(reader, 4), Str(reader, 5),
                    reader.IsDBNull(6) ? null : Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture), Str(reader, 7)));
            }
        }

        return rows;
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
