using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Harrier.Analysis.Persons;

namespace Harrier.Cases.Deconfliction;

/// <summary>
/// The identifier types a claim may name and how each is normalised, so that a claim's identifier and a person's are
/// compared in one form (docs/deconfliction.md): <c>email</c> as the persons engine's mailbox (<see cref="EmailRules"/>,
/// built-in provider rules), <c>username</c> ignoring case (<see cref="IdentityKeys.Handle"/>), <c>wallet</c> a Bitcoin
/// address (bech32 in lower case, base58 as written), <c>name_dob</c> a full name and an ISO birth date
/// (<c>NAME|YYYY-MM-DD</c>, folded by <see cref="IdentityKeys.NameAndBirthDate(string?, string?)"/>), <c>id_document</c> a
/// document number (letters and digits, lower case), <c>ip</c> an address in canonical form.
/// </summary>
public static class ClaimIdentifiers
{
    public const string Email = "email";
    public const string Username = "username";
    public const string Wallet = "wallet";
    public const string NameDob = "name_dob";
    public const string IdDocument = "id_document";
    public const string Ip = "ip";

    /// <summary>Every type, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> Types { get; } = [Email, Username, Wallet, NameDob, IdDocument, Ip];

    private static readonly EmailRules Rules = new();

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["e-mail"] = Email, ["mail"] = Email, ["handle"] = Username, ["user"] = Username, ["bitcoin"] = Wallet, ["btc"] = Wallet,
        ["bitcoin_address"] = Wallet, ["address"] = Wallet, ["namedob"] = NameDob, ["name+dob"] = NameDob, ["document"] = IdDocument,
        ["id_number"] = IdDocument, ["passport"] = IdDocument, ["ip_address"] = Ip,
    };

    /// <summary>The type as stored (lower case; an alias such as <c>e-mail</c> or <c>btc</c> becomes its type), or null when it is none of <see cref="Types"/>.</summary>
    public static string? Type(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var t = type.Trim().ToLowerInvariant();
        return Types.Contains(t) ? t : Aliases.GetValueOrDefault(t);
    }

    /// <summary>Normalises <paramref name="value"/> of the type <paramref name="type"/> (already passed through <see cref="Type"/>); false with the reason when it is not one.</summary>
    public static bool TryNormalise(string type, string value, out string normalised, out string why)
    {
        ArgumentNullException.ThrowIfNull(value);
        normalised = string.Empty;
        why = string.Empty;
        var v = value.Trim();
        string? result;
        switch (type)
        {
            case Email:
                result = Rules.Normalise(v);
                why = $"'{Clip(v)}' is not an e-mail address";
                break;
            case Username:
                result = IdentityKeys.Handle(v);
                why = "the username is empty";
                break;
            case Wallet:
                result = WalletKey(v);
                why = $"'{Clip(v)}' is not a Bitcoin address (base58 or bech32, 14 to 90 letters and digits)";
                break;
            case NameDob:
                result = NameDobKey(v, out why);
                break;
            case IdDocument:
                result = IdentityKeys.DocumentNumber(v);
                why = $"'{Clip(v)}' holds no letter or digit";
                break;
            case Ip:
                result = IpKey(v);
                why = $"'{Clip(v)}' is not an IP address";
                break;
            default:
                why = $"unknown identifier type '{type}'";
                return false;
        }

        if (result is null)
        {
            return false;
        }

        normalised = result;
        why = string.Empty;
        return true;
    }

    /// <summary>An account's or a payment's address in the form claims are compared in (null when it is not one).</summary>
    public static string? WalletKey(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var a = address.Trim();
        if (a.Length is < 14 or > 90 || !a.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }

        // bech32 (BIP 173) is case-insensitive and written in lower case; base58 is case-sensitive and kept as written.
        var lower = a.ToLowerInvariant();
        return lower.StartsWith("bc1", StringComparison.Ordinal) || lower.StartsWith("tb1", StringComparison.Ordinal) || lower.StartsWith("bcrt1", StringComparison.Ordinal)
            ? lower
            : a;
    }

    /// <summary>An address in canonical form (IPv4 dotted decimal, IPv6 compressed lower case), or null.</summary>
    public static string? IpKey(string? ip)
    {
        if (string.IsNullOrWhiteSpace(ip) || !IPAddress.TryParse(ip.Trim(), out var parsed))
        {
            return null;
        }

        // IPAddress.TryParse reads "10" as 0.0.0.10; a claim must write all four parts.
        return parsed.AddressFamily == AddressFamily.InterNetwork && ip.Trim().Split('.').Length != 4 ? null : parsed.ToString();
    }

    private static string? NameDobKey(string value, out string why)
    {
        var bar = value.LastIndexOf('|');
        if (bar <= 0)
        {
            why = $"'{Clip(value)}' is not NAME|YYYY-MM-DD (a full name, '|', a birth date)";
            return null;
        }

        var name = value[..bar].Trim();
        var dob = value[(bar + 1)..].Trim();
        if (!DateOnly.TryParseExact(dob, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            why = $"birth date '{Clip(dob)}' is not a date YYYY-MM-DD";
            return null;
        }

        why = $"'{Clip(value)}' has no name before '|'";
        return IdentityKeys.NameAndBirthDate(name, dob);
    }

    private static string Clip(string s) => s.Length <= 70 ? s : s[..70] + "…";
}
