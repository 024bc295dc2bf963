namespace Harrier.Cases.Returns;

/// <summary>
/// One exchange KYC answer as the case keeps it (table <c>returns_kyc</c>, migration 8): the customer behind one
/// withdrawal (<c>WithdrawalTxid</c>:<c>WithdrawalVout</c>), tied at import to the data request that asked for it:
/// <c>RequestActor</c> is the actor of the case's last trace lead with that txid and vout (null: no request asked for
/// it), <c>DepositAddresses</c> the platform deposit addresses that lead's value reached. Times are
/// <see cref="Timestamps.Format"/> text; every identity field may be missing.
/// </summary>
public sealed record ReturnedKyc(
    long Id,
    long ImportId,
    string FileName,
    long Line,
    string Exchange,
    string CustomerId,
    string WithdrawalTxid,
    long WithdrawalVout,
    string? WithdrawalAddress,
    string? FullName,
    string? GivenName,
    string? Surname,
    string? DateOfBirth,
    string? Street,
    string? Town,
    string? Postcode,
    string? Country,
    string? IdType,
    string? IdNumber,
    string? RegistrationIp,
    string? RegisteredUtc,
    string? RequestActor,
    IReadOnlyList<string> DepositAddresses);

/// <summary>
/// One internet provider's answer (table <c>returns_subscribers</c>): who held <c>Ip</c> from <c>LeaseFromUtc</c> to
/// <c>LeaseToUtc</c>.
/// </summary>
public sealed record ReturnedSubscriber(
    long Id,
    long ImportId,
    string FileName,
    long Line,
    string Isp,
    string Ip,
    string LeaseFromUtc,
    string LeaseToUtc,
    string? CustomerRef,
    string? SubscriberName,
    string? GivenName,
    string? Surname,
    string? DateOfBirth,
    string? Street,
    string? Town,
    string? Postcode,
    string? Country,
    string? Service,
    string? SubscriberSinceUtc);

/// <summary>A returns file recorded in the case: <c>Kind</c> is <c>kyc</c> or <c>isp</c>, <c>Format</c> <c>csv</c> or <c>json</c>.</summary>
public sealed record ReturnsImportInfo(long ImportId, string FileName, string Sha256, string Kind, string Format, long Rows, long RowsTied, string ImportedUtc,
    string ImportedBy);
