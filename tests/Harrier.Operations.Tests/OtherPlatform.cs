using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Harrier.Operations.Tests;

/// <summary>
/// A second, differently shaped platform database (not the scenario's): <c>members</c>, <c>sessions</c>,
/// <c>media_posts</c> with an upper-case hex SHA-256 column, <c>wallet_deposits</c> in BTC text, and <c>pm</c>, with
/// its own mapping. Synthetic and benign. With <c>bad</c>, three rows break the mapping: a session whose time is not
/// a time, a post whose digest is not hex, a deposit whose amount is not a number.
/// </summary>
internal static class OtherPlatform
{
    /// <summary>Two evidence files: one the platform stored a digest of, one only a path.</summary>
    public static readonly byte[] ByDigest = "synthetic upload one"u8.ToArray();

    public static readonly byte[] ByPath = "synthetic upload two"u8.ToArray();

    public const string Mapping = """
        version: 1
        time_format: auto
        accounts:
          table: members
          columns:
            id: member_no
            username: handle
            email: mail
            registered: joined
            admin: is_staff
          time_format: unix
        logins:
          table: sessions
          key: [sid]
          columns:
            account: member_no
            time: started
            ip: remote_addr
            user_agent: agent
        uploads:
          table: media_posts
          columns:
            id: post_id
            account: author
            time: posted_at
        upload_files:
          table: media_posts
          key: [post_id]
          columns:
            upload: post_id
            sha256: DIGEST
            path: stored_as
        payments:
          table: wallet_deposits
          key: [dep_id]
          columns:
            account: member_no
            amount: btc
            deposit_address: addr
            time: seen
          constants:
            currency: BTC
        messages:
          table: pm
          columns:
            from: sender
            to: recipient
            time: at
        """;

    /// <summary>Writes the database to <paramref name="path"/>; returns it.</summary>
    public static string Write(string path, bool bad = false)
    {
        var digest = Convert.ToHexString(SHA256.HashData(ByDigest)); // upper-case, as this platform kept it
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"""
            CREATE TABLE members (member_no INTEGER PRIMARY KEY, handle TEXT, mail TEXT, joined INTEGER, is_staff INTEGER);
            INSERT INTO members VALUES (10, 'quiet_heron', 'quiet.heron@example.invalid', 1700000000, 1), (11, 'amber_fox', NULL, 1700003600, 0),
                (12, 'slow_comet', 'slow.comet@example.invalid', 1700007200, 0);
            CREATE TABLE sessions (sid INTEGER PRIMARY KEY, member_no INTEGER, started TEXT, remote_addr TEXT, agent TEXT);
            INSERT INTO sessions VALUES (1, 10, '2023-11-14T23:00:00+01:00', '198.51.100.7', 'Mozilla/5.0 (synthetic)'),
                (2, 11, '2023-11-15 08:30:00', '203.0.113.9', NULL), (3, 12, '{(bad ? "yesterday" : "2023-11-16 10:00:00")}', '192.0.2.44', NULL);
            CREATE TABLE media_posts (post_id INTEGER PRIMARY KEY, author INTEGER, posted_at TEXT, DIGEST TEXT, stored_as TEXT);
            INSERT INTO media_posts VALUES (100, 10, '2023-11-20 12:00:00', '{digest}', '/srv/www/up/a1.bin'),
                (101, 12, '2023-11-21 12:00:00', NULL, '/srv/www/up/nested/b2.bin'),
                (102, 12, '2023-11-22 12:00:00', '{(bad ? "NOT-HEX" : new string('A', 64))}', '/srv/www/up/gone.bin');
            CREATE TABLE wallet_deposits (dep_id INTEGER PRIMARY KEY, member_no INTEGER, btc TEXT, addr TEXT, seen TEXT);
            INSERT INTO wallet_deposits VALUES (1, 11, '0.00125', 'bcrt1qsyntheticaddress0000000000000000000', '2023-11-23 09:00:00'),
                (2, 12, '{(bad ? "lots" : "0.5")}', 'bcrt1qsyntheticaddress1111111111111111111', '2023-11-24 09:00:00');
            CREATE TABLE pm (sender INTEGER, recipient INTEGER, at TEXT, body TEXT);
            INSERT INTO pm VALUES (10, 11, '2023-11-25 10:00:00', 'synthetic message'), (11, 10, '2023-11-25 10:05:00', 'synthetic reply');
            """;
        cmd.ExecuteNonQuery();
        return path;
    }

    /// <summary>Writes the evidence files the platform's posts name, under <paramref name="evidenceDir"/> (as if its upload folder was seized).</summary>
    public static void WriteEvidence(string evidenceDir)
    {
        Directory.CreateDirectory(Path.Combine(evidenceDir, "up", "nested"));
        File.WriteAllBytes(Path.Combine(evidenceDir, "up", "renamed-by-seizure.bin"), ByDigest);
        File.WriteAllBytes(Path.Combine(evidenceDir, "up", "nested", "b2.bin"), ByPath);
    }
}
