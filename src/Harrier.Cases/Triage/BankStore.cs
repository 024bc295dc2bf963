using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Harrier.Matching.Banks;
using Harrier.Media.Hashing;
using Harrier.Media.Vpdq;

namespace Harrier.Cases.Triage;

/// <summary>
/// The case's banks: hash sets imported from files, each kept whole and apart (a category from one bank never
/// overwrites another's, so conflicts stay visible). Imports are audited with the file's SHA-256.
/// </summary>
public sealed partial class BankStore
{
    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public BankStore(CaseStore store) => _store = store;

    /// <summary>Imports <paramref name="path"/> as bank <paramref name="name"/> (a name is used once).</summary>
    public async Task<BankInfo> ImportAsync(string path, string name, BankFormat format, string actor, string? justification,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128 || name.Any(char.IsControl))
        {
            throw new CaseStoreException("a bank name is 1–128 printable characters");
        }

        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new CaseStoreException($"no such file: {path}");
        }

        BankFile file;
        try
        {
            file = BankReader.Read(path, format);
        }
        catch (BankFormatException e)
        {
            throw new CaseStoreException($"{path}: {e.Message}", e);
        }

        if (file.Entries.Count == 0)
        {
            // No valid record (garbage, the wrong file, the wrong columns, or a header only): refused, never kept as an
            // empty bank that would match nothing and look imported.
            var why = file.Warnings.Count == 0 ? "no records" : $"{file.Warnings.Count} records skipped; first: {file.Warnings[0]}";
            throw new CaseStoreException($"{path}: no valid entry in this {file.Format} file ({why})");
        }

        string sha256;
        await using (var s = File.OpenRead(path))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(s, cancellationToken));
        }

        var (bankId, now) = await _store.WriteAsync(new AuditIntent(actor, "banks.import", justification),
            async (w, ct) =>
            {
                var connection = w.Connection;
                var tx = w.Transaction;
                var exists = await CaseDatabase.ScalarAsync(connection, tx, "SELECT COUNT(*) FROM banks WHERE name = @n", ct, ("@n", name));
                if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) > 0)
                {
                    throw new CaseStoreException($"a bank named {name} already exists");
                }

                await CaseDatabase.ExecuteAsync(connection, tx, """
                    INSERT INTO banks (name, format, version, source, source_sha256, envelope_key, envelope_value, entries, imported_utc, imported_by)
                    VALUES (@n, @f, @v, @s, @h, @ek, @ev, @c, @t, @a)
                    """, ct,
                    ("@n", name), ("@f", file.Format.ToString().ToLowerInvariant()), ("@v", file.Version), ("@s", path), ("@h", sha256),
                    ("@ek", file.Envelope?.Key), ("@ev", file.Envelope?.Value), ("@c", (long)file.Entries.Count), ("@t", w.NowUtc), ("@a", actor));
                var id = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT bank_id FROM banks WHERE name = @n", ct, ("@n", name)),
                    CultureInfo.InvariantCulture);
                await using (var cmd = CaseDatabase.Command(connection, tx, """
                    INSERT INTO bank_entries (bank_id, md5, sha1, sha256, pdq, pdq_quality, vpdq, photodna, scheme, code, known_good, external_id, series, raw)
                    VALUES (@b, @m, @s1, @s2, @p, @q, @v, @d, @sc, @co, @g, @x, @se, @r)
                    """, ("@b", id), ("@m", null), ("@s1", null), ("@s2", null), ("@p", null), ("@q", null), ("@v", null), ("@d", null),
                    ("@sc", null), ("@co", null), ("@g", 0), ("@x", null), ("@se", null), ("@r", null)))
                {
                    foreach (var e in file.Entries)
                    {
                        Set(cmd, "@m", e.Md5);
                        Set(cmd, "@s1", e.Sha1);
                        Set(cmd, "@s2", e.Sha256);
                        Set(cmd, "@p", e.Pdq?.ToString());
                        Set(cmd, "@q", e.PdqQuality);
                        Set(cmd, "@v", e.Vpdq is null ? null : string.Join('\n', e.Vpdq.Select(VpdqFormats.ToLine)));
                        Set(cmd, "@d", e.PhotoDna);
                        Set(cmd, "@sc", e.Category?.Scheme);
                        Set(cmd, "@co", e.Category?.Code);
                        Set(cmd, "@g", e.KnownGood ? 1 : 0);
                        Set(cmd, "@x", e.ExternalId);
                        Set(cmd, "@se", e.Series);
                        Set(cmd, "@r", e.Raw);
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                }

                return (id, w.NowUtc);
            },
            _ => string.Create(CultureInfo.InvariantCulture, $"bank {name}: {file.Entries.Count} entries ({file.Version}) from {path} sha256 {sha256}, {file.Warnings.Count} records skipped")
                + (file.Degraded.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", {file.Degraded.Count} fields left out of kept records")),
            cancellationToken);
        return new BankInfo(bankId, name, file.Format.ToString().ToLowerInvariant(), file.Version, path, sha256, file.Entries.Count, now, actor, file.Warnings, file.Degraded);
    }

    /// <summary>The imported banks.</summary>
    public async Task<IReadOnlyList<BankInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null,
            "SELECT bank_id, name, format, version, source, source_sha256, entries, imported_utc, imported_by FROM banks ORDER BY bank_id");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<BankInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new BankInfo(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture), reader.GetString(7), reader.GetString(8), [], []));
        }

        return list;
    }

    /// <summary>Every entry of every bank, with its bank's name.</summary>
    public async Task<IReadOnlyList<(string Bank, BankEntry Entry)>> LoadEntriesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT b.name, e.md5, e.sha1, e.sha256, e.pdq, e.pdq_quality, e.vpdq, e.photodna, e.scheme, e.code, e.known_good, e.external_id, e.series, e.raw
            FROM bank_entries e JOIN banks b ON b.bank_id = e.bank_id ORDER BY e.id
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<(string, BankEntry)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var vpdq = Str(reader, 6);
            var scheme = Str(reader, 8);
            list.Add((reader.GetString(0), new BankEntry
            {
                Md5 = Str(reader, 1),
                Sha1 = Str(reader, 2),
                Sha256 = Str(reader, 3),
                Pdq = Str(reader, 4) is { } p ? Hash256.Parse(p) : null,
                PdqQuality = reader.IsDBNull(5) ? null : Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture),
                Vpdq = vpdq is null ? null : vpdq.Split('\n').Select(VpdqFormats.ParseLine).ToList(),
                PhotoDna = Str(reader, 7),
                Category = scheme is null ? null : new BankCategory(scheme, Str(reader, 9) ?? string.Empty),
                KnownGood = Convert.ToInt64(reader.GetValue(10), CultureInfo.InvariantCulture) != 0,
                ExternalId = Str(reader, 11),
                Series = Str(reader, 12),
                Raw = Str(reader, 13),
            }));
        }

        return list;
    }

    /// <summary>The VICS envelope a bank was imported with (null for other formats).</summary>
    public async Task<KeyValuePair<string, string>?> EnvelopeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, "SELECT envelope_key, envelope_value FROM banks WHERE name = @n", ("@n", name));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)
            ? new KeyValuePair<string, string>(reader.GetString(0), reader.GetString(1))
            : null;
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static void Set(DbCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;

}
