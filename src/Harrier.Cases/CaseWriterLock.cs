using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Harrier.Cases;

/// <summary>
/// The case's writer lock: one process writes a case at a time. Taken by <see cref="CaseStore.LockForWritingAsync(CaseWriter, TimeSpan, CancellationToken)"/> and
/// held until disposed; the operating system (SQLite) or the server (PostgreSQL) drops it when its process dies, kill -9
/// included, so nothing left behind blocks the next writer.
/// <list type="bullet">
/// <item>SQLite: an exclusive OS lock (<c>flock</c> on Unix, through <see cref="FileShare.None"/>) on <c>case.lock</c> in
/// the case folder; the holder then writes who it is to <c>case.writer</c>. <c>case.lock</c> is never deleted (deleting a
/// lock file lets two processes lock two different files).</item>
/// <item>PostgreSQL: a session-level advisory lock (<c>pg_try_advisory_lock</c>) on a key derived from the case id, held on
/// a connection of its own whose <c>application_name</c> says who holds it (read back through <c>pg_locks</c> and
/// <c>pg_stat_activity</c>).</item>
/// </list>
/// Readers never take it: SQLite's WAL and PostgreSQL's MVCC let them read while a writer holds it, and their audit entries
/// queue on the short per-transaction write lock (<see cref="CaseDatabase.BeginWriteAsync"/>) as before.
/// </summary>
public sealed class CaseWriterLock : IAsyncDisposable
{
    /// <summary>The prefix of the lock connection's <c>application_name</c>.</summary>
    internal const string ApplicationNamePrefix = "harrier-writer|";

    private const string CompactTime = "yyyyMMdd'T'HHmmss'Z'";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly FileStream? _file;
    private readonly string? _writerFile;
    private readonly DbConnection? _connection;
    private readonly long _key;
    private bool _disposed;

    private CaseWriterLock(CaseWriter holder, FileStream? file, string? writerFile, DbConnection? connection, long key)
    {
        Holder = holder;
        _file = file;
        _writerFile = writerFile;
        _connection = connection;
        _key = key;
    }

    /// <summary>Who holds this lock: this process.</summary>
    public CaseWriter Holder { get; }

    /// <summary>How often a writer that waits for the lock tries again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    internal static async Task<CaseWriterLock> AcquireAsync(CaseStore store, CaseWriter writer, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        var deadline = store.Time.GetUtcNow() + wait;
        while (true)
        {
            try
            {
                return store.Database.Kind == CaseDatabaseKind.Sqlite
                    ? AcquireFile(store, writer)
                    : await AcquireAdvisoryAsync(store, writer, cancellationToken);
            }
            catch (CaseLockedException) when (store.Time.GetUtcNow() < deadline)
            {
                // Held, and there is time left: try again after a while (on the store's clock).
            }

            var left = deadline - store.Time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left < RetryInterval ? left : RetryInterval, store.Time, cancellationToken);
            }
        }
    }

    private static CaseWriterLock AcquireFile(CaseStore store, CaseWriter writer)
    {
        var lockPath = Path.Combine(store.CaseDir, CaseFolder.LockFileName);
        var writerPath = Path.Combine(store.CaseDir, CaseFolder.WriterFileName);
        FileStream file;
        try
        {
            // FileShare.None: an exclusive flock(2) on Unix, a sharing lock on Windows; either way it dies with the process.
            file = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            throw Refused(store, ReadWriterFile(writerPath), e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseStoreException($"cannot take the writer lock {lockPath}: {e.Message}", e);
        }

        try
        {
            // Written after the lock is ours, atomically: a refused writer reads a whole record, never half of one.
            var tmp = writerPath + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(writer, JsonOptions));
            File.Move(tmp, writerPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            file.Dispose();
            throw new CaseStoreException($"cannot write {writerPath}: {e.Message}", e);
        }

        return new CaseWriterLock(writer, file, writerPath, null, 0);
    }

    private static CaseWriter? ReadWriterFile(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CaseWriter>(File.ReadAllText(path), JsonOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // not yet written by a holder that has just taken the lock, or unreadable: the message says so
        }
    }

    private static async Task<CaseWriterLock> AcquireAdvisoryAsync(CaseStore store, CaseWriter writer, CancellationToken cancellationToken)
    {
        var key = LockKey(store.Manifest.CaseId);

        // A connection of its own, never pooled: a pooled connection returned to the pool would keep its session, and the lock.
        var builder = new NpgsqlConnectionStringBuilder(store.Database.ConnectionString)
        {
            Pooling = false,
            ApplicationName = ApplicationName(writer),
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                throw new CaseStoreException($"cannot open the case database ({store.Database.Display}): {e.Message}", e);
            }

            var taken = await CaseDatabase.ScalarAsync(connection, null, "SELECT pg_try_advisory_lock(@k)", cancellationToken, ("@k", key));
            if (taken is not true)
            {
                throw Refused(store, await ReadAdvisoryHolderAsync(connection, key, cancellationToken), null);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return new CaseWriterLock(writer, null, null, connection, key);
    }

    /// <summary>The advisory lock key of a case: the first 63 bits of SHA-256 over <c>harrier-case-writer/{caseId}</c>.</summary>
    internal static long LockKey(string caseId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("harrier-case-writer/" + caseId));
        return (long)(BitConverter.ToUInt64(hash, 0) & 0x7FFF_FFFF_FFFF_FFFFUL);
    }

    /// <summary>
    /// <c>harrier-writer|pid|host|since|actor|command</c>, the order chosen so that PostgreSQL's 63-byte cut of
    /// <c>application_name</c> shortens the command, not who or since when.
    /// </summary>
    internal static string ApplicationName(CaseWriter writer)
    {
        var since = Timestamps.Parse(writer.SinceUtc).UtcDateTime.ToString(CompactTime, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"{ApplicationNamePrefix}{writer.ProcessId}|{Clean(writer.Host)}|{since}|{Clean(writer.Actor)}|{Clean(writer.Command)}");

        static string Clean(string s) => s.Replace('|', '/');
    }

    /// <summary>Reads back what <see cref="ApplicationName"/> wrote (its command perhaps cut short); null when it is not one.</summary>
    internal static CaseWriter? ParseApplicationName(string? name)
    {
        if (name is null || !name.StartsWith(ApplicationNamePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = name[ApplicationNamePrefix.Length..].Split('|', 5);
        if (parts.Length < 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        var since = DateTime.TryParseExact(parts[2], CompactTime, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? Timestamps.Format(new DateTimeOffset(t, TimeSpan.Zero))
            : parts[2];
        return new CaseWriter(pid, parts[1], parts[3], parts.Length > 4 ? parts[4] : "", since);
    }

    private static async Task<CaseWriter?> ReadAdvisoryHolderAsync(DbConnection connection, long key, CancellationToken cancellationToken)
    {
        // A bigint advisory key is held as classid = its high 32 bits, objid = its low 32 bits, objsubid = 1.
        // application_name is visible to every role in pg_stat_activity.
        var name = await CaseDatabase.ScalarAsync(connection, null,
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
            "AND l.classid::bigint = @hi AND l.objid::bigint = @lo LIMIT 1", cancellationToken,
            ("@hi", key >> 32), ("@lo", key & 0xFFFF_FFFFL)) as string;
        return ParseApplicationName(name);
    }

    private static CaseLockedException Refused(CaseStore store, CaseWriter? holder, Exception? inner)
    {
        var who = holder is null
            ? $"another process (it has not said who it is{(inner is null ? "" : ": " + inner.Message)})"
            : holder.Describe();
        var message = $"case {store.Manifest.CaseId} is being written by {who}: one writer at a time; " +
            "run this again when it has finished (commands that only read, such as list, show, info and verify, can run meanwhile)";
        return inner is null ? new CaseLockedException(message, holder) : new CaseLockedException(message, holder, inner);
    }

    /// <summary>Releases the lock (and, for SQLite, removes <c>case.writer</c> first, while the lock is still held).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_file is not null)
        {
            try
            {
                File.Delete(_writerFile!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A stale case.writer is only ever read while someone holds the lock, and the next holder overwrites it.
            }

            await _file.DisposeAsync();
        }

        if (_connection is not null)
        {
            try
            {
                await CaseDatabase.ExecuteAsync(_connection, null, "SELECT pg_advisory_unlock(@k)", CancellationToken.None, ("@k", _key));
            }
            catch (DbException)
            {
                // Closing the session below releases it as well.
            }

            await _connection.DisposeAsync();
        }
    }
}
