using System.CommandLine;
using Harrier.Web;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier serve</c>: the workbench over one case, until Ctrl-C.</summary>
internal static class ServeCommand
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var port = new Option<int>("--port") { Description = "The port to listen on (0: any free port).", DefaultValueFactory = _ => 5080 };
        var bind = new Option<string>("--bind")
        {
            Description = "The address to listen on (default 127.0.0.1: this machine only). Another address exposes case data to the network: put it behind TLS.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var vendor = new Option<string?>("--vendor")
        {
            Description = "The folder with the vendored browser libraries (default: $HARRIER_WEB_VENDOR, which ./harrier sets after fetching them from the npm registry).",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log every request (default: warnings only)." };
        var packages = new Option<string?>("--packages")
        {
            Description = "The folder the workbench lists country packages from and builds them into (default: CASE/packages).",
        };
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Serve the HMA-compatible lookups through the case's cluster (any silo answers, from its own index of the banks) " +
                "instead of an index in this process. Needs the case on PostgreSQL and a running 'harrier cluster silo' (docs/cluster.md).",
        };
        var command = new Command("serve",
            "Serve the workbench for the case (--json: one line with the address once it listens): the triage grid, persons and money, targets, packages, the deconfliction register and the audit log in a browser, " +
            "and the HMA-compatible API. Accounts come from harrier users add; there is no default account. Runs until Ctrl-C.")
        {
            port, bind, vendor, verbose, packages, cluster,
        };
        command.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
            await using var lookups = parse.GetValue(cluster) ? await ClusterCommands.ConnectForLookupsAsync(ctx, store, ct) : null;
            var web = new WorkbenchOptions
            {
                Port = parse.GetValue(port),
                BindAddress = parse.GetValue(bind)!,
                VendorDir = parse.GetValue(vendor) ?? Environment.GetEnvironmentVariable("HARRIER_WEB_VENDOR"),
                Verbose = parse.GetValue(verbose),
                PackagesDir = parse.GetValue(packages) is { } dir ? Path.GetFullPath(dir) : null,
                Lookup = lookups?.Lookups,
            };
            await using var workbench = await Workbench.StartAsync(store, web, ct);
            await ReportAsync(ctx, workbench, store, null, ct);
            await workbench.WaitAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints where the workbench listens (and, from the demo, the first account's one-time password).</summary>
    internal static async Task ReportAsync(CommandContext ctx, Workbench workbench, Harrier.Cases.CaseStore store, Harrier.Web.Accounts.NewAccount? first,
        CancellationToken cancellationToken)
    {
        var accounts = await new Harrier.Web.Accounts.AccountAdmin(store).ListAsync(cancellationToken);
        if (ctx.Json)
        {
            ctx.WriteJsonLine(new ServeInfo(workbench.Address.ToString(), accounts.Count, first?.Account.Name, first?.OneTimePassword));
            await ctx.Out.FlushAsync(cancellationToken);
            return;
        }

        ctx.Out.WriteLine($"workbench: {workbench.Address} (Ctrl-C stops it)");
        if (first is not null)
        {
            ctx.Out.WriteLine($"  log in as {first.Account.Name} ({first.Account.Role}) with the one-time password {first.OneTimePassword}; you will choose your own");
        }
        else if (accounts.Count == 0)
        {
            ctx.Out.WriteLine("  no account yet: harrier users add NAME --role coordinator --case " + store.CaseDir);
        }

        await ctx.Out.FlushAsync(cancellationToken);
    }

    /// <summary>The JSON <c>serve</c> prints once it listens.</summary>
    internal sealed record ServeInfo(string Address, int Accounts, string? FirstAccount, string? OneTimePassword);
}
