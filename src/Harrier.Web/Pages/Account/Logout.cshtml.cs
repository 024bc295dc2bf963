using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Account;

/// <summary>Logging out is a POST with an antiforgery token (a link could be triggered by another site).</summary>
[AllowAnonymous]
public sealed class LogoutModel(SignInManager<WorkbenchUser> signIn) : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await signIn.SignOutAsync();
        return Page();
    }
}
