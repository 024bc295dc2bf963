using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Harrier.Cases.Keys;

namespace Harrier.Cases;

/// <summary>
/// Keeps the <see cref="TableState"/> that every signed head commits to. Triggers on every committed table copy each row
/// that appears (+1) or goes (−1), as the database's canonical text of the row, into <c>audit_pending</c> inside the writing
/// transaction; before that transaction commits, <see cref="SealAsync"/> folds those rows into the per-table HMAC sums kept
/// in <c>audit_state</c>, empties <c>audit_pending</c> and returns the state the head is signed over. Triggers see every write
/// path, so no store has to report what it changed, and a writer pays in proportion to the rows it changed. A change that
/// bypasses them (triggers dropped, a row edited with another tool) is never folded in: <c>audit verify</c> recomputes every
/// sum from the rows (<see cref="ComputeAsync"/>) and names the table that differs from the signed head.
/// </summary>
internal static class TableDigests
{
    private const string TriggerPrefix = "harrier_digest";

    /// <summary>Tables outside the digests: the chained audit log itself, the schema's bookkeeping, and the digests' own tables.</summary>
    private static readonly HashSet<string> Excluded = new(StringComparer.Ordinal) { "schema_migrations", "audit_log", "audit_pending", "audit_state" };

    /// <summary>The committed tables, by name (ordinal): every table of the case but <see cref="Excluded"/>.</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction? tx,
        CancellationToken cancellationToken)
    {
        var sql = kind == CaseDatabaseKind.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'";
        var names = new List<string>();
        await using (var cmd = CaseDatabase.Command(connection, tx, sql))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var name = reader.GetString(0);
                if (!Excluded.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Puts the digest triggers on every committed table (replacing any there), inside a write transaction, and empties
    /// <c>audit_pending</c>. Run after migrations (a SQLite trigger names its table's columns) and whenever a table lacks them.
    /// </summary>
    public static async Task InstallTriggersAsync(CaseDatabase db, DbConnection connection, CancellationToken cancellationToken)
    {
        await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
        await DropTriggersAsync(db.Kind, connection, tx, cancellationToken);
        var tables = await TablesAsync(db.Kind, connection, tx, cancellationToken);
        var sql = new StringBuilder();
        if (db.Kind == CaseDatabaseKind.PostgreSql)
        {
            sql.Append($"""
                CREATE OR REPLACE FUNCTION {TriggerPrefix}_row() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP <> 'INSERT' THEN INSERT INTO audit_pending (tbl, sign, row_text) VALUES (TG_TABLE_NAME, -1, row_to_json(OLD)::text); END IF;
                  IF TG_OP <> 'DELETE' THEN INSERT INTO audit_pending (tbl, sign, row_text) VALUES (TG_TABLE_NAME, 1, row_to_json(NEW)::text); END IF;
                  RETURN NULL;
                END $$;

                """);
            foreach (var t in tables)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"CREATE TRIGGER {TriggerPrefix} AFTER INSERT OR UPDATE OR DELETE ON \"{t}\" FOR EACH ROW EXECUTE FUNCTION {TriggerPrefix}_row();\n");
            }
        }
        else
        {
            foreach (var t in tables)
            {
                var oldText = await RowTextAsync(db.Kind, connection, tx, t, "OLD", cancellationToken);
                var newText = await RowTextAsync(db.Kind, connection, tx, t, "NEW", cancellationToken);
                sql.Append(CultureInfo.InvariantCulture, $"""
                    CREATE TRIGGER {TriggerPrefix}_i_{t} AFTER INSERT ON "{t}" BEGIN
                      INSERT INTO audit_pending (tbl, sign, row_text) VALUES ('{t}', 1, {newText}); END;
                    CREATE TRIGGER {TriggerPrefix}_u_{t} AFTER UPDATE ON "{t}" BEGIN
                      INSERT INTO audit_pending (tbl, sign, row_text) VALUES ('{t}', -1, {oldText}), ('{t}', 1, {newText}); END;
                    CREATE TRIGGER {TriggerPrefix}_d_{t} AFTER DELETE ON "{t}" BEGIN
                      INSERT INTO audit_pending (tbl, sign, row_text) VALUES ('{t}', -1, {oldText}); END;

                    """);
            }
        }

        sql.Append("DELETE FROM audit_pending;");
        await CaseDatabase.ExecuteAsync(connection, tx, sql.ToString(), cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>Drops every digest trigger (before migrations, which may change the columns a SQLite trigger names).</summary>
    public static async Task DropTriggersAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        var sql = kind == CaseDatabaseKind.Sqlite
            ? $"SELECT name, NULL FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TriggerPrefix}%'"
            : $"SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgname = '{TriggerPrefix}'";
        var drops = new List<string>();
        await using (var cmd = CaseDatabase.Command(connection, tx, sql))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                drops.Add(kind == CaseDatabaseKind.Sqlite
                    ? $"DROP TRIGGER \"{reader.GetString(0)}\";"
                    : $"DROP TRIGGER {reader.GetString(0)} ON {reader.GetString(1)};");
            }
        }

        if (drops.Count > 0)
        {
            await CaseDatabase.ExecuteAsync(connection, tx, string.Join('\n', drops), cancellationToken);
        }
    }

    /// <summary>Whether every committed table carries its digest triggers (a case opened after they were dropped gets them back).</summary>
    public static async Task<bool> TriggersInPlaceAsync(CaseDatabaseKind kind, DbConnection connection, CancellationToken cancellationToken)
    {
        var tables = await TablesAsync(kind, connection, null, cancellationToken);
        var sql = kind == CaseDatabaseKind.Sqlite
            ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TriggerPrefix}%'"
            : $"SELECT COUNT(*) FROM pg_trigger WHERE tgname = '{TriggerPrefix}'";
        var count = Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, sql, cancellationToken), CultureInfo.InvariantCulture);
        return count == tables.Count * (kind == CaseDatabaseKind.Sqlite ? 3 : 1);
    }

    /// <summary>
    /// Folds the rows the transaction changed into the table digests and returns the state to sign, or, for a case without a
    /// key (<paramref name="key"/> null), only empties <c>audit_pending</c> and returns null. A table with no digest yet, or one
    /// taken at another schema version (a case upgraded to schema 16, or by a later migration), is digested from all its rows.
    /// </summary>
    public static async Task<TableState?> SealAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction tx, byte[]? key,
        CancellationToken cancellationToken)
    {
        if (key is null)
        {
            await CaseDatabase.ExecuteAsync(connection, tx, "DELETE FROM audit_pending", cancellationToken);
            return null;
        }

        var schema = Convert.ToInt32(await CaseDatabase.ScalarAsync(connection, tx, "SELECT MAX(version) FROM schema_migrations", cancellationToken),
            CultureInfo.InvariantCulture);
        var kept = new Dictionary<string, (long Rows, Sum256 Sum)>(StringComparer.Ordinal);
        await using (var cmd = CaseDatabase.Command(connection, tx, "SELECT tbl, row_count, digest FROM audit_state WHERE schema_version = @v", ("@v", schema)))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                kept[reader.GetString(0)] = (reader.GetInt64(1), Sum256.Parse(reader.GetString(2)));
            }
        }

        var tables = await TablesAsync(kind, connection, tx, cancellationToken);
        var sums = new Dictionary<string, (long Rows, Sum256 Sum)>(StringComparer.Ordinal);
        var rebuilt = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            if (kept.TryGetValue(t, out var k))
            {
                sums[t] = k;
            }
            else
            {
                // Digested from its rows inside this transaction, so they include this transaction's own changes.
                sums[t] = await FromRowsAsync(kind, connection, tx, t, key, cancellationToken);
                rebuilt.Add(t);
            }
        }

        var changed = rebuilt.Count > 0 || kept.Count != tables.Count;
        await using (var cmd = CaseDatabase.Command(connection, tx, "SELECT tbl, sign, row_text FROM audit_pending"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var t = reader.GetString(0);
                if (rebuilt.Contains(t) || !sums.TryGetValue(t, out var s))
                {
                    continue;
                }

                var mac = RowMac(key, t, reader.GetString(2));
                sums[t] = reader.GetInt64(1) > 0 ? (s.Rows + 1, s.Sum.Add(mac)) : (s.Rows - 1, s.Sum.Subtract(mac));
                changed = true;
            }
        }

        if (changed)
        {
            await CaseDatabase.ExecuteAsync(connection, tx, "DELETE FROM audit_pending; DELETE FROM audit_state;", cancellationToken);
            await using var batch = new RowBatch(connection, tx, "audit_state", ["tbl", "row_count", "digest", "schema_version"]);
            foreach (var (t, s) in sums)
            {
                await batch.AddAsync([t, s.Rows, s.Sum.ToHex(), schema], cancellationToken);
            }

            await batch.FlushAsync(cancellationToken);
        }

        return new TableState(schema, sums.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new TableDigest(kv.Key, kv.Value.Rows, kv.Value.Sum.ToHex())).ToList());
    }

    /// <summary>The state of every committed table recomputed from all its rows (what <c>audit verify</c> compares with the signed head).</summary>
    public static async Task<TableState> ComputeAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction? tx, byte[] key,
        CancellationToken cancellationToken)
    {
        var schema = Convert.ToInt32(await CaseDatabase.ScalarAsync(connection, tx, "SELECT MAX(version) FROM schema_migrations", cancellationToken),
            CultureInfo.InvariantCulture);
        var list = new List<TableDigest>();
        foreach (var t in await TablesAsync(kind, connection, tx, cancellationToken))
        {
            var (rows, sum) = await FromRowsAsync(kind, connection, tx, t, key, cancellationToken);
            list.Add(new TableDigest(t, rows, sum.ToHex()));
        }

        return new TableState(schema, list);
    }

    /// <summary>Row changes the triggers recorded that no seal folded in (only a write outside Harrier's write scope leaves any).</summary>
    public static async Task<long> PendingAsync(DbConnection connection, DbTransaction? tx, CancellationToken cancellationToken) =>
        Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, tx, "SELECT COUNT(*) FROM audit_pending", cancellationToken), CultureInfo.InvariantCulture);

    private static async Task<(long Rows, Sum256 Sum)> FromRowsAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction? tx, string table,
        byte[] key, CancellationToken cancellationToken)
    {
        var text = await RowTextAsync(kind, connection, tx, table, "t", cancellationToken);
        long rows = 0;
        var sum = default(Sum256);
        await using var cmd = CaseDatabase.Command(connection, tx, $"SELECT {text} FROM \"{table}\" t");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sum = sum.Add(RowMac(key, table, reader.GetString(0)));
            rows++;
        }

        return (rows, sum);
    }

    /// <summary>
    /// The SQL expression of a row's canonical text: PostgreSQL's <c>row_to_json</c>; in SQLite, <c>quote()</c> of every column
    /// (which tells text from numbers, blobs and NULL) joined by commas, in the table's column order.
    /// </summary>
    private static async Task<string> RowTextAsync(CaseDatabaseKind kind, DbConnection connection, DbTransaction? tx, string table, string alias,
        CancellationToken cancellationToken)
    {
        if (kind == CaseDatabaseKind.PostgreSql)
        {
            return $"row_to_json({alias})::text";
        }

        var columns = new List<string>();
        await using (var cmd = CaseDatabase.Command(connection, tx, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        return string.Join(" || ',' || ", columns.Select(c => $"quote({alias}.\"{c}\")"));
    }

    private static byte[] RowMac(byte[] key, string table, string rowText) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(table + "\n" + rowText));

    /// <summary>A 256-bit unsigned integer modulo 2^256 (big-endian in its hex and byte forms): the sums' arithmetic, not a cipher.</summary>
    internal readonly record struct Sum256(ulong W3, ulong W2, ulong W1, ulong W0)
    {
        public Sum256 Add(ReadOnlySpan<byte> bigEndian) => Plus(FromBytes(bigEndian));

        public Sum256 Subtract(ReadOnlySpan<byte> bigEndian)
        {
            var v = FromBytes(bigEndian);
            // Two's complement: a − b = a + (~b + 1) modulo 2^256.
            return Plus(new Sum256(~v.W3, ~v.W2, ~v.W1, ~v.W0).Plus(new Sum256(0, 0, 0, 1)));
        }

        public string ToHex()
        {
            Span<byte> b = stackalloc byte[32];
            BinaryPrimitives.WriteUInt64BigEndian(b, W3);
            BinaryPrimitives.WriteUInt64BigEndian(b[8..], W2);
            BinaryPrimitives.WriteUInt64BigEndian(b[16..], W1);
            BinaryPrimitives.WriteUInt64BigEndian(b[24..], W0);
            return Convert.ToHexStringLower(b);
        }

        public static Sum256 Parse(string hex) => FromBytes(Convert.FromHexString(hex));

        private static Sum256 FromBytes(ReadOnlySpan<byte> b) => b.Length == 32
            ? new Sum256(BinaryPrimitives.ReadUInt64BigEndian(b), BinaryPrimitives.ReadUInt64BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(b[16..]), BinaryPrimitives.ReadUInt64BigEndian(b[24..]))
            : throw new CaseStoreException("a table digest is not 32 bytes: audit_state was edited");

        private Sum256 Plus(Sum256 o)
        {
            var w0 = W0 + o.W0;
            ulong c = w0 < W0 ? 1UL : 0UL;
            var w1 = W1 + o.W1 + c;
            c = (w1 < W1 || (c == 1 && w1 == W1)) ? 1UL : 0UL;
            var w2 = W2 + o.W2 + c;
            c = (w2 < W2 || (c == 1 && w2 == W2)) ? 1UL : 0UL;
            var w3 = W3 + o.W3 + c;
            return new Sum256(w3, w2, w1, w0);
        }
    }
}
