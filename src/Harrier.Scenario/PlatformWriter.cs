using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Harrier.Scenario;

/// <summary>
/// Writes the platform's own database twice from one table model: a SQLite file and a plain-SQL PostgreSQL dump
/// (loads with psql). Timestamps are UTC text, as a PHP-era platform would have kept them.
/// </summary>
internal static class PlatformWriter
{
    private sealed record Table(string Name, string[] Columns, string Ddl, IEnumerable<object?[]> Rows);

    private static string Ts(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static IEnumerable<Table> Tables(World w)
    {
        var person = w.Persons.ToDictionary(p => p.Id);
        yield return new Table("users", ["id", "username", "email", "role", "created_at", "deposit_address"],
            "id BIGINT PRIMARY KEY, username TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL, deposit_address TEXT NOT NULL",
            w.Accounts.Select(a => new object?[] { a.Id, a.Username, a.Email, person[a.PersonId].Roles.HasFlag(PersonRole.Admin) ? "admin" : "member", Ts(a.CreatedUnix), a.DepositAddress }));
        yield return new Table("logins", ["id", "user_id", "ip", "user_agent", "logged_in_at"],
            "id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, ip TEXT NOT NULL, user_agent TEXT NOT NULL, logged_in_at TEXT NOT NULL",
            w.Logins.Select(l => new object?[] { l.Id, l.AccountId, l.Ip, l.UserAgent, Ts(l.UnixTime) }));
        yield return new Table("videos", ["id", "uploader_id", "title", "description", "uploaded_at"],
            "id BIGINT PRIMARY KEY, uploader_id BIGINT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, uploaded_at TEXT NOT NULL",
            w.Uploads.Select(u => new object?[] { u.Id, u.AccountId, u.Title, u.Description, Ts(u.UnixTime) }));
        yield return new Table("video_files", ["video_id", "quality", "height", "path"],
            "video_id BIGINT NOT NULL, quality TEXT NOT NULL, height INTEGER NOT NULL, path TEXT NOT NULL",
            w.Renditions.Select(r => new object?[] { r.UploadId, r.Quality, r.Height, r.RelPath }));
        yield return new Table("video_categories", ["video_id", "category", "assigned_by", "assigned_at"],
            "video_id BIGINT NOT NULL, category TEXT NOT NULL, assigned_by BIGINT NOT NULL, assigned_at TEXT NOT NULL",
            w.PlatformCategories.Select(c => new object?[] { c.UploadId, c.Label, c.AccountId, Ts(c.UnixTime) }));
        yield return new Table("views", ["user_id", "video_id", "kind", "viewed_at"],
            "user_id BIGINT NOT NULL, video_id BIGINT NOT NULL, kind TEXT NOT NULL, viewed_at TEXT NOT NULL",
            w.Views.Select(v => new object?[] { v.AccountId, v.UploadId, v.Kind, Ts(v.UnixTime) }));
        yield return new Table("token_ledger", ["id", "user_id", "kind", "tokens", "created_at", "video_id", "txid"],
            "id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, kind TEXT NOT NULL, tokens BIGINT NOT NULL, created_at TEXT NOT NULL, video_id BIGINT, txid TEXT",
            w.Ledger.Select(l => new object?[] { l.Id, l.AccountId, l.Kind, l.Tokens, Ts(l.UnixTime), l.UploadId, l.PaymentTxid }));
        yield return new Table("payments", ["id", "user_id", "deposit_address", "txid", "vout", "satoshis", "seen_at"],
            "id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, deposit_address TEXT NOT NULL, txid TEXT NOT NULL, vout INTEGER NOT NULL, satoshis BIGINT NOT NULL, seen_at TEXT NOT NULL",
            w.Payments.Select(p => new object?[] { p.Id, p.AccountId, p.DepositAddress, p.Txid, p.Vout, p.Satoshis, Ts(p.UnixTime) }));
        yield return new Table("messages", ["from_user", "to_user", "sent_at", "body"],
            "from_user BIGINT NOT NULL, to_user BIGINT NOT NULL, sent_at TEXT NOT NULL, body TEXT NOT NULL",
            w.Messages.Select(m => new object?[] { m.From, m.To, Ts(m.UnixTime), m.Body }));
    }

    public static void WriteSqlite(World world, string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var conn = new SqliteConnection(cs);
        conn.Open();
        // A file written once from scratch: no rollback journal, no fsync per commit (ten million ledger rows).
        using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;";
            pragma.ExecuteNonQuery();
        }

        foreach (var table in Tables(world))
        {
            using var tx = conn.BeginTransaction();
            using (var create = conn.CreateCommand())
            {
#pragma warning disable CA2100 // table model is ours
                create.CommandText = $"CREATE TABLE {table.Name} ({table.Ddl})";
                create.ExecuteNonQuery();
            }

            using var insert = conn.CreateCommand();
            insert.CommandText = $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns)}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i))})";
#pragma warning restore CA2100
            var parameters = table.Columns.Select((_, i) => insert.Parameters.Add("$p" + i, SqliteType.Text)).ToArray();
            foreach (var row in table.Rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    parameters[i].SqliteType = row[i] is string or null ? SqliteType.Text : SqliteType.Integer;
                    parameters[i].Value = row[i] ?? DBNull.Value;
                }

                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public static void WritePostgresDump(World world, string path)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        w.WriteLine("-- Seized platform database (synthetic, Harrier scenario generator). Load with: psql -f platform.sql");
        w.WriteLine("SET client_encoding = 'UTF8';");
        w.WriteLine("BEGIN;");
        foreach (var table in Tables(world))
        {
            w.WriteLine($"CREATE TABLE {table.Name} ({table.Ddl});");
            w.WriteLine($"COPY {table.Name} ({string.Join(", ", table.Columns)}) FROM stdin;");
            foreach (var row in table.Rows)
            {
                w.WriteLine(string.Join('\t', row.Select(CopyValue)));
            }

            w.WriteLine("\\.");
        }

        w.WriteLine("COMMIT;");
    }

    /// <summary>A value in COPY text format: \N for NULL, backslash escapes for tab, newline and backslash.</summary>
    private static string CopyValue(object? value) => value switch
    {
        null => "\\N",
        string s => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
