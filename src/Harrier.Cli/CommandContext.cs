using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harrier.Cases.Keys;
using Harrier.Operations;

namespace Harrier.Cli;

/// <summary>The parsed global options of one invocation, plus the host. Built once per command run.</summary>
internal sealed class CommandContext
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public CommandContext(ParseResult parse, GlobalOptions options, CliHost host)
    {
        Host = host;
        CaseDir = Path.GetFullPath(parse.GetValue(options.Case) ?? Directory.GetCurrentDirectory());
        Db = parse.GetValue(options.Db);
        Json = parse.GetValue(options.Json);
        Progress = parse.GetValue(options.Progress);
        Keys = parse.GetValue(options.Key) is { } keyFile ? CaseKeyStore.AtFile(keyFile) : CaseKeyStore.FromEnvironment();
        Actor = parse.GetValue(options.Actor)
            ?? Environment.GetEnvironmentVariable("HARRIER_ACTOR")
            ?? Environment.UserName;
    }

    public CliHost Host { get; }

    public string CaseDir { get; }

    public string? Db { get; }

    public bool Json { get; }

    public ProgressMode Progress { get; }

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

    /// <summary>Writes one line on stderr (errors and warnings, never case content).</summary>
    public void Error(string message) => Err.WriteLine(message);

    /// <summary>Passes an operation's progress on to the CLI's progress display.</summary>
    private sealed class ProgressForward(IProgress<WorkReport> inner) : IProgress<OperationProgress>
    {
        public void Report(OperationProgress value) => inner.Report(new WorkReport(value.Stage, value.Done, value.Total, value.Bytes));
    }
}
