using System.Globalization;
using Harrier.Cases.Keys;

namespace Harrier.Cases;

/// <summary>
/// One case: its folder, its database (SQLite <c>case.db</c> by default, PostgreSQL on request), the evidence
/// registry and the audit log. Create with <c>CreateAsync</c>, open with <c>OpenAsync</c>.
/// </summary>
public sealed partial class CaseStore
{
    private readonly Lock _keyLock = new();
    private CaseKey? _key;
    private byte[]? _tableKey;

    private CaseStore(string caseDir, CaseFolder manifest, CaseDatabase database, TimeProvider time, CaseKeyStore keys, CaseKey? key)
    {
        CaseDir = caseDir;
        Manifest = manifest;
        Database = database;
        Time = time;
        KeyStore = keys;
        _key = key;
        Audit = new AuditLog(this, database, caseDir, manifest.CaseId, time);
        Evidence = new EvidenceRegistry(this);
        DerivedStore = new FolderDerivedStore(caseDir);
    }

    /// <summary>
    /// Where derived pictures are written and found: <see cref="FolderDerivedStore"/> on the case folder unless a host
    /// sets another before it ingests (every machine of a cluster must reach the same store).
    /// </summary>
    public IDerivedStore DerivedStore { get; set; }

    /// <summary>Where this case's private key is looked for.</summary>
    public CaseKeyStore KeyStore { get; }

    /// <summary>Whether the case has a case key (false only for cases made before case keys, whose audit head is unsigned).</summary>
    public bool IsSigned => Manifest.Key is not null;

    /// <summary>
    /// The case key, loaded from <see cref="KeyStore"/> on first use. Throws <see cref="CaseStoreException"/> naming where it
    /// looked when the key file is missing, is another case's, or does not match <c>case.json</c>'s public key, and for a
    /// case made before case keys.
    /// </summary>
#pragma warning disable CA1065 // a missing key is an environment error the hosts report (exit 2), not a bug
    public CaseKey Key
    {
        get
        {
            lock (_keyLock)
            {
                return _key ??= LoadKey();
            }
        }
    }
#pragma warning restore CA1065

    private CaseKey LoadKey()
    {
        if (Manifest.Key is not { } info)
        {
            throw new CaseStoreException($"case {Manifest.CaseId} was made before case keys: it has no case key and its audit head is unsigned");
        }

        var key = KeyStore.TryLoad(Manifest.CaseId)
            ?? throw new CaseStoreException($"the case key of case {Manifest.CaseId} ({info.Fingerprint}) is not at {KeyStore.Describe(Manifest.CaseId)}; " +
                $"it was made by 'harrier case init' on the examiner's machine: give it with --key FILE or {CaseKeyStore.EnvironmentVariable}=DIR");
        if (!string.Equals(key.PublicKeyBase64, info.PublicKeyBase64, StringComparison.Ordinal))
        {
            var fingerprint = key.Fingerprint;
            key.Dispose();
            throw new CaseStoreException($"the key at {KeyStore.PathFor(Manifest.CaseId)} ({fingerprint}) is not the key case.json records ({info.Fingerprint})");
        }

        return key;
    }

    /// <summary>
    /// The signed head that stands for the last audit entry, after checking the whole chain (<see cref="AuditLog.VerifyAsync(CancellationToken)"/>).
    /// Throws <see cref="CaseStoreException"/> when the chain does not verify or the case was made before case keys.
    /// </summary>
    public Task<SignedAuditHead> ReadSignedHeadAsync(CancellationToken cancellationToken) => Audit.ReadSignedHeadAsync(cancellationToken);

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
    public static Task<CaseStore> CreateAsync(string caseDir, string name, string? postgres, string actor,
        TimeProvider time, CancellationToken cancellationToken) =>
        CreateAsync(caseDir, name, postgres, actor, time, CaseKeyStore.FromEnvironment(), cancellationToken);

    /// <summary>
    /// Creates a case as <see cref="CreateAsync(string, string, string?, string, TimeProvider, CancellationToken)"/> does,
    /// with its new case key in <paramref name="keys"/> (outside the case folder).
    /// </summary>
    public static async Task<CaseStore> CreateAsync(string caseDir, string name, string? postgres, string actor,
        TimeProvider time, CaseKeyStore keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
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
        var caseId = Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            await Migrations.MigrateAsync(database, connection, time, cancellationToken);
            var existing = await CaseDatabase.ScalarAsync(connection, null, "SELECT case_id FROM case_info", cancellationToken);
            if (existing is not null)
            {
                throw new CaseStoreException($"the database {database.Display} already holds case {existing}; use one database per case");
            }
        }

        var key = keys.Create(caseId, caseDir);
        var manifest = new CaseFolder(CaseFolder.CurrentFormat, caseId, name, Timestamps.Format(now),
            postgres is null ? "sqlite" : database.Display, CaseKeyInfo.Of(key));
        manifest.WriteNew(caseDir);
        if (database.Kind == CaseDatabaseKind.Sqlite)
        {
            // The writer lock's file, made with the case so that the folder's layout is fixed from the start (a later
            // command that takes the lock, and is then refused for bad input, leaves the folder as it found it).
            await File.WriteAllBytesAsync(Path.Combine(caseDir, CaseFolder.LockFileName), [], cancellationToken);
        }

        var store = new CaseStore(caseDir, manifest, database, time, keys, key);
        AuditEntry init;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            (_, init) = await store.WriteOnAsync(connection, new AuditIntent(actor, "case.init"),
                async (w, ct) =>
                {
                    await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction,
                        "INSERT INTO case_info (id, case_id, name, created_utc) VALUES (1, @i, @n, @t)", ct,
                        ("@i", manifest.CaseId), ("@n", name), ("@t", manifest.CreatedUtc));
                    return manifest;
                },
                m => $"case {m.CaseId} \"{name}\" ({database.Display})", cancellationToken);
        }

        // case.json commits to entry 1 as well as to the key, so a log wiped of every entry (and its heads) is caught.
        manifest = manifest with { GenesisEntryHash = init.Hash };
        manifest.Replace(caseDir);
        return new CaseStore(caseDir, manifest, database, time, keys, key);
    }

    /// <summary>
    /// Opens the case in <paramref name="caseDir"/>. <paramref name="postgres"/> overrides the connection recorded in
    /// <c>case.json</c> (which never holds a password: give it with PGPASSWORD or here).
    /// </summary>
    public static Task<CaseStore> OpenAsync(string caseDir, string? postgres, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(caseDir, postgres, time, CaseKeyStore.FromEnvironment(), cancellationToken);

    /// <summary>Opens the case as <see cref="OpenAsync(string, string?, TimeProvider, CancellationToken)"/> does, its key looked for in <paramref name="keys"/>.</summary>
    public static async Task<CaseStore> OpenAsync(string caseDir, string? postgres, TimeProvider time, CaseKeyStore keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
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

        return new CaseStore(caseDir, manifest, database, time, keys, null);
    }

    /// <summary>
    /// Takes the case's writer lock for <paramref name="writer"/>, at once or not at all: a command that writes to the case
    /// holds it from before its first change until it ends (dispose the lock), so that two processes never do the same work on
    /// one case. Throws <see cref="CaseLockedException"/> naming the holder when another process holds it. Commands that
    /// only read do not take it and are not blocked by it. See <see cref="CaseWriterLock"/>.
    /// </summary>
    public Task<CaseWriterLock> LockForWritingAsync(CaseWriter writer, CancellationToken cancellationToken) =>
        CaseWriterLock.AcquireAsync(this, writer, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Takes the writer lock as <see cref="LockForWritingAsync(CaseWriter, CancellationToken)"/> does, but while another process
    /// holds it, tries again every quarter of a second (on <see cref="Time"/>) for up to <paramref name="wait"/> before refusing.
    /// </summary>
    public Task<CaseWriterLock> LockForWritingAsync(CaseWriter writer, TimeSpan wait, CancellationToken cancellationToken) =>
        CaseWriterLock.AcquireAsync(this, writer, wait, cancellationToken);

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
