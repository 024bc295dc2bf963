using System.CommandLine;
using System.CommandLine.Help;
using Harrier.Cases;
using Harrier.Operations;

namespace Harrier.Cli;

/// <summary>Builds the command tree and runs it with Harrier's exit-code rules.</summary>
internal static class HarrierApp
{
    public static RootCommand Build(CliHost host)
    {
        var options = new GlobalOptions();
        var root = new RootCommand("Harrier: from a seized platform to victim-identification leads and country packages. " +
            "Exit codes: 0 ok; 1 failures found (unreadable files, a broken audit chain, changed evidence); " +
            "2 usage or environment error; 3 unexpected internal error.");
        options.AddTo(root);
        foreach (var create in CommandGroups)
        {
            root.Add(create(options, host));
        }

        return root;
    }

    /// <summary>Every command group; each lives in its own file under Commands/.</summary>
    private static readonly Func<GlobalOptions, CliHost, Command>[] CommandGroups =
    [
        Commands.DemoCommand.Create,
        Commands.CaseCommands.Create,
        Commands.EvidenceCommands.Create,
        Commands.PlatformCommands.Create,
        Commands.ReturnsCommands.Create,
        Commands.PersonsCommands.Create,
        Commands.TargetsCommands.Create,
        Commands.DeconflictCommands.Create,
        Commands.PackageCommands.Create,
        Commands.AuditCommands.Create,
        Commands.UsersCommands.Create,
        Commands.ServeCommand.Create,
        Commands.ClusterCommands.Create,
        Commands.ScenarioCommands.Create,
        Commands.HashCommands.Create,
        Commands.IndexCommands.Create,
        Commands.ChainCommands.Create,
        Commands.ChainCommands.CreateTags,
        Commands.CompareCommands.Create,
        Commands.BanksCommands.Create,
        Commands.IngestCommands.Create,
        Commands.TriageCommands.Create,
        Commands.TriageCommands.CreateReport,
        Commands.EvalCommands.Create,
        Commands.ExportCommands.Create,
    ];

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var root = Build(host);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                host.Err.WriteLine($"harrier: {error.Message}");
            }

            host.Err.WriteLine("Run with --help for usage.");
            return ExitCodes.UsageOrEnvironment;
        }

        var config = new InvocationConfiguration
        {
            Output = host.Out,
            Error = host.Err,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parse.InvokeAsync(config, cancellationToken);
        }
        catch (Exception e) when (e is CliException or OperationException or CaseStoreException)
        {
            host.Err.WriteLine($"harrier: {e.Message}");
            return ExitCodes.UsageOrEnvironment;
        }
        catch (OperationCanceledException)
        {
            host.Err.WriteLine("harrier: cancelled");
            return ExitCodes.Failures;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug or an unforeseen condition: one line, the details only on request, never a crash dump.
            host.Err.WriteLine($"harrier: internal error: {e.GetType().Name}: {e.Message}");
            if (Environment.GetEnvironmentVariable("HARRIER_DEBUG") is "1")
            {
                host.Err.WriteLine(e.ToString());
            }
            else
            {
                host.Err.WriteLine("(set HARRIER_DEBUG=1 for the stack trace)");
            }

            return ExitCodes.InternalError;
        }
    }

    /// <summary>Wraps a command body so it receives a <see cref="CommandContext"/>.</summary>
    public static void SetAction(this Command command, GlobalOptions options, CliHost host,
        Func<CommandContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, ct) =>
        {
            await using var ctx = new CommandContext(parse, options, host);
            return await body(ctx, parse, ct);
        });
}
