using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Harrier.Web.Pages.Account;

/// <summary>Replacing the password (required after a one-time password). Ends every other session of the account.</summary>
[Authorize]
public sealed class PasswordModel(UserManager<WorkbenchUser> users, SignInManager<WorkbenchUser> signIn) : PageModel
{
    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public string? New { get; set; }

    [BindProperty]
    public string? Again { get; set; }

    public bool FirstTime => User.HasClaim(c => c.Type == WorkbenchRoles.MustChangePasswordClaim);

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Forbid();
        }

        if (New != Again)
        {
            Errors = ["The two new passwords differ."];
            return Page();
        }

        if (New == Current)
        {
            Errors = ["The new password must differ from the current one."];
            return Page();
        }

        user.MustChangePassword = false;
        user.ChangeReason = "password changed";
        var result = await users.ChangePasswordAsync(user, Current ?? "", New ?? "");
        if (!result.Succeeded)
        {
            Errors = [.. result.Errors.Select(e => e.Description)];
            return Page();
        }

        await signIn.RefreshSignInAsync(user);
        return LocalRedirect("/");
    }
}
