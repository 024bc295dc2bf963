namespace Harrier.Cases.Tests;

/// <summary>
/// The audit hash is a stored format: every existing case log is verified against it. These known answers were computed
/// outside .NET (Python's hashlib over the canonical text written here), so a change to the canonical form, its field
/// order or its escaping fails here instead of silently breaking the verification of every older case.
/// </summary>
public sealed class AuditHashKnownAnswerTests
{
    private const string Prev = "abababababababababababababababababababababababababababababababab";

    [Fact]
    public void Entry_hash_is_sha256_of_the_canonical_json_array_of_its_fields()
    {
        // Non-ASCII, quotes and angle brackets pin the serializer's escaping (\uXXXX, upper-case hex).
        var entry = new AuditEntry(3, "2026-12-04T12:00:00.0000000Z", "Ana Élise", "evidence.add", "EX-1 \"a\" <b>", "court order 7/26", Prev, string.Empty);
        const string canonical =
            "[3,\"2026-12-04T12:00:00.0000000Z\",\"Ana \\u00C9lise\",\"evidence.add\",\"EX-1 \\u0022a\\u0022 \\u003Cb\\u003E\",\"court order 7/26\",\"" + Prev + "\"]";
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical))),
            AuditLog.ComputeHash(entry));
        Assert.Equal("d6592d5542aa7dd98f306e140c286746aae6a77c058d4739c92ae6a0bc895f98", AuditLog.ComputeHash(entry));
    }

    [Fact]
    public void The_stored_hash_field_is_not_part_of_what_is_hashed()
    {
        var a = new AuditEntry(3, "2026-12-04T12:00:00.0000000Z", "Ana Élise", "evidence.add", "EX-1 \"a\" <b>", "court order 7/26", Prev, string.Empty);
        Assert.Equal(AuditLog.ComputeHash(a), AuditLog.ComputeHash(a with { Hash = "ff" }));
        Assert.NotEqual(AuditLog.ComputeHash(a), AuditLog.ComputeHash(a with { Seq = 4 }));
    }
}
