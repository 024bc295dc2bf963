using Harrier.Operations;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace Harrier.Web;

/// <summary>What every workbench page shares: the use-case context of the signed-in account (its audit actor and the case's clock).</summary>
public abstract class WorkbenchPage : PageModel
{
    /// <summary>The operation context for the use cases this page calls: actor <c>web:NAME</c>.</summary>
    protected OperationContext Operation() =>
        new(WebAudit.ActorOf(User), HttpContext.RequestServices.GetRequiredService<TimeProvider>());

    /// <summary>The audit log, for what a page reveals that no use case records.</summary>
    protected WebAudit Audit => HttpContext.RequestServices.GetRequiredService<WebAudit>();
}
