using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases.Returns;

/// <summary>The write side of the returns tables: an import of one file, inside the case's write scope.</summary>
public sealed partial class ReturnsStore
{
    /// <summary>The import of the file whose SHA-256 is <paramref name="sha256"/>, if it was imported.</summary>
    public async Task<ReturnsImportInfo?> FindAsync(string sha256, CancellationToken cancellationToken) =>
        (await ImportsAsync(cancellationToken)).FirstOrDefault(i => string.Equals(i.Sha256, sha256, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Starts the import of one returns file inside <paramref name="write"/>: refuses a file already imported (same
    /// SHA-256; a file is imported once, since its rows twice would double every answer), records the import and returns
    /// the writer its rows go through. Call <see cref="ReturnsImportWriter.CompleteAsync"/> before the scope ends.
    /// </summary>
    public static async Task<ReturnsImportWriter> BeginImportAsync(CaseWrite write, ReturnsImportSource source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(source);
        var sha256 = source.Sha256.ToLowerInvariant();
        var existing = await CaseDatabase.ScalarAsync(write.Connection, write.Transaction, "SELECT import_id FROM returns_imports WHERE sha256 = @s",
            cancellationToken, ("@s", sha256));
        if (existing is not null)
        {
            throw new CaseStoreException(string.Create(CultureInfo.InvariantCulture,
                $"{source.FileName} was already imported as returns import {Convert.ToInt64(existing, CultureInfo.InvariantCulture)} (sha256 {sha256}); a file is imported once"));
        }

        await CaseDatabase.ExecuteAsync(write.Connection, write.Transaction, """
            INSERT INTO returns_imports (file_name, sha256, kind, format, rows_imported, rows_tied, imported_utc, imported_by)
            VALUES (@f, @s, @k, @m, 0, 0, @u, @a)
            """, cancellationToken,
            ("@f", source.FileName), ("@s", sha256), ("@k", source.Kind), ("@m", source.Format), ("@u", write.NowUtc), ("@a", actor));
        var id = Convert.ToInt64(await CaseDatabase.ScalarAsync(write.Connection, write.Transaction, "SELECT import_id FROM returns_imports WHERE sha256 = @s",
            cancellationToken, ("@s", sha256)), CultureInfo.InvariantCulture);
        return new ReturnsImportWriter(write, id);
    }
}

/// <summary>A returns file about to be imported: its name (no folder), SHA-256, kind (<c>kyc</c>/<c>isp</c>) and format (<c>csv</c>/<c>json</c>).</summary>
public sealed record ReturnsImportSource(string FileName, string Sha256, string Kind, string Format);

/// <summary>
/// Writes one returns file's rows inside the write scope <see cref="ReturnsStore.BeginImportAsync"/> was called in: one
/// prepared single-row INSERT per table (returns are answers to requests, hundreds or thousands of rows, not millions).
/// The <c>Id</c>, <c>ImportId</c> and <c>FileName</c> of the rows added are the store's and are ignored.
/// </summary>
public sealed class ReturnsImportWriter
{
    private readonly CaseWrite _write;
    private DbCommand? _kyc;
    private DbCommand? _subscriber;

    internal ReturnsImportWriter(CaseWrite write, long importId)
    {
        _write = write;
        ImportId = importId;
    }

    /// <summary>The import's id in <c>returns_imports</c>.</summary>
    public long ImportId { get; }

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>KYC rows added so far that answer a request (<see cref="ReturnedKyc.RequestActor"/> set).</summary>
    public long RowsTied { get; private set; }

    /// <summary>Adds an exchange KYC row.</summary>
    public async Task AddAsync(ReturnedKyc k, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(k);
        _kyc ??= CaseDatabase.Command(_write.Connection, _write.Transaction, """
            INSERT INTO returns_kyc (import_id, line, exchange, customer_id, withdrawal_txid, withdrawal_vout, withdrawal_address, full_name, given_name,
                surname, date_of_birth, street, town, postcode, country, id_type, id_number, registration_ip, registered_utc, request_actor, deposit_addresses)
            VALUES (@i, @l, @c0, @c1, @c2, @c3, @c4, @c5, @c6, @c7, @c8, @c9, @c10, @c11, @c12, @c13, @c14, @c15, @c16, @c17, @c18)
            """, Parameters(19));
        await RunAsync(_kyc, k.Line, [k.Exchange, k.CustomerId, k.WithdrawalTxid, k.WithdrawalVout, k.WithdrawalAddress, k.FullName, k.GivenName, k.Surname,
            k.DateOfBirth, k.Street, k.Town, k.Postcode, k.Country, k.IdType, k.IdNumber, k.RegistrationIp, k.RegisteredUtc, k.RequestActor,
            ReturnsStore.JoinAddresses(k.DepositAddresses)], cancellationToken);
        if (k.RequestActor is not null)
        {
            RowsTied++;
        }
    }

    /// <summary>Adds an ISP subscriber row.</summary>
    public async Task AddAsync(ReturnedSubscriber s, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        _subscriber ??= CaseDatabase.Command(_write.Connection, _write.Transaction, """
            INSERT INTO returns_subscribers (import_id, line, isp, ip, lease_from_utc, lease_to_utc, customer_ref, subscriber_name, given_name, surname,
                date_of_birth, street, town, postcode, country, service, subscriber_since_utc)
            VALUES (@i, @l, @c0, @c1, @c2, @c3, @c4, @c5, @c6, @c7, @c8, @c9, @c10, @c11, @c12, @c13, @c14)
            """, Parameters(15));
        await RunAsync(_subscriber, s.Line, [s.Isp, s.Ip, s.LeaseFromUtc, s.LeaseToUtc, s.CustomerRef, s.SubscriberName, s.GivenName, s.Surname, s.DateOfBirth,
            s.Street, s.Town, s.Postcode, s.Country, s.Service, s.SubscriberSinceUtc], cancellationToken);
    }

    /// <summary>Records the row counts on the import; returns (rows, rows tied).</summary>
    public async Task<(long Rows, long RowsTied)> CompleteAsync(CancellationToken cancellationToken)
    {
        foreach (var c in new[] { _kyc, _subscriber })
        {
            if (c is not null)
            {
                await c.DisposeAsync();
            }
        }

        _kyc = _subscriber = null;
        await CaseDatabase.ExecuteAsync(_write.Connection, _write.Transaction,
            "UPDATE returns_imports SET rows_imported = @r, rows_tied = @t WHERE import_id = @i", cancellationToken,
            ("@r", Rows), ("@t", RowsTied), ("@i", ImportId));
        return (Rows, RowsTied);
    }

    private static (string, object?)[] Parameters(int columns) =>
        [("@i", null), ("@l", null), .. Enumerable.Range(0, columns).Select(c => (string.Create(CultureInfo.InvariantCulture, $"@c{c}"), (object?)null))];

    private async Task RunAsync(DbCommand cmd, long line, object?[] values, CancellationToken cancellationToken)
    {
        cmd.Parameters[0].Value = ImportId;
        cmd.Parameters[1].Value = line;
        for (var c = 0; c < values.Length; c++)
        {
            cmd.Parameters[c + 2].Value = values[c] ?? DBNull.Value;
        }

        await cmd.ExecuteNonQueryAsync(cancellationToken);
        Rows++;
    }
}
