using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases.Returns;

/// <summary>
/// Returns to data requests in the case (the <c>returns_*</c> tables, migration 8): one row in
/// <c>returns_imports</c> per imported file, and its KYC or subscriber rows. This part reads; the import writes
/// inside the case's write scope.
/// </summary>
public sealed partial class ReturnsStore
{
    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public ReturnsStore(CaseStore store) => _store = store;

    /// <summary>Every returns file imported into the case, oldest first.</summary>
    public async Task<IReadOnlyList<ReturnsImportInfo>> ImportsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT import_id, file_name, sha256, kind, format, rows_imported, rows_tied, imported_utc, imported_by FROM returns_imports ORDER BY import_id");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ReturnsImportInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReturnsImportInfo(L(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), L(reader, 5), L(reader, 6),
                reader.GetString(7), reader.GetString(8)));
        }

        return list;
    }

    /// <summary>Every exchange KYC row of the case, in import and line order.</summary>
    public async Task<IReadOnlyList<ReturnedKyc>> KycAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT k.id, k.import_id, i.file_name, k.line, k.exchange, k.customer_id, k.withdrawal_txid, k.withdrawal_vout, k.withdrawal_address,
                k.full_name, k.given_name, k.surname, k.date_of_birth, k.street, k.town, k.postcode, k.country, k.id_type, k.id_number,
                k.registration_ip, k.registered_utc, k.request_actor, k.deposit_addresses
            FROM returns_kyc k JOIN returns_imports i ON i.import_id = k.import_id ORDER BY k.import_id, k.line, k.id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ReturnedKyc>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReturnedKyc(L(reader, 0), L(reader, 1), reader.GetString(2), L(reader, 3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                L(reader, 7), S(reader, 8), S(reader, 9), S(reader, 10), S(reader, 11), S(reader, 12), S(reader, 13), S(reader, 14), S(reader, 15), S(reader, 16),
                S(reader, 17), S(reader, 18), S(reader, 19), S(reader, 20), S(reader, 21), SplitAddresses(S(reader, 22))));
        }

        return list;
    }

    /// <summary>Every ISP subscriber row of the case, in import and line order.</summary>
    public async Task<IReadOnlyList<ReturnedSubscriber>> SubscribersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT s.id, s.import_id, i.file_name, s.line, s.isp, s.ip, s.lease_from_utc, s.lease_to_utc, s.customer_ref, s.subscriber_name,
                s.given_name, s.surname, s.date_of_birth, s.street, s.town, s.postcode, s.country, s.service, s.subscriber_since_utc
            FROM returns_subscribers s JOIN returns_imports i ON i.import_id = s.import_id ORDER BY s.import_id, s.line, s.id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<ReturnedSubscriber>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ReturnedSubscriber(L(reader, 0), L(reader, 1), reader.GetString(2), L(reader, 3), reader.GetString(4), reader.GetString(5),
                reader.GetString(6), reader.GetString(7), S(reader, 8), S(reader, 9), S(reader, 10), S(reader, 11), S(reader, 12), S(reader, 13), S(reader, 14),
                S(reader, 15), S(reader, 16), S(reader, 17), S(reader, 18)));
        }

        return list;
    }

    /// <summary>Deposit addresses are kept as one space-separated text column (addresses hold no spaces).</summary>
    internal static string? JoinAddresses(IReadOnlyCollection<string> addresses) => addresses.Count == 0 ? null : string.Join(' ', addresses);

    private static string[] SplitAddresses(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static long L(DbDataReader reader, int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static string? S(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
}
