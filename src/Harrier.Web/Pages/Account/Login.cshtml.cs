using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Account;

/// <summary>Local accounts only; five wrong passwords lock the account for 15 minutes. Every attempt is audited.</summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<WorkbenchUser> signIn, WebAudit audit) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = (Name ?? "").Trim();
        if (name.Length == 0 || string.IsNullOrEmpty(Password))
        {
            Error = "Enter the account's name and password.";
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(name, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await audit.RecordAsync(WebAudit.ActorOf(name), "web.login", $"user {name}", cancellationToken);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }

        var why = result.IsLockedOut ? "locked out" : "wrong name or password";
        await audit.RecordAsync(WebAudit.ActorOf(name.Length > 64 ? name[..64] : name), "web.login.failed", $"user {(name.Length > 64 ? name[..64] : name)}: {why}",
            cancellationToken);
        Error = result.IsLockedOut
            ? "This account is locked after too many wrong passwords. Try again in 15 minutes, or ask the case's coordinator (harrier users reset)."
            : "Wrong account name or password.";
        return Page();
    }
}
