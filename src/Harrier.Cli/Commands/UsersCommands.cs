using System.CommandLine;
using System.Globalization;
using Harrier.Web.Accounts;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier users add|token|reset|list|remove</c>: the workbench's local accounts, kept in the case.</summary>
internal static class UsersCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("users",
            "The workbench's accounts (kept in the case, each change audited): coordinators see and do everything, analysts triage and read every country, " +
            "a national-unit reader sees only its own country's persons, targets and package and no media.");
        command.Add(Add(options, host));
        command.Add(Token(options, host));
        command.Add(Reset(options, host));
        command.Add(List(options, host));
        command.Add(Remove(options, host));
        return command;
    }

    private static Argument<string> NameArgument() => new("NAME") { Description = "The account's name (lower-case letters, digits, '.', '_', '-')." };

    private static Command Add(GlobalOptions options, CliHost host)
    {
        var name = NameArgument();
        var role = new Option<string>("--role") { Description = "coordinator, analyst or reader.", Required = true };
        role.AcceptOnlyFromAmong([.. WorkbenchRoles.All]);
        var country = new Option<string?>("--country") { Description = "A reader's country (ISO 3166-1 alpha-2, e.g. DE): the only country it sees." };
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("add", "Add an account; prints its one-time password (shown once), to be replaced at the first login.")
        {
            name, role, country, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var added = await new AccountAdmin(store).AddAsync(parse.GetValue(name)!, parse.GetValue(role)!, parse.GetValue(country), ctx.Actor,
                parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(added);
            }
            else
            {
                ctx.Out.WriteLine($"account {added.Account.Name} ({Describe(added.Account)}) added");
                ctx.Out.WriteLine($"one-time password: {added.OneTimePassword}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Token(GlobalOptions options, CliHost host)
    {
        var name = NameArgument();
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("token",
            "Issue the account's API token (shown once; sent as 'Authorization: Bearer TOKEN'), replacing any earlier one, which stops working at once.")
        {
            name, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var token = await new AccountAdmin(store).IssueTokenAsync(parse.GetValue(name)!, ctx.Actor, parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(token);
            }
            else
            {
                ctx.Out.WriteLine(token.Token);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reset(GlobalOptions options, CliHost host)
    {
        var name = NameArgument();
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("reset", "Give the account a new one-time password (a forgotten password, a lockout); ends its sessions.")
        {
            name, justification,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            var reset = await new AccountAdmin(store).ResetPasswordAsync(parse.GetValue(name)!, ctx.Actor, parse.GetValue(justification), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(reset);
            }
            else
            {
                ctx.Out.WriteLine($"one-time password for {reset.Account.Name}: {reset.OneTimePassword}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions options, CliHost host)
    {
        var command = new Command("list", "List the accounts (never a password or a token).");
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            var accounts = await new AccountAdmin(store).ListAsync(ct);
            if (ctx.Json)
            {
                ctx.WriteJson(accounts);
                return ExitCodes.Ok;
            }

            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{accounts.Count} accounts"));
            foreach (var a in accounts)
            {
                var flags = (a.MustChangePassword ? ", one-time password not yet replaced" : "") + (a.HasToken ? ", API token" : "") + (a.LockedOut ? ", LOCKED OUT" : "");
                ctx.Out.WriteLine($"  {a.Name}: {Describe(a)}{flags}; added {a.CreatedUtc} by {a.CreatedBy}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Remove(GlobalOptions options, CliHost host)
    {
        var name = NameArgument();
        var justification = EvidenceCommands.JustificationOption();
        var command = new Command("remove", "Remove an account; its sessions and its token stop working at the next request.") { name, justification };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            await new AccountAdmin(store).RemoveAsync(parse.GetValue(name)!, ctx.Actor, parse.GetValue(justification), ct);
            if (!ctx.Json)
            {
                ctx.Out.WriteLine($"account {parse.GetValue(name)} removed");
            }
            else
            {
                ctx.WriteJson(new { removed = parse.GetValue(name) });
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Describe(AccountInfo a) => a.Country is { } c ? $"reader, {c}" : a.Role;
}
