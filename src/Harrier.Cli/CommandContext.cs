using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harrier.Cases.Keys;
using Harrier.Operations;

namespace Harrier.Cli;

/// <summary>
/// The parsed global options of one invocation, plus the host. Built once per command run and disposed when it ends, which
/// releases the case's writer lock if the command took it (<see cref="CaseOpener.OpenAsync"/>).
/// </summary>
internal sealed class CommandContext : IAsyncDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    private readonly List<IAsyncDisposable> _held = [];

    public CommandContext(ParseResult parse, GlobalOptions options, CliHost host)
    {
        Host = host;
        CommandName = NameOf(parse.CommandResult);
        CaseDir = Path.GetFullPath(parse.GetValue(options.Case) ?? Directory.GetCurrentDirectory());
        Db = parse.GetValue(options.Db);
        Json = parse.GetValue(options.Json);
        Progress = parse.GetValue(options.Progress);
        WaitSeconds = parse.GetValue(options.Wait);
        Keys = parse.GetValue(options.Key) is { } keyFile ? CaseKeyStore.AtFile(keyFile) : CaseKeyStore.FromEnvironment();
        Actor = parse.GetValue(options.Actor)
            ?? Environment.GetEnvironmentVariable("HARRIER_ACTOR")
            ?? Environment.UserName;
    }

    public CliHost Host { get; }

    /// <summary>The command being run, without the root: e.g. <c>evidence add</c>.</summary>
    public string CommandName { get; }

    public string CaseDir { get; }

    public string? Db { get; }

    public bool Json { get; }

    public ProgressMode Progress { get; }

    /// <summary>How long a command that writes waits for another process's writer lock (<c>--wait SECONDS</c>; 0: not at all).</summary>
    public int WaitSeconds { get; }

    /// <summary>Where the case key is: <c>--key FILE</c>, else the per-user key store.</summary>
    public CaseKeyStore Keys { get; }

    public string Actor { get; }

    public TextWriter Out => Host.Out;

    public TextWriter Err => Host.Err;

    public TimeProvider Time => Host.Time;

    /// <summary>The operation context of this invocation: its actor and clock, and <paramref name="progress"/> when it shows any.</summary>
    public OperationContext Operation(IProgress<WorkReport>? progress = null) =>
        new(Actor, Time, progress is null ? null : new ProgressForward(progress));

    /// <summary>Writes <paramref name="value"/> as the command's one JSON document on stdout.</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes <paramref name="value"/> as JSON on ONE line (for a command that keeps running after it, such as serve: a reader takes the first line).</summary>
    public void WriteJsonLine<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonLineOptions));

    /// <summary>Writes one line on stderr (errors and warnings, never case content).</summary>
    public void Error(string message) => Err.WriteLine(message);

    /// <summary>Keeps <paramref name="resource"/> (the case's writer lock) until the command ends.</summary>
    public void Hold(IAsyncDisposable resource) => _held.Add(resource);

    /// <summary>Releases what the command held, last taken first.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _held.Count - 1; i >= 0; i--)
        {
            await _held[i].DisposeAsync();
        }

        _held.Clear();
    }

    private static string NameOf(CommandResult command)
    {
        var names = new List<string>();
        for (var r = command; r.Parent is CommandResult parent; r = parent)
        {
            names.Add(r.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>Passes an operation's progress on to the CLI's progress display.</summary>
    private sealed class ProgressForward(IProgress<WorkReport> inner) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => inner.Report(new WorkReport(value.Stage, value.Done, value.Total, value.Bytes));
    }
}
