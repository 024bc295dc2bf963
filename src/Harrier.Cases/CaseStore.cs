using System.Globalization;

namespace Harrier.Cases;

/// <summary>
/// One case: its folder, its database (SQLite <c>case.db</c> by default, PostgreSQL on request), the evidence
/// registry and the audit log. Create with <see cref="CreateAsync"/>, open with <see cref="OpenAsync"/>.
/// </summary>
public sealed partial class CaseStore
{
    private CaseStore(string caseDir, CaseFolder manifest, CaseDatabase database, TimeProvider time)
    {
        CaseDir = caseDir;
        Manifest = manifest;
        Database = database;
        Time = time;
        Audit = new AuditLog(this, database, caseDir, manifest.CaseId, time);
        Evidence = new EvidenceRegistry(this);
    }

    /// <summary>The case folder.</summary>
    public string CaseDir { get; }

    /// <summary>The folder's manifest.</summary>
    public CaseFolder Manifest { get; }

    /// <summary>Where the case's tables live.</summary>
    public CaseDatabase Database { get; }

    /// <summary>The clock every timestamp comes from.</summary>
    public TimeProvider Time { get; }

    /// <summary>The audit log.</summary>
    public AuditLog Audit { get; }

    /// <summary>The evidence registry.</summary>
    public EvidenceRegistry Evidence { get; }

    /// <summary>
    /// Creates a case in <paramref name="caseDir"/> (created if absent; refused if it already holds a case).
    /// <paramref name="postgres"/> selects a PostgreSQL database instead of <c>case.db</c>; it must be empty of Harrier tables.
    /// </summary>
    public static async Task<CaseStore> CreateAsync(string caseDir, string name, string? postgres, string actor,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new CaseStoreException("a case needs a name");
        }

        caseDir = Path.GetFullPath(caseDir);
        if (File.Exists(Path.Combine(caseDir, CaseFolder.ManifestFileName)))
        {
            throw new CaseStoreException($"{caseDir} already holds a case");
        }

        Directory.CreateDirectory(caseDir);
        var database = postgres is null ? CaseDatabase.Sqlite(caseDir) : CaseDatabase.PostgreSql(postgres);
        var now = time.GetUtcNow();
        var manifest = new CaseFolder(1, Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture), name, Timestamps.Format(now),
            postgres is null ? "sqlite" : database.Display);

        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await Migrations.MigrateAsync(database, connection, time, cancellationToken);
            var existing = await CaseDatabase.ScalarAsync(connection, null, "SELECT case_id FROM case_info", cancellationToken);
            if (existing is not null)
            {
                throw new CaseStoreException($"the database {database.Display} already holds case {existing}; use one database per case");
            }
        }

        manifest.WriteNew(caseDir);
        var store = new CaseStore(caseDir, manifest, database, time);
        await store.WriteAsync(new AuditIntent(actor, "case.init"),
            async (w, ct) =>
            {
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                    "INSERT INTO case_info (id, case_id, name, created_utc) VALUES (1, @i, @n, @t)", ct,
                    ("@i", manifest.CaseId), ("@n", name), ("@t", manifest.CreatedUtc));
                return manifest;
            },
            m => $"case {m.CaseId} \"{name}\" ({database.Display})", cancellationToken);
        return store;
    }

    /// <summary>
    /// Opens the case in <paramref name="caseDir"/>. <paramref name="postgres"/> overrides the connection recorded in
    /// <c>case.json</c> (which never holds a password: give it with PGPASSWORD or here).
    /// </summary>
    public static async Task<CaseStore> OpenAsync(string caseDir, string? postgres, TimeProvider time, CancellationToken cancellationToken)
    {
        caseDir = Path.GetFullPath(caseDir);
        var manifest = CaseFolder.Read(caseDir);
        var database = postgres is not null
            ? CaseDatabase.PostgreSql(postgres)
            : manifest.Database == "sqlite" ? CaseDatabase.Sqlite(caseDir) : CaseDatabase.PostgreSql(manifest.Database);
        if (database.Kind == CaseDatabaseKind.Sqlite && !File.Exists(Path.Combine(caseDir, CaseFolder.DatabaseFileName)))
        {
            throw new CaseStoreException($"{caseDir} has a manifest but no {CaseFolder.DatabaseFileName}");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await Migrations.MigrateAsync(database, connection, time, cancellationToken);
        var caseId = await CaseDatabase.ScalarAsync(connection, null, "SELECT case_id FROM case_info", cancellationToken) as string;
        if (!string.Equals(caseId, manifest.CaseId, StringComparison.Ordinal))
        {
            throw new CaseStoreException($"the database {database.Display} holds case {caseId ?? "(none)"}, but {caseDir} is case {manifest.CaseId}");
        }

        return new CaseStore(caseDir, manifest, database, time);
    }

    /// <summary>A summary of the case for <c>case info</c>.</summary>
    public async Task<CaseSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        async Task<long> Count(string sql) =>
            Convert.ToInt64(await CaseDatabase.ScalarAsync(connection, null, sql, cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
        return new CaseSummary(
            Manifest.CaseId,
            Manifest.Name,
            Manifest.CreatedUtc,
            Database.Display,
            (int)await Count("SELECT MAX(version) FROM schema_migrations"),
            await Count("SELECT COUNT(*) FROM exhibits"),
            await Count("SELECT COUNT(*) FROM evidence_files WHERE status = 'ok'"),
            await Count("SELECT COALESCE(SUM(size), 0) FROM evidence_files WHERE status = 'ok'"),
            await Count("SELECT COUNT(*) FROM evidence_files WHERE status <> 'ok'"),
            await Count("SELECT COUNT(*) FROM audit_log"));
    }
}

/// <summary>What <c>case info</c> shows.</summary>
public sealed record CaseSummary(
    string CaseId,
    string Name,
    string CreatedUtc,
    string Database,
    int SchemaVersion,
    long Exhibits,
    long Files,
    long Bytes,
    long FilesNotHashed,
    long AuditEntries);
