using System.Globalization;
using Harrier.Media.Hashing;

namespace Harrier.Cases.Triage;

/// <summary>A bank that does not exist in the case (the HMA API answers 404).</summary>
public sealed class UnknownBankException(string name) : CaseStoreException($"no bank named {name} in this case")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;
}

/// <summary>A bank name that is already taken.</summary>
public sealed class BankExistsException(string name) : CaseStoreException($"a bank named {name} already exists")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;
}

/// <summary>One PDQ signal of a bank: its entry id (HMA's content id), its bank and its hash.</summary>
public readonly record struct BankPdq(long Id, string Bank, Hash256 Pdq);

/// <summary>Curation one signal at a time (the HMA-compatible API): an empty bank, a PDQ signal added to a bank.</summary>
public sealed partial class BankStore
{
    /// <summary>The format recorded for a bank created empty through curation rather than imported from a file.</summary>
    public const string CuratedFormat = "curated";

    /// <summary>Creates an empty bank <paramref name="name"/>; audited as <paramref name="action"/> by <paramref name="actor"/>.</summary>
    /// <exception cref="BankExistsException">The name is taken.</exception>
    public async Task<BankInfo> CreateAsync(string name, string actor, string action, string? justification, CancellationToken cancellationToken)
    {
        CheckName(name);
        var (id, now) = await _store.WriteAsync(new AuditIntent(actor, action, justification),
            async (w, ct) =>
            {
                var exists = await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, "SELECT COUNT(*) FROM banks WHERE name = @n", ct, ("@n", name));
                if (Convert.ToInt64(exists, CultureInfo.InvariantCulture) > 0)
                {
                    throw new BankExistsException(name);
                }

                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, """
                    INSERT INTO banks (name, format, version, source, source_sha256, envelope_key, envelope_value, entries, imported_utc, imported_by)
                    VALUES (@n, @f, @v, @s, @h, NULL, NULL, 0, @t, @a)
                    """, ct,
                    ("@n", name), ("@f", CuratedFormat), ("@v", "1"), ("@s", actor), ("@h", string.Empty), ("@t", w.NowUtc), ("@a", actor));
                var bankId = Convert.ToInt64(await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, "SELECT bank_id FROM banks WHERE name = @n", ct, ("@n", name)),
                    CultureInfo.InvariantCulture);
                return (bankId, w.NowUtc);
            },
            _ => $"bank {name}: created empty",
            cancellationToken);
        return new BankInfo(id, name, CuratedFormat, "1", actor, string.Empty, 0, now, actor, [], []);
    }

    /// <summary>
    /// Adds one PDQ signal to bank <paramref name="bank"/> and returns it with its new entry id. Audited as
    /// <paramref name="action"/> by <paramref name="actor"/>; <paramref name="describe"/> adds to the audit target (the
    /// uploaded file's SHA-256 when the signal was hashed from content).
    /// </summary>
    /// <exception cref="UnknownBankException">No such bank.</exception>
    public async Task<BankPdq> AddPdqAsync(string bank, Hash256 pdq, int? quality, string actor, string action, string? describe, string? justification,
        CancellationToken cancellationToken)
    {
        var id = await _store.WriteAsync(new AuditIntent(actor, action, justification),
            async (w, ct) =>
            {
                var bankId = await CaseDatabase.ScalarAsync(w.Connection, w.Transaction, "SELECT bank_id FROM banks WHERE name = @n", ct, ("@n", bank))
                    ?? throw new UnknownBankException(bank);
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, """
                    INSERT INTO bank_entries (bank_id, pdq, pdq_quality, known_good) VALUES (@b, @p, @q, 0)
                    """, ct, ("@b", bankId), ("@p", pdq.ToString()), ("@q", quality));
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, "UPDATE banks SET entries = entries + 1 WHERE bank_id = @b", ct, ("@b", bankId));
                return Convert.ToInt64(await CaseDatabase.ScalarAsync(w.Connection, w.Transaction,
                    "SELECT MAX(id) FROM bank_entries WHERE bank_id = @b", ct, ("@b", bankId)), CultureInfo.InvariantCulture);
            },
            entry => string.Create(CultureInfo.InvariantCulture, $"bank {bank}: entry {entry} pdq {pdq}") + (describe is null ? string.Empty : " " + describe),
            cancellationToken);
        return new BankPdq(id, bank, pdq);
    }

    /// <summary>Every PDQ of every bank with its entry id, in entry order (what a lookup index is built from).</summary>
    public Task<IReadOnlyList<BankPdq>> LoadPdqAsync(CancellationToken cancellationToken) => LoadPdqAsync(0, cancellationToken);

    /// <summary>The PDQ signals of entries with an id above <paramref name="afterId"/> (what banks gained since a load), by id.</summary>
    public async Task<IReadOnlyList<BankPdq>> LoadPdqAsync(long afterId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, """
            SELECT e.id, b.name, e.pdq FROM bank_entries e JOIN banks b ON b.bank_id = e.bank_id WHERE e.pdq IS NOT NULL AND e.id > @a ORDER BY e.id
            """, ("@a", afterId));
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<BankPdq>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new BankPdq(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), Hash256.Parse(reader.GetString(2))));
        }

        return list;
    }

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 128 || name.Any(char.IsControl))
        {
            throw new CaseStoreException("a bank name is 1–128 printable characters");
        }
    }
}
