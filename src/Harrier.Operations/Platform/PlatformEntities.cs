namespace Harrier.Operations.Platform;

/// <summary>How a field's value is read.</summary>
public enum PlatformFieldKind
{
    /// <summary>Text as stored (numbers in invariant form).</summary>
    Text,

    /// <summary>A time (<see cref="PlatformValues.TryTime"/>).</summary>
    Time,

    /// <summary>A decimal amount.</summary>
    Amount,

    /// <summary>A whole number.</summary>
    WholeNumber,

    /// <summary>True or false (1/0, true/false, t/f, yes/no).</summary>
    Boolean,

    /// <summary>A SHA-256 as hex (any case).</summary>
    Sha256,

    /// <summary>An MD5 as hex (any case).</summary>
    Md5,
}

/// <summary>One field of an entity: its name in the mapping, how it is read, and whether a row needs it.</summary>
public sealed record PlatformField(string Name, PlatformFieldKind Kind = PlatformFieldKind.Text, bool Required = false);

/// <summary>The platform entities Harrier imports and their fields, in the order the mapping writer writes them.</summary>
public sealed record PlatformEntity(string Name, IReadOnlyList<PlatformField> Fields, Func<PlatformMapping, PlatformTableMapping?> Get)
{
    /// <summary>Every entity, in import order (accounts first).</summary>
    public static IReadOnlyList<PlatformEntity> All { get; } =
    [
        new("accounts", [new("id", Required: true), new("username"), new("email"), new("registered", PlatformFieldKind.Time), new("role"),
            new("admin", PlatformFieldKind.Boolean), new("deposit_address")], m => m.Accounts),
        new("logins", [new("id"), new("account", Required: true), new("time", PlatformFieldKind.Time, true), new("ip"), new("user_agent")], m => m.Logins),
        new("uploads", [new("id", Required: true), new("account", Required: true), new("time", PlatformFieldKind.Time)], m => m.Uploads),
        new("upload_files", [new("upload", Required: true), new("path"), new("sha256", PlatformFieldKind.Sha256), new("md5", PlatformFieldKind.Md5)],
            m => m.UploadFiles),
        new("categorisations", [new("id"), new("upload", Required: true), new("category", Required: true), new("account"), new("time", PlatformFieldKind.Time)],
            m => m.Categorisations),
        new("ledger", [new("id"), new("account", Required: true), new("amount", PlatformFieldKind.Amount, true), new("currency"), new("kind"),
            new("time", PlatformFieldKind.Time), new("upload"), new("txid")], m => m.Ledger),
        new("payments", [new("id"), new("account", Required: true), new("amount", PlatformFieldKind.Amount, true), new("currency"), new("deposit_address"),
            new("txid"), new("vout", PlatformFieldKind.WholeNumber), new("time", PlatformFieldKind.Time)], m => m.Payments),
        new("messages", [new("id"), new("from", Required: true), new("to", Required: true), new("time", PlatformFieldKind.Time)], m => m.Messages),
    ];
}
