using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases;

/// <summary>
/// The case schema as an ordered list of versioned migrations, one list for both databases. A migration is
/// applied in its own transaction together with its row in <c>schema_migrations</c>, so a crash leaves the schema
/// at a whole version. Never edit a released migration: add the next one.
/// </summary>
internal static class Migrations
{
    private sealed record Migration(int Version, string Description, Func<CaseDatabase, string> Sql);

    private static readonly Migration[] All =
    [
        new(1, "case, exhibits, evidence files, custody, audit log", db => $"""
            CREATE TABLE case_info (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                case_id TEXT NOT NULL,
                name TEXT NOT NULL,
                created_utc TEXT NOT NULL);
            CREATE TABLE exhibits (
                exhibit_id TEXT PRIMARY KEY,
                description TEXT,
                source_root TEXT NOT NULL,
                registered_utc TEXT NOT NULL,
                registered_by TEXT NOT NULL);
            CREATE TABLE evidence_files (
                id {db.IdentityColumn},
                exhibit_id TEXT NOT NULL REFERENCES exhibits (exhibit_id),
                rel_path TEXT NOT NULL,
                status TEXT NOT NULL,
                size BIGINT,
                modified_utc TEXT,
                created_utc TEXT,
                md5 TEXT,
                sha1 TEXT,
                sha256 TEXT,
                error TEXT,
                registered_utc TEXT NOT NULL,
                UNIQUE (exhibit_id, rel_path));
            CREATE INDEX ix_evidence_files_sha256 ON evidence_files (sha256);
            CREATE TABLE custody_events (
                id {db.IdentityColumn},
                exhibit_id TEXT NOT NULL REFERENCES exhibits (exhibit_id),
                time_utc TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                note TEXT NOT NULL);
            CREATE TABLE audit_log (
                seq BIGINT PRIMARY KEY,
                time_utc TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                object TEXT NOT NULL,
                justification TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL);
            """),
        new(2, "audit log is append-only at the database level", db => db.Kind == CaseDatabaseKind.Sqlite
            ? """
              CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
              CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
              """
            : """
              CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
              CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
              FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
              """),
        new(3, "banks, media facts, triage results", db => $"""
            CREATE TABLE banks (
                bank_id {db.IdentityColumn},
                name TEXT NOT NULL UNIQUE,
                format TEXT NOT NULL,
                version TEXT NOT NULL,
                source TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                envelope_key TEXT,
                envelope_value TEXT,
                entries BIGINT NOT NULL,
                imported_utc TEXT NOT NULL,
                imported_by TEXT NOT NULL);
            CREATE TABLE bank_entries (
                id {db.IdentityColumn},
                bank_id BIGINT NOT NULL REFERENCES banks (bank_id),
                md5 TEXT,
                sha1 TEXT,
                sha256 TEXT,
                pdq TEXT,
                pdq_quality INTEGER,
                vpdq TEXT,
                photodna TEXT,
                scheme TEXT,
                code TEXT,
                known_good INTEGER NOT NULL,
                external_id TEXT,
                series TEXT,
                raw TEXT);
            CREATE INDEX ix_bank_entries_bank ON bank_entries (bank_id);
            CREATE TABLE media_facts (
                evidence_id BIGINT PRIMARY KEY REFERENCES evidence_files (id),
                kind TEXT NOT NULL,
                format TEXT,
                width INTEGER,
                height INTEGER,
                duration_s DOUBLE PRECISION,
                frame_rate DOUBLE PRECISION,
                codec TEXT,
                pdq TEXT,
                pdq_quality INTEGER,
                vpdq TEXT,
                error TEXT,
                ingested_utc TEXT NOT NULL);
            CREATE TABLE triage_results (
                evidence_id BIGINT PRIMARY KEY REFERENCES evidence_files (id),
                status TEXT NOT NULL,
                method TEXT,
                bank_name TEXT,
                scheme TEXT,
                code TEXT,
                distance INTEGER,
                conflicts TEXT,
                rendition_group INTEGER,
                scene_group INTEGER,
                representative INTEGER NOT NULL,
                queue_rank INTEGER,
                reasons TEXT,
                triaged_utc TEXT NOT NULL);
            """),
        new(4, "media metadata (camera, GPS, dates), per-file notes and derived thumbnails", _ => """
            ALTER TABLE media_facts ADD COLUMN camera_make TEXT;
            ALTER TABLE media_facts ADD COLUMN camera_model TEXT;
            ALTER TABLE media_facts ADD COLUMN camera_serial TEXT;
            ALTER TABLE media_facts ADD COLUMN software TEXT;
            ALTER TABLE media_facts ADD COLUMN gps_lat DOUBLE PRECISION;
            ALTER TABLE media_facts ADD COLUMN gps_lon DOUBLE PRECISION;
            ALTER TABLE media_facts ADD COLUMN gps_alt DOUBLE PRECISION;
            ALTER TABLE media_facts ADD COLUMN taken_original TEXT;
            ALTER TABLE media_facts ADD COLUMN taken_digitized TEXT;
            ALTER TABLE media_facts ADD COLUMN container_created TEXT;
            ALTER TABLE media_facts ADD COLUMN notes TEXT;
            ALTER TABLE media_facts ADD COLUMN derived TEXT;
            """),
        new(5, "TMK+PDQF level-1 feature of videos (triage pre-filter)", _ => """
            ALTER TABLE media_facts ADD COLUMN tmk_level1 TEXT;
            """),
        new(6, "reframed PDQ hashes (centre-crop hypotheses) of images and video frames", _ => """
            ALTER TABLE media_facts ADD COLUMN reframed TEXT;
            """),
        new(7, "the seized platform's own records: imports, accounts, logins, uploads and their files, categorisations, ledger, payments, message metadata", db => $"""
            CREATE TABLE platform_imports (
                import_id {db.IdentityColumn},
                source TEXT NOT NULL,
                source_kind TEXT NOT NULL,
                source_id TEXT NOT NULL UNIQUE,
                mapping_sha256 TEXT NOT NULL,
                mapping TEXT NOT NULL,
                accounts BIGINT NOT NULL,
                logins BIGINT NOT NULL,
                uploads BIGINT NOT NULL,
                upload_files BIGINT NOT NULL,
                linked_files BIGINT NOT NULL,
                categorisations BIGINT NOT NULL,
                ledger BIGINT NOT NULL,
                payments BIGINT NOT NULL,
                messages BIGINT NOT NULL,
                rejected_rows BIGINT NOT NULL,
                imported_utc TEXT NOT NULL,
                imported_by TEXT NOT NULL);
            CREATE TABLE platform_accounts (
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                account_key TEXT NOT NULL,
                username TEXT,
                email TEXT,
                registered_utc TEXT,
                role TEXT,
                is_admin INTEGER NOT NULL,
                deposit_address TEXT,
                PRIMARY KEY (import_id, account_key));
            CREATE TABLE platform_logins (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                row_key TEXT,
                account_key TEXT NOT NULL,
                time_utc TEXT NOT NULL,
                ip TEXT,
                user_agent TEXT);
            CREATE INDEX ix_platform_logins_account ON platform_logins (import_id, account_key);
            CREATE TABLE platform_uploads (
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                upload_key TEXT NOT NULL,
                account_key TEXT NOT NULL,
                time_utc TEXT,
                PRIMARY KEY (import_id, upload_key));
            CREATE TABLE platform_upload_files (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                upload_key TEXT NOT NULL,
                path TEXT,
                sha256 TEXT,
                md5 TEXT,
                evidence_id BIGINT REFERENCES evidence_files (id),
                linked_by TEXT);
            CREATE INDEX ix_platform_upload_files_import ON platform_upload_files (import_id, upload_key);
            CREATE INDEX ix_evidence_files_md5 ON evidence_files (md5);
            CREATE INDEX ix_evidence_files_rel_path ON evidence_files (rel_path);
            CREATE TABLE platform_categorisations (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                row_key TEXT,
                upload_key TEXT NOT NULL,
                category TEXT NOT NULL,
                account_key TEXT,
                time_utc TEXT);
            CREATE TABLE platform_ledger (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                row_key TEXT,
                account_key TEXT NOT NULL,
                kind TEXT,
                amount TEXT NOT NULL,
                currency TEXT,
                time_utc TEXT,
                upload_key TEXT,
                txid TEXT);
            CREATE INDEX ix_platform_ledger_account ON platform_ledger (import_id, account_key);
            CREATE TABLE platform_payments (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                row_key TEXT,
                account_key TEXT NOT NULL,
                amount TEXT NOT NULL,
                currency TEXT,
                deposit_address TEXT,
                txid TEXT,
                vout BIGINT,
                time_utc TEXT);
            CREATE INDEX ix_platform_payments_account ON platform_payments (import_id, account_key);
            CREATE TABLE platform_messages (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                row_key TEXT,
                from_key TEXT NOT NULL,
                to_key TEXT NOT NULL,
                time_utc TEXT);
            """),
        new(8, "returns to data requests: exchange KYC answers tied to the withdrawal they answer, ISP subscriber answers", db => $"""
            CREATE TABLE returns_imports (
                import_id {db.IdentityColumn},
                file_name TEXT NOT NULL,
                sha256 TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                format TEXT NOT NULL,
                rows_imported BIGINT NOT NULL,
                rows_tied BIGINT NOT NULL,
                imported_utc TEXT NOT NULL,
                imported_by TEXT NOT NULL);
            CREATE TABLE returns_kyc (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES returns_imports (import_id),
                line BIGINT NOT NULL,
                exchange TEXT NOT NULL,
                customer_id TEXT NOT NULL,
                withdrawal_txid TEXT NOT NULL,
                withdrawal_vout BIGINT NOT NULL,
                withdrawal_address TEXT,
                full_name TEXT,
                given_name TEXT,
                surname TEXT,
                date_of_birth TEXT,
                street TEXT,
                town TEXT,
                postcode TEXT,
                country TEXT,
                id_type TEXT,
                id_number TEXT,
                registration_ip TEXT,
                registered_utc TEXT,
                request_actor TEXT,
                deposit_addresses TEXT);
            CREATE INDEX ix_returns_kyc_withdrawal ON returns_kyc (withdrawal_txid, withdrawal_vout);
            CREATE TABLE returns_subscribers (
                id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES returns_imports (import_id),
                line BIGINT NOT NULL,
                isp TEXT NOT NULL,
                ip TEXT NOT NULL,
                lease_from_utc TEXT NOT NULL,
                lease_to_utc TEXT NOT NULL,
                customer_ref TEXT,
                subscriber_name TEXT,
                given_name TEXT,
                surname TEXT,
                date_of_birth TEXT,
                street TEXT,
                town TEXT,
                postcode TEXT,
                country TEXT,
                service TEXT,
                subscriber_since_utc TEXT);
            CREATE INDEX ix_returns_subscribers_ip ON returns_subscribers (ip);
            """),
        new(9, "persons: resolution runs of accounts into persons, each person's accounts, links with their evidence, refused links, country, identities, prior-record hits", db => $"""
            CREATE TABLE persons_runs (
                run_id {db.IdentityColumn},
                created_utc TEXT NOT NULL,
                created_by TEXT NOT NULL,
                platform_import_id BIGINT NOT NULL REFERENCES platform_imports (import_id),
                inputs TEXT NOT NULL,
                options TEXT NOT NULL,
                accounts BIGINT NOT NULL,
                persons BIGINT NOT NULL,
                candidate_pairs BIGINT NOT NULL,
                links BIGINT NOT NULL,
                refused BIGINT NOT NULL,
                shared_listed BIGINT NOT NULL,
                shared_detected BIGINT NOT NULL,
                shared_addresses TEXT NOT NULL);
            CREATE TABLE persons (
                run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                number INTEGER NOT NULL,
                account_count INTEGER NOT NULL,
                country TEXT,
                country_confidence DOUBLE PRECISION,
                identified INTEGER NOT NULL,
                country_evidence TEXT,
                identities TEXT NOT NULL,
                prior_hits TEXT NOT NULL,
                PRIMARY KEY (run_id, number));
            CREATE INDEX ix_persons_country ON persons (run_id, country, number);
            CREATE TABLE persons_accounts (
                run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                account_key TEXT NOT NULL,
                person_number INTEGER NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (run_id, account_key));
            CREATE INDEX ix_persons_accounts_person ON persons_accounts (run_id, person_number, position);
            CREATE TABLE persons_links (
                run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                person_number INTEGER NOT NULL,
                position INTEGER NOT NULL,
                account_a TEXT NOT NULL,
                account_b TEXT NOT NULL,
                weight DOUBLE PRECISION NOT NULL,
                evidence TEXT NOT NULL,
                PRIMARY KEY (run_id, person_number, position));
            CREATE TABLE persons_refused (
                run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                position INTEGER NOT NULL,
                account_a TEXT NOT NULL,
                account_b TEXT NOT NULL,
                weight DOUBLE PRECISION NOT NULL,
                reason TEXT NOT NULL,
                evidence TEXT NOT NULL,
                PRIMARY KEY (run_id, position));
            CREATE INDEX ix_persons_refused_a ON persons_refused (run_id, account_a);
            CREATE INDEX ix_persons_refused_b ON persons_refused (run_id, account_b);
            """),
        new(10, "a person's uploads and categorisations found by account (persons show on a platform of millions of accounts)", _ => """
            CREATE INDEX ix_platform_uploads_account ON platform_uploads (import_id, account_key);
            CREATE INDEX ix_platform_categorisations_account ON platform_categorisations (import_id, account_key);
            """),
        new(11, "targets: rankings of a persons run (score, tier, every factor) and analysts' moves of a person's tier with the reason", db => $"""
            CREATE TABLE targets_runs (
                run_id {db.IdentityColumn},
                persons_run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                created_utc TEXT NOT NULL,
                created_by TEXT NOT NULL,
                weights TEXT NOT NULL,
                persons BIGINT NOT NULL,
                tier1 BIGINT NOT NULL,
                tier2 BIGINT NOT NULL,
                tier3 BIGINT NOT NULL);
            CREATE TABLE targets (
                run_id BIGINT NOT NULL REFERENCES targets_runs (run_id),
                person_number INTEGER NOT NULL,
                score INTEGER NOT NULL,
                tier INTEGER NOT NULL,
                country TEXT,
                factors TEXT NOT NULL,
                PRIMARY KEY (run_id, person_number));
            CREATE INDEX ix_targets_tier ON targets (run_id, tier, score);
            CREATE TABLE targets_moves (
                id {db.IdentityColumn},
                persons_run_id BIGINT NOT NULL REFERENCES persons_runs (run_id),
                person_number INTEGER NOT NULL,
                from_tier INTEGER NOT NULL,
                to_tier INTEGER NOT NULL,
                reason TEXT NOT NULL,
                moved_utc TEXT NOT NULL,
                moved_by TEXT NOT NULL);
            CREATE INDEX ix_targets_moves_person ON targets_moves (persons_run_id, person_number, id);
            """),
        new(12, "the deconfliction register: claims of other agencies on identifiers, their imports, identifiers and status history", db => $"""
            CREATE TABLE deconfliction_imports (
                import_id {db.IdentityColumn},
                file_name TEXT NOT NULL,
                sha256 TEXT NOT NULL UNIQUE,
                format TEXT NOT NULL,
                claims BIGINT NOT NULL,
                identifiers BIGINT NOT NULL,
                bad_records BIGINT NOT NULL,
                imported_utc TEXT NOT NULL,
                imported_by TEXT NOT NULL);
            CREATE TABLE deconfliction_claims (
                claim_id {db.IdentityColumn},
                import_id BIGINT NOT NULL REFERENCES deconfliction_imports (import_id),
                record TEXT NOT NULL,
                claim_reference TEXT NOT NULL,
                agency TEXT NOT NULL,
                agency_country TEXT NOT NULL,
                case_reference TEXT NOT NULL,
                status TEXT NOT NULL,
                handling_code TEXT NOT NULL,
                received_utc TEXT,
                UNIQUE (agency, claim_reference));
            CREATE TABLE deconfliction_identifiers (
                claim_id BIGINT NOT NULL REFERENCES deconfliction_claims (claim_id),
                position INTEGER NOT NULL,
                type TEXT NOT NULL,
                value TEXT NOT NULL,
                normalised TEXT NOT NULL,
                PRIMARY KEY (claim_id, position));
            CREATE INDEX ix_deconfliction_identifiers_value ON deconfliction_identifiers (type, normalised);
            CREATE TABLE deconfliction_status_history (
                claim_id BIGINT NOT NULL REFERENCES deconfliction_claims (claim_id),
                seq INTEGER NOT NULL,
                time_utc TEXT NOT NULL,
                actor TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY (claim_id, seq));
            """),
        new(13, "workbench accounts: local users with a role, a country for national-unit readers, a password hash, lockout and an API token hash", _ => """
            CREATE TABLE web_users (
                user_name TEXT PRIMARY KEY,
                normalized_name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL,
                country TEXT,
                password_hash TEXT NOT NULL,
                must_change_password INTEGER NOT NULL,
                security_stamp TEXT NOT NULL,
                access_failed INTEGER NOT NULL,
                lockout_end_utc TEXT,
                token_hash TEXT UNIQUE,
                token_created_utc TEXT,
                created_utc TEXT NOT NULL,
                created_by TEXT NOT NULL);
            """),
        new(14, "analysts' categorisations of media (every change kept with its actor, time and previous value) and the triage grid's indexes", db => $"""
            CREATE TABLE media_categorisations (
                id {db.IdentityColumn},
                evidence_id BIGINT NOT NULL REFERENCES evidence_files (id),
                scheme TEXT NOT NULL,
                code TEXT NOT NULL,
                previous_scheme TEXT,
                previous_code TEXT,
                actor TEXT NOT NULL,
                time_utc TEXT NOT NULL);
            CREATE INDEX ix_media_categorisations_file ON media_categorisations (evidence_id, id);
            CREATE INDEX ix_triage_results_status ON triage_results (status, evidence_id);
            CREATE INDEX ix_triage_results_bank ON triage_results (bank_name, evidence_id);
            CREATE INDEX ix_triage_results_rendition ON triage_results (rendition_group, evidence_id);
            CREATE INDEX ix_triage_results_scene ON triage_results (scene_group, evidence_id);
            CREATE INDEX ix_triage_results_queue ON triage_results (queue_rank, evidence_id);
            """),
        new(15, "evidence names as bytes: rel_path_bytes holds a file's name exactly as the file system gave it, rel_path its escaped shown form", NamesAsBytes),
        new(16, "table digests: row changes waiting to be sealed (filled by triggers) and each table's row count and keyed digest, which the signed audit head commits to", db => $"""
            CREATE {(db.Kind == CaseDatabaseKind.PostgreSql ? "UNLOGGED " : "")}TABLE audit_pending (
                tbl TEXT NOT NULL,
                sign INTEGER NOT NULL,
                row_text TEXT NOT NULL);
            CREATE TABLE audit_state (
                tbl TEXT PRIMARY KEY,
                row_count BIGINT NOT NULL,
                digest TEXT NOT NULL,
                schema_version INTEGER NOT NULL);
            """),
    ];

    /// <summary>
    /// Migration 15 (issue 20.2). Before it, a name was stored decoded, so two names that differ only in bytes that are not
    /// UTF-8 became one. Now <c>rel_path_bytes</c> is the name's bytes, unique per exhibit, and <c>rel_path</c> its shown form
    /// (<see cref="EvidenceName"/>), which is injective, so the old unique (exhibit, rel_path) still holds. Old rows get the
    /// UTF-8 of their text (what the old code opened them by) and their text escaped. The escaped text goes through a
    /// '/'-prefixed value first: no stored name starts with '/', and the escaped forms are distinct, so no row passes through
    /// a value another row holds (both databases check uniqueness row by row). A row that an old run stored with U+FFFD
    /// keeps it, shown as <c>\uFFFD</c>: its real name was lost then, and the next <c>evidence add</c> records the real ones.
    /// </summary>
    private static string NamesAsBytes(CaseDatabase db)
    {
        var sqlite = db.Kind == CaseDatabaseKind.Sqlite;
        var shown = EvidenceName.SqlDisplay("rel_path", sqlite ? "char" : "chr");
        return $"""
            ALTER TABLE evidence_files ADD COLUMN rel_path_bytes {(sqlite ? "BLOB" : "BYTEA")};
            UPDATE evidence_files SET rel_path_bytes = {(sqlite ? "CAST(rel_path AS BLOB)" : "convert_to(rel_path, 'UTF8')")};
            UPDATE evidence_files SET rel_path = '/' || {shown} WHERE {shown} <> rel_path;
            UPDATE evidence_files SET rel_path = substr(rel_path, 2) WHERE rel_path LIKE '/%';
            CREATE UNIQUE INDEX ux_evidence_files_name_bytes ON evidence_files (exhibit_id, rel_path_bytes);
            CREATE INDEX ix_evidence_files_rel_path_bytes ON evidence_files (rel_path_bytes);
            """;
    }

    /// <summary>The newest schema version this build knows.</summary>
    public static int Latest => All[^1].Version;

    public static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await CaseDatabase.ExecuteAsync(connection, null,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_utc TEXT NOT NULL)",
            cancellationToken);
        var value = await CaseDatabase.ScalarAsync(connection, null, "SELECT MAX(version) FROM schema_migrations", cancellationToken);
        return value is null ? 0 : Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Brings the schema to <see cref="Latest"/>; refuses a database newer than this build.</summary>
    public static async Task MigrateAsync(CaseDatabase db, DbConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = await CurrentVersionAsync(connection, cancellationToken);
        if (current > Latest)
        {
            throw new CaseStoreException($"the case database has schema version {current}, newer than this harrier ({Latest}); upgrade harrier");
        }

        var pending = All.Where(m => m.Version > current).ToList();
        if (pending.Count > 0 && current >= TableDigestsVersion)
        {
            // A migration may change the columns a SQLite digest trigger names: they are put back, for the new columns, below.
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            await TableDigests.DropTriggersAsync(db.Kind, connection, tx, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        foreach (var migration in pending)
        {
            await using var tx = await db.BeginWriteAsync(connection, cancellationToken);
            // Re-check under the write lock: another process may have migrated meanwhile.
            var again = await CaseDatabase.ScalarAsync(connection, tx, "SELECT COUNT(*) FROM schema_migrations WHERE version = @v",
                cancellationToken, ("@v", migration.Version));
            if (Convert.ToInt64(again, CultureInfo.InvariantCulture) > 0)
            {
                continue;
            }

            await CaseDatabase.ExecuteAsync(connection, tx, migration.Sql(db), cancellationToken);
            await CaseDatabase.ExecuteAsync(connection, tx,
                "INSERT INTO schema_migrations (version, description, applied_utc) VALUES (@v, @d, @t)",
                cancellationToken, ("@v", migration.Version), ("@d", migration.Description), ("@t", Timestamps.Format(time.GetUtcNow())));
            await tx.CommitAsync(cancellationToken);
        }

        if (pending.Count > 0 || !await TableDigests.TriggersInPlaceAsync(db.Kind, connection, cancellationToken))
        {
            await TableDigests.InstallTriggersAsync(db, connection, cancellationToken);
        }
    }

    /// <summary>The schema version that brought the table digests (<see cref="TableDigests"/>).</summary>
    private const int TableDigestsVersion = 16;
}
