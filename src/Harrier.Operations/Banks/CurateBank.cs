using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Hashing;

namespace Harrier.Operations.Banks;

/// <summary>
/// Curation one signal at a time, as the HMA-compatible API does it: a new empty bank (<c>banks.create</c>), a PDQ signal
/// added by hash (<c>banks.signal</c>) or hashed from uploaded content (<c>banks.content</c>, with the content's SHA-256).
/// Each is one audited write of the case, with the context's actor.
/// </summary>
public sealed class CurateBank(CaseStore store)
{
    /// <summary>Audit action of a bank created empty.</summary>
    public const string CreateAction = "banks.create";

    /// <summary>Audit action of a signal added by its hash.</summary>
    public const string SignalAction = "banks.signal";

    /// <summary>Audit action of a signal hashed from uploaded content.</summary>
    public const string ContentAction = "banks.content";

    /// <summary>Creates the empty bank <paramref name="name"/>.</summary>
    /// <exception cref="BankExistsException">The name is taken.</exception>
    public Task<BankInfo> CreateAsync(string name, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BankStore(store).CreateAsync(name, context.Actor, CreateAction, null, cancellationToken);
    }

    /// <summary>Adds <paramref name="pdq"/> to <paramref name="bank"/>.</summary>
    /// <exception cref="UnknownBankException">No such bank.</exception>
    public Task<BankPdq> AddSignalAsync(string bank, Hash256 pdq, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BankStore(store).AddPdqAsync(bank, pdq, null, context.Actor, SignalAction, null, null, cancellationToken);
    }

    /// <summary>Adds the PDQ of uploaded content (quality kept) to <paramref name="bank"/>; the audit names the content's SHA-256.</summary>
    /// <exception cref="UnknownBankException">No such bank.</exception>
    public Task<BankPdq> AddContentAsync(string bank, Hash256 pdq, int quality, string contentSha256, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new BankStore(store).AddPdqAsync(bank, pdq, quality, context.Actor, ContentAction, "from content sha256 " + contentSha256, null, cancellationToken);
    }
}
