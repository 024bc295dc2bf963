using System.Security.Claims;
using Harrier.Cases;

namespace Harrier.Web;

/// <summary>
/// The audit entries the workbench writes for what a person does through it: every view of a person, every reveal of
/// media, every export and download, every login. The actor is always <c>web:NAME</c>, the signed-in account.
/// </summary>
public sealed class WebAudit(CaseStore store)
{
    /// <summary>The audit actor of an account.</summary>
    public static string ActorOf(string userName) => "web:" + userName;

    /// <summary>The audit actor of the signed-in principal.</summary>
    public static string ActorOf(ClaimsPrincipal user) => ActorOf(user?.Identity?.Name ?? "anonymous");

    /// <summary>Appends one entry for <paramref name="user"/>; the action is prefixed with <c>web.</c> by the caller's naming (e.g. <c>web.person.view</c>).</summary>
    public Task<AuditEntry> RecordAsync(ClaimsPrincipal user, string action, string target, CancellationToken cancellationToken) =>
        store.RecordAsync(new AuditIntent(ActorOf(user), action, null), target, cancellationToken);

    /// <summary>Appends one entry for an actor that is not signed in (a failed login names the account tried).</summary>
    public Task<AuditEntry> RecordAsync(string actor, string action, string target, CancellationToken cancellationToken) =>
        store.RecordAsync(new AuditIntent(actor, action, null), target, cancellationToken);
}
