using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Harrier.Cases;

namespace Harrier.Operations.Returns;

/// <summary>What a returns field holds, and so how its value is checked.</summary>
internal enum ReturnsFieldKind
{
    Text,
    Txid,
    Vout,
    Time,
    Ip,
    IpIfValid,
}

/// <summary>One field of a returns row: its name (also the first accepted column name), whether it is required, and the column names it is read from.</summary>
internal sealed record ReturnsField(string Name, bool Required, ReturnsFieldKind Kind, params string[] Aliases)
{
    /// <summary>Every accepted column name, normalised (see <see cref="ReturnsColumns.Normalise"/>).</summary>
    public IReadOnlyList<string> Keys { get; } = [.. new[] { Name }.Concat(Aliases).Select(ReturnsColumns.Normalise).Distinct(StringComparer.Ordinal)];
}

/// <summary>
/// The columns a returns file may have (docs/returns.md): for each kind its fields in the order of the row records, each
/// with its accepted column names. Column names are matched without regard to case, <c>_</c>, <c>-</c> or spaces.
/// </summary>
internal static class ReturnsColumns
{
    public const string Kyc = "kyc";
    public const string Isp = "isp";

    /// <summary>An exchange's KYC answer, in the order of <see cref="Harrier.Cases.Returns.ReturnedKyc"/>.</summary>
    public static readonly ReturnsField[] KycFields =
    [
        new("exchange", true, ReturnsFieldKind.Text, "exchange_name", "exchange_id", "vasp"),
        new("customer_id", true, ReturnsFieldKind.Text, "customer", "client_id", "account_id", "user_id", "uid"),
        new("withdrawal_txid", true, ReturnsFieldKind.Txid, "txid", "tx_hash", "tx_id", "transaction_hash", "transaction_id"),
        new("withdrawal_vout", true, ReturnsFieldKind.Vout, "vout", "output_index", "tx_vout", "output_n"),
        new("withdrawal_address", false, ReturnsFieldKind.Text, "destination_address", "to_address", "payout_address"),
        new("full_name", false, ReturnsFieldKind.Text, "name", "customer_name", "account_holder", "holder_name"),
        new("given_name", false, ReturnsFieldKind.Text, "given_names", "first_name", "first_names", "forename"),
        new("surname", false, ReturnsFieldKind.Text, "last_name", "family_name"),
        new("date_of_birth", false, ReturnsFieldKind.Text, "dob", "birth_date"),
        new("street", false, ReturnsFieldKind.Text, "street_address", "address_line", "address_line_1"),
        new("town", false, ReturnsFieldKind.Text, "city", "locality"),
        new("postcode", false, ReturnsFieldKind.Text, "postal_code", "post_code", "zip", "zip_code"),
        new("country", false, ReturnsFieldKind.Text, "country_code"),
        new("id_type", false, ReturnsFieldKind.Text, "document_type", "doc_type"),
        new("id_number", false, ReturnsFieldKind.Text, "document_number", "doc_number"),
        new("registration_ip", false, ReturnsFieldKind.IpIfValid, "signup_ip", "registered_ip"),
        new("registered_at", false, ReturnsFieldKind.Time, "registered_utc", "registered", "registration_date", "signup_date", "created_at"),
    ];

    /// <summary>An internet provider's subscriber answer, in the order of <see cref="Harrier.Cases.Returns.ReturnedSubscriber"/>.</summary>
    public static readonly ReturnsField[] IspFields =
    [
        new("isp", true, ReturnsFieldKind.Text, "isp_name", "provider", "internet_provider"),
        new("ip", true, ReturnsFieldKind.Ip, "ip_address", "ipv4", "ipv6"),
        new("lease_from", true, ReturnsFieldKind.Time, "start", "assigned_from", "lease_start", "from", "valid_from", "start_time"),
        new("lease_to", true, ReturnsFieldKind.Time, "end", "assigned_to", "assigned_until", "lease_end", "to", "valid_to", "end_time"),
        new("customer_ref", false, ReturnsFieldKind.Text, "customer_reference", "customer_id", "account_number", "account_id", "subscriber_id"),
        new("subscriber_name", false, ReturnsFieldKind.Text, "subscriber", "name", "full_name", "customer_name", "account_holder"),
        new("given_name", false, ReturnsFieldKind.Text, "given_names", "first_name", "first_names", "forename"),
        new("surname", false, ReturnsFieldKind.Text, "last_name", "family_name"),
        new("date_of_birth", false, ReturnsFieldKind.Text, "dob", "birth_date"),
        new("street", false, ReturnsFieldKind.Text, "street_address", "address_line", "address_line_1"),
        new("town", false, ReturnsFieldKind.Text, "city", "locality"),
        new("postcode", false, ReturnsFieldKind.Text, "postal_code", "post_code", "zip", "zip_code"),
        new("country", false, ReturnsFieldKind.Text, "country_code"),
        new("service", false, ReturnsFieldKind.Text, "service_type", "product"),
        new("subscriber_since", false, ReturnsFieldKind.Time, "customer_since", "since", "contract_start"),
    ];

    /// <summary>The fields of <paramref name="kind"/>.</summary>
    public static ReturnsField[] Fields(string kind) => kind == Kyc ? KycFields : IspFields;

    /// <summary>A column name as matched: lower case, without <c>_</c>, <c>-</c>, spaces (and a byte-order mark).</summary>
    public static string Normalise(string column) =>
        new([.. column.Trim().TrimStart('\uFEFF').ToLowerInvariant().Where(c => c is not ('_' or '-' or ' ' or '\t'))]);

    /// <summary>The kind the columns say: <c>kyc</c> with a withdrawal txid or vout column, <c>isp</c> with an ip or lease column; null when neither or both.</summary>
    public static string? Detect(IEnumerable<string> columns)
    {
        var names = columns.Select(Normalise).ToHashSet(StringComparer.Ordinal);
        var kyc = KycFields.Where(f => f.Name is "withdrawal_txid" or "withdrawal_vout").Any(f => f.Keys.Any(names.Contains));
        var isp = IspFields.Where(f => f.Name is "ip" or "lease_from" or "lease_to").Any(f => f.Keys.Any(names.Contains));
        return kyc == isp ? null : kyc ? Kyc : Isp;
    }

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mmK", "yyyy-MM-dd",
    ];

    /// <summary>
    /// Reads <paramref name="value"/> (trimmed, not empty) as <paramref name="kind"/>: the stored text, or false with why.
    /// </summary>
    public static bool TryRead(ReturnsFieldKind kind, string value, out string stored, out string problem)
    {
        stored = value;
        problem = string.Empty;
        switch (kind)
        {
            case ReturnsFieldKind.Txid:
                if (value.Length == 64 && value.All(char.IsAsciiHexDigit))
                {
                    stored = value.ToLowerInvariant();
                    return true;
                }

                problem = $"'{Clip(value)}' is not a transaction id (64 hex digits)";
                return false;
            case ReturnsFieldKind.Vout:
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= uint.MaxValue)
                {
                    stored = n.ToString(CultureInfo.InvariantCulture);
                    return true;
                }

                problem = $"'{Clip(value)}' is not an output index (a whole number, 0 or more)";
                return false;
            case ReturnsFieldKind.Time:
                if (DateTimeOffset.TryParseExact(value, TimeFormats, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
                {
                    stored = Timestamps.Format(t);
                    return true;
                }

                problem = $"'{Clip(value)}' is not a time (ISO 8601 or yyyy-MM-dd HH:mm:ss; UTC unless an offset is given)";
                return false;
            case ReturnsFieldKind.Ip:
                if (TryIp(value, out var ip))
                {
                    stored = ip;
                    return true;
                }

                problem = $"'{Clip(value)}' is not an IPv4 or IPv6 address";
                return false;
            case ReturnsFieldKind.IpIfValid:
                stored = TryIp(value, out var canonical) ? canonical : value;
                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// An IPv4 address in dotted decimal (four parts 0–255, no leading zeros, which some readers take as octal) or an
    /// IPv6 address, in canonical form (IPv6 compressed, lower case).
    /// </summary>
    public static bool TryIp(string value, out string canonical)
    {
        canonical = string.Empty;
        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                canonical = v6.ToString();
                return true;
            }

            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p, CultureInfo.InvariantCulture) > 255))
        {
            return false;
        }

        canonical = value;
        return true;
    }

    /// <summary>A value shortened for a message.</summary>
    public static string Clip(string s) => s.Length <= 70 ? s : s[..70] + "…";
}
