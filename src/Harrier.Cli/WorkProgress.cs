using System.Globalization;
using Spectre.Console;

namespace Harrier.Cli;

/// <summary>One progress report: a stage name, work done and total (0 when unknown), and an optional byte count.</summary>
internal readonly record struct WorkReport(string Stage, long Done, long Total, long Bytes = 0);

/// <summary>
/// Shows progress of long work the way <c>--progress</c> asks: a Spectre bar with ETA on a terminal, machine-readable
/// <c>progress STAGE DONE TOTAL</c> lines on stderr, or nothing. Engines report through <see cref="IProgress{T}"/>
/// from any thread.
/// </summary>
internal static class WorkProgress
{
    public static async Task<T> RunAsync<T>(CommandContext ctx, string title, Func<IProgress<WorkReport>, Task<T>> work)
    {
        var mode = ctx.Progress;
        if (mode == ProgressMode.Auto && (!ctx.Host.Interactive || ctx.Json))
        {
            mode = ProgressMode.None;
        }

        switch (mode)
        {
            case ProgressMode.Lines:
                var gate = new object();
                return await work(new SyncProgress(r =>
                {
                    lock (gate)
                    {
                        ctx.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress {r.Stage} {r.Done} {r.Total}"));
                        ctx.Err.Flush();
                    }
                }));
            case ProgressMode.Auto:
                T result = default!;
                await ctx.Host.CreateProgressConsole().Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async p =>
                    {
                        var task = p.AddTask(Markup.Escape(title), maxValue: 1);
                        result = await work(new SyncProgress(r =>
                        {
                            task.Description = Markup.Escape($"{title}: {r.Stage}");
                            if (r.Total > 0)
                            {
                                task.MaxValue = r.Total;
                                task.Value = r.Done;
                            }
                        }));
                        task.Value = task.MaxValue;
                    });
                return result;
            default:
                return await work(new SyncProgress(static _ => { }));
        }
    }

    /// <summary>Invokes the handler on the reporting thread (Progress&lt;T&gt; would post to a thread-pool queue and reorder).</summary>
    private sealed class SyncProgress(Action<WorkReport> handler) : IProgress<WorkReport>
    {
        public void Report(WorkReport value) => handler(value);
    }
}
