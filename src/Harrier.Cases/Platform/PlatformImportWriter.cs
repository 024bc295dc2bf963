using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Harrier.Cases.Platform;

/// <summary>
/// Writes one import's rows inside the write scope that <see cref="PlatformStore.BeginImportAsync"/> was called in:
/// rows are buffered and inserted in batches (bounded memory, few round trips on PostgreSQL), and each
/// upload file is linked to an evidence file as it is added: by SHA-256, else MD5, else by path (the platform's path,
/// or a tail of it after a <c>/</c>, equal to exactly one evidence file's relative path).
/// Call <see cref="CompleteAsync"/> before the scope ends.
/// </summary>
public sealed class PlatformImportWriter
{
    private readonly CaseWrite _write;
    private readonly BatchInserter _accounts;
    private readonly BatchInserter _logins;
    private readonly BatchInserter _uploads;
    private readonly BatchInserter _files;
    private readonly BatchInserter _categorisations;
    private readonly BatchInserter _ledger;
    private readonly BatchInserter _payments;
    private readonly BatchInserter _messages;
    private DbCommand? _bySha256;
    private DbCommand? _byMd5;
    private DbCommand? _byPath;
    private long _linked;

    internal PlatformImportWriter(CaseWrite write, long importId)
    {
        _write = write;
        ImportId = importId;
        _accounts = new(write, importId, "platform_accounts", ["account_key", "username", "email", "registered_utc", "role", "is_admin:integer", "deposit_address"]);
        _logins = new(write, importId, "platform_logins", ["row_key", "account_key", "time_utc", "ip", "user_agent"]);
        _uploads = new(write, importId, "platform_uploads", ["upload_key", "account_key", "time_utc"]);
        _files = new(write, importId, "platform_upload_files", ["upload_key", "path", "sha256", "md5", "evidence_id:bigint", "linked_by"]);
        _categorisations = new(write, importId, "platform_categorisations", ["row_key", "upload_key", "category", "account_key", "time_utc"]);
        _ledger = new(write, importId, "platform_ledger", ["row_key", "account_key", "kind", "amount", "currency", "time_utc", "upload_key", "txid"]);
        _payments = new(write, importId, "platform_payments", ["row_key", "account_key", "amount", "currency", "deposit_address", "txid", "vout:bigint", "time_utc"]);
        _messages = new(write, importId, "platform_messages", ["row_key", "from_key", "to_key", "time_utc"]);
    }

    /// <summary>The import's id in <c>platform_imports</c>.</summary>
    public long ImportId { get; }

    /// <summary>Adds an account.</summary>
    public Task AddAsync(PlatformAccount a, CancellationToken cancellationToken) =>
        _accounts.AddAsync([a.AccountKey, a.Username, a.Email, a.RegisteredUtc, a.Role, a.IsAdmin ? 1 : 0, a.DepositAddress], cancellationToken);

    /// <summary>Adds a login.</summary>
    public Task AddAsync(PlatformLogin l, CancellationToken cancellationToken) =>
        _logins.AddAsync([l.RowKey, l.AccountKey, l.TimeUtc, l.Ip, l.UserAgent], cancellationToken);

    /// <summary>Adds an upload.</summary>
    public Task AddAsync(PlatformUpload u, CancellationToken cancellationToken) =>
        _uploads.AddAsync([u.UploadKey, u.AccountKey, u.TimeUtc], cancellationToken);

    /// <summary>Adds an upload file, linked to the evidence file it names (if one is found).</summary>
    public async Task AddAsync(PlatformUploadFile f, CancellationToken cancellationToken)
    {
        var (evidenceId, linkedBy) = await LinkAsync(f, cancellationToken);
        if (evidenceId is not null)
        {
            _linked++;
        }

        await _files.AddAsync([f.UploadKey, f.Path, f.Sha256, f.Md5, evidenceId, linkedBy], cancellationToken);
    }

    /// <summary>Adds a categorisation.</summary>
    public Task AddAsync(PlatformCategorisation c, CancellationToken cancellationToken) =>
        _categorisations.AddAsync([c.RowKey, c.UploadKey, c.Category, c.AccountKey, c.TimeUtc], cancellationToken);

    /// <summary>Adds a ledger entry.</summary>
    public Task AddAsync(PlatformLedgerEntry e, CancellationToken cancellationToken) =>
        _ledger.AddAsync([e.RowKey, e.AccountKey, e.Kind, e.Amount, e.Currency, e.TimeUtc, e.UploadKey, e.Txid], cancellationToken);

    /// <summary>Adds a payment.</summary>
    public Task AddAsync(PlatformPayment p, CancellationToken cancellationToken) =>
        _payments.AddAsync([p.RowKey, p.AccountKey, p.Amount, p.Currency, p.DepositAddress, p.Txid, p.Vout, p.TimeUtc], cancellationToken);

    /// <summary>Adds a message's metadata.</summary>
    public Task AddAsync(PlatformMessage m, CancellationToken cancellationToken) =>
        _messages.AddAsync([m.RowKey, m.FromKey, m.ToKey, m.TimeUtc], cancellationToken);

    /// <summary>Writes what is buffered and records the counts and the rejected-row count on the import; returns the counts.</summary>
    public async Task<PlatformCounts> CompleteAsync(long rejectedRows, CancellationToken cancellationToken)
    {
        foreach (var b in new[] { _accounts, _logins, _uploads, _files, _categorisations, _ledger, _payments, _messages })
        {
            await b.FlushAsync(cancellationToken);
            await b.CloseAsync();
        }

        foreach (var c in new[] { _bySha256, _byMd5, _byPath })
        {
            if (c is not null)
            {
                await c.DisposeAsync();
            }
        }

        var counts = new PlatformCounts(_accounts.Rows, _logins.Rows, _uploads.Rows, _files.Rows, _linked, _categorisations.Rows, _ledger.Rows,
            _payments.Rows, _messages.Rows);
        await CaseDatabase.ExecuteAsync(_write.Connection, _write.Transaction, """
            UPDATE platform_imports SET accounts = @a, logins = @l, uploads = @u, upload_files = @f, linked_files = @k, categorisations = @c,
                ledger = @g, payments = @p, messages = @m, rejected_rows = @r
            WHERE import_id = @i
            """, cancellationToken,
            ("@a", counts.Accounts), ("@l", counts.Logins), ("@u", counts.Uploads), ("@f", counts.UploadFiles), ("@k", counts.LinkedFiles),
            ("@c", counts.Categorisations), ("@g", counts.Ledger), ("@p", counts.Payments), ("@m", counts.Messages), ("@r", rejectedRows),
            ("@i", ImportId));
        return counts;
    }

    private async Task<(long? EvidenceId, string? LinkedBy)> LinkAsync(PlatformUploadFile f, CancellationToken cancellationToken)
    {
        if (f.Sha256 is not null)
        {
            _bySha256 ??= CaseDatabase.Command(_write.Connection, _write.Transaction,
                "SELECT MIN(id) FROM evidence_files WHERE sha256 = @h AND status = 'ok'", ("@h", null));
            if (await LookupAsync(_bySha256, f.Sha256, cancellationToken) is { } id)
            {
                return (id, "sha256");
            }
        }

        if (f.Md5 is not null)
        {
            _byMd5 ??= CaseDatabase.Command(_write.Connection, _write.Transaction,
                "SELECT MIN(id) FROM evidence_files WHERE md5 = @h AND status = 'ok'", ("@h", null));
            if (await LookupAsync(_byMd5, f.Md5, cancellationToken) is { } id)
            {
                return (id, "md5");
            }
        }

        if (f.Path is not null)
        {
            // The platform's path and then each tail after a '/': the exhibit may have been registered at any folder
            // of the platform's upload tree. A tail that two evidence files share links nothing (never a guess).
            // Compared as bytes (rel_path_bytes): the platform's path is text, and its UTF-8 is the name a file system holds;
            // rel_path is the escaped shown form, which differs from it for a name with a backslash or a control character.
            _byPath ??= CaseDatabase.Command(_write.Connection, _write.Transaction,
                "SELECT MIN(id), COUNT(*) FROM evidence_files WHERE rel_path_bytes = @h AND status = 'ok'", ("@h", null));
            var path = f.Path.Replace('\\', '/').TrimStart('/');
            while (path.Length > 0)
            {
                _byPath.Parameters["@h"].Value = System.Text.Encoding.UTF8.GetBytes(path);
                await using (var reader = await _byPath.ExecuteReaderAsync(cancellationToken))
                {
                    if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0))
                    {
                        return Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) == 1
                            ? (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), "path")
                            : (null, null);
                    }
                }

                var slash = path.IndexOf('/', StringComparison.Ordinal);
                path = slash < 0 ? string.Empty : path[(slash + 1)..];
            }
        }

        return (null, null);
    }

    private static async Task<long?> LookupAsync(DbCommand cmd, string value, CancellationToken cancellationToken)
    {
        cmd.Parameters["@h"].Value = value;
        var id = await cmd.ExecuteScalarAsync(cancellationToken);
        return id is null or DBNull ? null : Convert.ToInt64(id, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Inserts of one table. SQLite: one prepared single-row INSERT (in-process, nothing to save by batching, and it
    /// binds named parameters by a linear search: a 1,800-parameter statement was eight times slower). PostgreSQL: up to
    /// 2,000 rows a round trip as one array parameter per column (<c>INSERT … SELECT … FROM unnest(…)</c>), so the
    /// statement stays small whatever the batch. A column is <c>name</c> (text) or <c>name:bigint</c>/<c>name:integer</c>;
    /// the import id is always the first column.
    /// </summary>
    private sealed class BatchInserter
    {
        private readonly CaseWrite _write;
        private readonly long _importId;
        private readonly string _table;
        private readonly string[] _names;
        private readonly string[] _types;
        private readonly bool _postgres;
        private readonly List<object?[]> _pending = [];
        private DbCommand? _command;

        public BatchInserter(CaseWrite write, long importId, string table, string[] columns)
        {
            _write = write;
            _importId = importId;
            _table = table;
            _names = [.. columns.Select(c => c.Split(':')[0])];
            _types = [.. columns.Select(c => c.Contains(':', StringComparison.Ordinal) ? c.Split(':')[1] : "text")];
            _postgres = write.Store.Database.Kind == CaseDatabaseKind.PostgreSql;
        }

        public long Rows { get; private set; }

        private int BatchRows => _postgres ? 2_000 : 1;

        public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
        {
            _pending.Add(row);
            Rows++;
            if (_pending.Count >= BatchRows)
            {
                await FlushAsync(cancellationToken);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _command ??= Build();
            _command.Parameters[0].Value = _importId;
            for (var c = 0; c < _names.Length; c++)
            {
                _command.Parameters[c + 1].Value = _postgres ? Column(c) : _pending[0][c] ?? DBNull.Value;
            }

            await _command.ExecuteNonQueryAsync(cancellationToken);
            _pending.Clear();
        }

        public async Task CloseAsync()
        {
            if (_command is not null)
            {
                await _command.DisposeAsync();
            }
        }

        private object Column(int c) => _types[c] switch
        {
            "bigint" => _pending.Select(r => r[c] is null ? (long?)null : Convert.ToInt64(r[c], CultureInfo.InvariantCulture)).ToArray(),
            "integer" => _pending.Select(r => r[c] is null ? (int?)null : Convert.ToInt32(r[c], CultureInfo.InvariantCulture)).ToArray(),
            _ => _pending.Select(r => (string?)r[c]).ToArray(),
        };

        private DbCommand Build()
        {
            var sql = new StringBuilder().Append("INSERT INTO ").Append(_table).Append(" (import_id, ").AppendJoin(", ", _names).Append(") ");
            var parameters = new List<(string, object?)> { ("@i", null) };
            for (var c = 0; c < _names.Length; c++)
            {
                parameters.Add((string.Create(CultureInfo.InvariantCulture, $"@c{c}"), null));
            }

            if (_postgres)
            {
                sql.Append("SELECT @i, * FROM unnest(").AppendJoin(", ", parameters.Skip(1).Select((p, c) => $"{p.Item1}::{_types[c]}[]")).Append(')');
            }
            else
            {
                sql.Append("VALUES (").AppendJoin(", ", parameters.Select(p => p.Item1)).Append(')');
            }

            return CaseDatabase.Command(_write.Connection, _write.Transaction, sql.ToString(), [.. parameters]);
        }
    }
}
