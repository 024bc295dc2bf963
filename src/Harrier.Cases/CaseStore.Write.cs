using System.Data.Common;
using Harrier.Cases.Keys;

namespace Harrier.Cases;

/// <summary>The case's one write scope.</summary>
public sealed partial class CaseStore
{
    /// <summary>
    /// The one way to change a case: opens a write transaction (holding the case-wide write lock), runs
    /// <paramref name="change"/>, appends the audit entry described by <paramref name="intent"/> and
    /// <paramref name="target"/> (computed from the change's outcome) in the same transaction, signs the new head with the
    /// case key into <c>audit.head.next</c>, commits, and then advances <c>audit.head</c>. If the change throws, nothing of
    /// it and no audit entry is committed. A case key that cannot be loaded stops the write before the change runs: a case
    /// with a key is never appended to unsigned. A crash between the commit and the head write leaves one entry after
    /// <c>audit.head</c> that <c>audit.head.next</c> signs, which <see cref="AuditLog.VerifyAsync(CancellationToken)"/>
    /// reports as unanchored, never as tampering.
    /// </summary>
    public async Task<T> WriteAsync<T>(AuditIntent intent, Func<CaseWrite, CancellationToken, Task<T>> change, Func<T, string> target,
        CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return (await WriteOnAsync(connection, intent, change, target, cancellationToken)).Result;
    }

    /// <summary>
    /// Appends one audit entry with no change of case rows: for reads that reveal case data (a listing, a chain view),
    /// and for changes to files of the case folder (<c>chain/</c>, <c>tags/</c>, reports) made just before, which a
    /// database transaction cannot cover. Same transaction and head rules as <see cref="WriteAsync{T}"/>.
    /// </summary>
    public async Task<AuditEntry> RecordAsync(AuditIntent intent, string target, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        return (await WriteOnAsync(connection, intent, static (_, _) => Task.FromResult(0), _ => target, cancellationToken)).Entry;
    }

    /// <summary>The scope on a connection the caller keeps open (evidence registration writes its batches on the same one).</summary>
    internal async Task<(T Result, AuditEntry Entry)> WriteOnAsync<T>(DbConnection connection, AuditIntent intent,
        Func<CaseWrite, CancellationToken, Task<T>> change, Func<T, string> target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(intent);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(target);
        var key = IsSigned ? Key : null; // throws, naming where it looked, before anything changes
        T result;
        AuditEntry entry;
        SignedAuditHead? head = null;
        await using (var tx = await Database.BeginWriteAsync(connection, cancellationToken))
        {
            result = await change(new CaseWrite(this, connection, tx, Timestamps.Format(Time.GetUtcNow())), cancellationToken);
            var tables = await TableDigests.SealAsync(Database.Kind, connection, tx, key is null ? null : TableKey, cancellationToken);
            entry = await Audit.AppendAsync(connection, tx, intent.Actor, intent.Action, target(result), intent.Justification, cancellationToken);
            if (key is not null)
            {
                // Signed and written under the write lock, before the commit: an entry that commits is always covered by a
                // signed head, even when the process dies before audit.head is replaced below.
                head = SignedAuditHead.Create(key, Manifest.CaseId, entry.Seq, entry.Hash, Time.GetUtcNow(), tables);
                head.WriteTo(Path.Combine(CaseDir, CaseFolder.AuditHeadNextFileName));
            }

            await tx.CommitAsync(cancellationToken);
        }

        Audit.WriteHead(entry, head);
        return (result, entry);
    }

    /// <summary>
    /// Commits a batch of a long run that writes rows without an audit entry of its own (evidence registration, media ingest:
    /// bracketed by audited entries, and committed batch by batch so that a killed run resumes): the rows are folded into the
    /// table digests and the head is signed again for the same last entry over the new tables, with the same
    /// <c>audit.head.next</c>-then-<c>audit.head</c> rule as <see cref="WriteAsync{T}"/>. So no committed row is ever outside a
    /// signed head, even in the middle of a run.
    /// </summary>
    internal async Task CommitSealedAsync(DbConnection connection, DbTransaction tx, CancellationToken cancellationToken)
    {
        var key = IsSigned ? Key : null;
        var tables = await TableDigests.SealAsync(Database.Kind, connection, tx, key is null ? null : TableKey, cancellationToken);
        SignedAuditHead? head = null;
        if (key is not null)
        {
            var (seq, hash) = await AuditLog.LastAsync(connection, tx, cancellationToken);
            head = SignedAuditHead.Create(key, Manifest.CaseId, seq, hash, Time.GetUtcNow(), tables);
            head.WriteTo(Path.Combine(CaseDir, CaseFolder.AuditHeadNextFileName));
        }

        await tx.CommitAsync(cancellationToken);
        head?.WriteTo(Path.Combine(CaseDir, CaseFolder.AuditHeadFileName));
    }

    /// <summary>The HMAC key of the table digests, derived from the case key (<see cref="TableState"/>).</summary>
    private byte[] TableKey
    {
        get
        {
            lock (_keyLock)
            {
                return _tableKey ??= Key.DeriveSecret(TableState.KeyPurpose);
            }
        }
    }
}
