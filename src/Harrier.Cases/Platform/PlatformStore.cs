using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Harrier.Cases.Platform;

/// <summary>
/// The seized platform's own records in the case (the <c>platform_*</c> tables): one row in <c>platform_imports</c>
/// per import, and the accounts, logins, uploads and their files, categorisations, ledger, payments and message
/// metadata it brought, each row tagged with its import. Written only inside the case's write scope
/// (<see cref="BeginImportAsync"/>); a source is imported once (<c>source_id</c> is unique).
/// </summary>
public sealed class PlatformStore
{
    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public PlatformStore(CaseStore store) => _store = store;

    /// <summary>
    /// Starts an import inside <paramref name="write"/>: refuses a source already imported (same <see cref="PlatformImportSource.SourceId"/>),
    /// records the import and returns the writer its rows go through.
    /// </summary>
    public static async Task<PlatformImportWriter> BeginImportAsync(CaseWrite write, PlatformImportSource source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(source);
        var connection = write.Connection;
        var tx = write.Transaction;
        var existing = await CaseDatabase.ScalarAsync(connection, tx, "SELECT import_id FROM platform_imports WHERE source_id = @s", cancellationToken,
            ("@s", source.SourceId));
        if (existing is not null)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                $"this source was already imported as platform import {Convert.ToInt64(existing, CultureInfo.InvariantCulture)} ({source.SourceId}); a source is imported once"));
        }

        await CaseDatabase.ExecuteAsync(connection, tx, """
            INSERT INTO platform_imports (source, source_kind, source_id, mapping_sha256, mapping, accounts, logins, uploads, upload_files, linked_files,
                categorisations, ledger, payments, messages, rejected_rows, imported_utc, imported_by)
            VALUES (@s, @k, @i, @m, @t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, @u, @a)
            """, cancellationToken,
            ("@s", source.Source), ("@k", source.SourceKind), ("@i", source.SourceId), ("@m", source.MappingSha256), ("@t", source.Mapping),
            ("@u", write.NowUtc), ("@a", actor));
        var id = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT import_id FROM platform_imports WHERE source_id = @s", cancellationToken,
            ("@s", source.SourceId)), CultureInfo.InvariantCulture);
        return new PlatformImportWriter(write, id);
    }

    /// <summary>The import of <paramref name="sourceId"/>, if there is one.</summary>
    public async Task<PlatformImportInfo?> FindAsync(string sourceId, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(i => i.SourceId == sourceId);

    /// <summary>Every platform import of the case, oldest first.</summary>
    public async Task<IReadOnlyList<PlatformImportInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT import_id, source, source_kind, source_id, mapping_sha256, accounts, logins, uploads, upload_files, linked_files,
                categorisations, ledger, payments, messages, rejected_rows, imported_utc, imported_by
            FROM platform_imports ORDER BY import_id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<PlatformImportInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            long L(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            list.Add(new PlatformImportInfo(L(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                new PlatformCounts(L(5), L(6), L(7), L(8), L(9), L(10), L(11), L(12), L(13)), L(14), reader.GetString(15), reader.GetString(16)));
        }

        return list;
    }

    /// <summary>The rows actually stored for <paramref name="importId"/>, counted table by table (what an import's counts must equal).</summary>
    public async Task<PlatformCounts> CountRowsAsync(long importId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        async Task<long> Count(string sql) => Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, sql, cancellationToken, ("@i", importId)),
            CultureInfo.InvariantCulture);
        return new PlatformCounts(
            await Count("SELECT COUNT(*) FROM platform_accounts WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_logins WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_uploads WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_upload_files WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_upload_files WHERE import_id = @i AND evidence_id IS NOT NULL"),
            await Count("SELECT COUNT(*) FROM platform_categorisations WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_ledger WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_payments WHERE import_id = @i"),
            await Count("SELECT COUNT(*) FROM platform_messages WHERE import_id = @i"));
    }

    /// <summary>The upload files of <paramref name="importId"/> with the evidence file each is linked to.</summary>
    public async Task<IReadOnlyList<PlatformLinkedFile>> UploadFilesAsync(long importId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT upload_key, path, sha256, md5, evidence_id, linked_by FROM platform_upload_files WHERE import_id = @i ORDER BY id", ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<PlatformLinkedFile>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new PlatformLinkedFile(reader.GetString(0), Str(reader, 1), Str(reader, 2), Str(reader, 3),
                reader.IsDBNull(4) ? null : Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture), Str(reader, 5)));
        }

        return list;
    }

    /// <summary>The accounts of <paramref name="importId"/>, by key.</summary>
    public async Task<IReadOnlyList<PlatformAccount>> AccountsAsync(long importId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT account_key, username, email, registered_utc, role, is_admin, deposit_address FROM platform_accounts WHERE import_id = @i ORDER BY account_key",
            ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<PlatformAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new PlatformAccount(reader.GetString(0), Str(reader, 1), Str(reader, 2), Str(reader, 3), Str(reader, 4),
                Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) != 0, Str(reader, 6)));
        }

        return list;
    }

    /// <summary>The logins of <paramref name="importId"/> in the order they were imported, read as they are used (not held in memory).</summary>
    public async IAsyncEnumerable<PlatformLogin> LoginsAsync(long importId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT row_key, account_key, time_utc, ip, user_agent FROM platform_logins WHERE import_id = @i ORDER BY id", ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PlatformLogin(Str(reader, 0), reader.GetString(1), reader.GetString(2), Str(reader, 3), Str(reader, 4));
        }
    }

    /// <summary>The payments of <paramref name="importId"/> in the order they were imported, read as they are used.</summary>
    public async IAsyncEnumerable<PlatformPayment> PaymentsAsync(long importId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT row_key, account_key, amount, currency, deposit_address, txid, vout, time_utc FROM platform_payments WHERE import_id = @i ORDER BY id",
            ("@i", importId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new PlatformPayment(Str(reader, 0), reader.GetString(1), reader.GetString(2), Str(reader, 3), Str(reader, 4), Str(reader, 5),
                reader.IsDBNull(6) ? null : Convert.ToInt64(reader.GetValue(6), CultureInfo.InvariantCulture), Str(reader, 7));
        }
    }

    /// <summary>One account of <paramref name="importId"/>, or null.</summary>
    public async Task<PlatformAccount?> AccountAsync(long importId, string accountKey, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT account_key, username, email, registered_utc, role, is_admin, deposit_address FROM platform_accounts WHERE import_id = @i AND account_key = @k",
            ("@i", importId), ("@k", accountKey));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PlatformAccount(reader.GetString(0), Str(reader, 1), Str(reader, 2), Str(reader, 3), Str(reader, 4),
                Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture) != 0, Str(reader, 6))
            : null;
    }

    /// <summary>
    /// What one account did on the platform, from the import's tables: first and last login, login count, the distinct
    /// login addresses, uploads, categorisations, payments (count and sum per currency) and ledger spend (entries of kind
    /// <c>spend</c>, count and sum per currency). Amounts are summed as invariant decimals.
    /// </summary>
    public async Task<PlatformActivity> ActivityAsync(long importId, string accountKey, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        (string, object?)[] args = [("@i", importId), ("@k", accountKey)];
        string? first = null, last = null;
        long logins = 0;
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT MIN(time_utc), MAX(time_utc), COUNT(*) FROM platform_logins WHERE import_id = @i AND account_key = @k", args))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                (first, last, logins) = (Str(reader, 0), Str(reader, 1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
            }
        }

        var ips = new List<string>();
        await using (var cmd = CaseDatabase.Command(connection, null,
                         "SELECT DISTINCT ip FROM platform_logins WHERE import_id = @i AND account_key = @k AND ip IS NOT NULL ORDER BY ip", args))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ips.Add(reader.GetString(0));
            }
        }

        async Task<long> Count(string sql) => Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, sql, cancellationToken, args), CultureInfo.InvariantCulture);
        var uploads = await Count("SELECT COUNT(*) FROM platform_uploads WHERE import_id = @i AND account_key = @k");
        var categorisations = await Count("SELECT COUNT(*) FROM platform_categorisations WHERE import_id = @i AND account_key = @k");

        async Task<IReadOnlyList<PlatformAmount>> Sums(string sql)
        {
            var sums = new SortedDictionary<string, (long Count, decimal Sum)>(StringComparer.Ordinal);
            await using var cmd = CaseDatabase.Command(connection, null, sql, args);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var currency = Str(reader, 1) ?? "";
                var amount = decimal.TryParse(reader.GetString(0), NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ? a : 0m;
                var (n, sum) = sums.GetValueOrDefault(currency);
                sums[currency] = (n + 1, sum + amount);
            }

            return [.. sums.Select(p => new PlatformAmount(p.Key.Length == 0 ? null : p.Key, p.Value.Count, p.Value.Sum.ToString(CultureInfo.InvariantCulture)))];
        }

        var payments = await Sums("SELECT amount, currency FROM platform_payments WHERE import_id = @i AND account_key = @k");
        var spend = await Sums("SELECT amount, currency FROM platform_ledger WHERE import_id = @i AND account_key = @k AND kind = 'spend'");
        return new PlatformActivity(first, last, logins, ips, uploads, categorisations, payments, spend);
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
