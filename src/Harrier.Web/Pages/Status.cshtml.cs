using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages;

/// <summary>The page shown for an error status (re-executed by the status-code middleware; the status itself is kept).</summary>
[AllowAnonymous]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public string Title => Code switch
    {
        403 => "Not for this account",
        404 => "Not found",
        400 => "Bad request",
        413 => "Too large",
        _ => "Error",
    };

    public string Explanation => Code switch
    {
        403 => "Your role or your country does not give you access to this. Ask the case's coordinator if you need it.",
        404 => "There is nothing at this address.",
        _ => "The request could not be answered.",
    };

    public void OnGet(int code) => Code = code;
}
