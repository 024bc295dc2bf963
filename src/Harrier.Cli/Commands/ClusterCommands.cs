using System.CommandLine;
using System.Globalization;
using System.Net;
using Harrier.Cases;
using Harrier.Cluster;
using Harrier.Operations.Cluster;
using Microsoft.Extensions.Logging;

namespace Harrier.Cli.Commands;

/// <summary>
/// <c>harrier cluster silo | ingest | triage | status</c>: a case's work spread over Orleans silos (docs/cluster.md). Parses,
/// calls Harrier.Cluster, renders; the per-file work is the single-machine path's own operation.
/// </summary>
internal static class ClusterCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("cluster", "Spread a case's ingest and triage over several machines (Orleans silos on the case's PostgreSQL; docs/cluster.md).");
        command.Add(Silo(options, host));
        command.Add(Ingest(options, host));
        command.Add(Triage(options, host));
        command.Add(Status(options, host));
        return command;
    }

    private static Command Silo(GlobalOptions options, CliHost host)
    {
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int?>("--gateway-port") { Description = "Port clients connect to (default: --port + 1)." };
        var address = new Option<string>("--address")
        {
            Description = "The address other silos and clients reach this one at (default loopback: give the machine's address on a real cluster).",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var jobs = new Option<int?>("--jobs") { Description = "Files worked on at once in this silo (default: one per core)." };
        var batch = new Option<int>("--claim-batch")
        {
            Description = "Files leased per claim and run one after the other; an ingest lease stores its files' facts in one write with one audit entry, " +
                "so the per-file cost of the case's sealed writes is shared (more amortises the claim for tiny jobs; a silo that dies loses at most this many files' work).",
            DefaultValueFactory = _ => 4,
        };
        var lease = new Option<int>("--lease") { Description = "Seconds a lease lasts unless renewed (renewed every third of it while the silo lives).", DefaultValueFactory = _ => 30 };
        var poll = new Option<int>("--idle-poll-ms") { Description = "How often an idle worker looks for work, in milliseconds.", DefaultValueFactory = _ => 1000 };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Orleans and worker log level on stderr.", DefaultValueFactory = _ => LogLevel.Warning };
        var silo = new Command("silo",
            "Run one silo of the case's cluster until stopped (Ctrl+C or SIGTERM: it leaves cleanly and hands its unfinished files back). " +
            "Needs the case on PostgreSQL (--db) and the case folder and evidence at the same paths on every machine (a shared folder). " +
            "Membership is Orleans' ADO.NET clustering in the case's database (schema harrier_cluster, created if missing).")
        {
            port, gateway, address, jobs, batch, lease, poll, logLevel,
        };
        silo.SetAction(options, host, async (ctx, parse, ct) =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
            {
                throw new CliException($"--address {parse.GetValue(address)}: not an IP address");
            }

            if (parse.GetValue(jobs) is < 1 or > 1024 || parse.GetValue(batch) is < 1 or > 10_000 || parse.GetValue(lease) is < 3 or > 86_400 || parse.GetValue(poll) is < 10 or > 60_000)
            {
                throw new CliException("--jobs must be 1–1024, --claim-batch 1–10000, --lease 3–86400 seconds, --idle-poll-ms 10–60000");
            }

            var siloPort = parse.GetValue(port);
            var gatewayPort = parse.GetValue(gateway) ?? siloPort + 1;
            var store = await OpenPostgresAsync(ctx, ct);
            var settings = new SiloSettings
            {
                ConnectionString = store.Database.ConnectionString,
                CaseDir = store.CaseDir,
                ClusterId = ClusterSilo.ClusterIdOf(store.Manifest.CaseId),
                Keys = ctx.Keys,
                Time = ctx.Time,
                Address = ip,
                SiloPort = siloPort,
                GatewayPort = gatewayPort,
                Jobs = parse.GetValue(jobs) ?? Environment.ProcessorCount,
                ClaimBatch = parse.GetValue(batch),
                Lease = TimeSpan.FromSeconds(parse.GetValue(lease)),
                IdlePoll = TimeSpan.FromMilliseconds(parse.GetValue(poll)),
                Store = store,
            };
            using var silo = await ClusterSilo.BuildAsync(settings, parse.GetValue(logLevel), ct);
            await silo.StartAsync(ct);
            var info = new SiloInfo(settings.ClusterId, ip.ToString(), siloPort, gatewayPort, settings.Jobs);
            if (ctx.Json)
            {
                ctx.WriteJsonLine(info);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"silo up: cluster {info.ClusterId}, {info.Address}:{info.Port} (gateway {info.GatewayPort}), {info.Jobs} jobs; Ctrl+C stops it"));
            }

            ctx.Out.Flush();
            var stopped = new TaskCompletionSource();
            await using (ct.Register(() => stopped.TrySetResult()))
            {
                await stopped.Task;
            }

            await silo.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        });
        return silo;
    }

    private static Command Ingest(GlobalOptions options, CliHost host)
    {
        var exhibit = new Option<string>("--exhibit") { Description = "The exhibit whose files to ingest.", Required = true };
        var justification = EvidenceCommands.JustificationOption();
        var noThumbnails = new Option<bool>("--no-thumbnails") { Description = "Do not write the blurred greyscale thumbnails and keyframe strips." };
        var detach = new Option<bool>("--detach") { Description = "Start the run and return at once (follow it with 'cluster status')." };
        var empty = new Option<int?>("--empty-jobs") { Description = "Instead of ingesting, run N jobs that do nothing: the scheduler's own cost (docs/scale.md).", Hidden = true };
        var ingest = new Command("ingest",
            "Ingest an exhibit's not-yet-ingested files on the case's cluster: the same per-file operation as 'ingest media' (one media_facts " +
            "row per file, written once), each file leased to one silo and given to another if that silo dies. Waits until every file has a result " +
            "(a run already open for the exhibit is joined, not started again); exit 1 when some file failed.")
        {
            exhibit, justification, noThumbnails, detach, empty,
        };
        ingest.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var exhibitId = parse.GetValue(exhibit)!;
            var store = await OpenPostgresAsync(ctx, ct);
            await using (var writerLock = await store.LockForWritingAsync(CaseWriter.ThisProcess(ctx.Actor, ctx.CommandName, ctx.Time), TimeSpan.FromSeconds(ctx.WaitSeconds), ct))
            {
                // Held only while the run is set up: the silos write the case while it runs, not this process.
            }

            if (!(await store.Evidence.ExhibitsAsync(ct)).Any(x => x.ExhibitId == exhibitId))
            {
                throw new CliException($"no exhibit {exhibitId} in this case");
            }

            using var queue = new WorkQueue(store.Database.ConnectionString);
            var emptyJobs = parse.GetValue(empty);
            var kind = emptyJobs is null ? RunSpec.Ingest : RunSpec.Empty;
            var runId = (kind == RunSpec.Ingest ? await queue.OpenRunAsync(exhibitId, ct) : null)
                ?? string.Create(CultureInfo.InvariantCulture, $"{kind}-{exhibitId}-{Guid.NewGuid():N}");
            var spec = new RunSpec(runId, kind, exhibitId, ctx.Actor, parse.GetValue(justification), !parse.GetValue(noThumbnails));
            await using var client = await ConnectAsync(ctx, store, ct);
            var status = await client.StartAsync(spec, emptyJobs ?? 0, ct);
            await store.RecordAsync(ctx.Operation().Intent("cluster.ingest.start", spec.Justification), string.Create(CultureInfo.InvariantCulture,
                $"exhibit {exhibitId}: run {runId} on cluster {ClusterSilo.ClusterIdOf(store.Manifest.CaseId)}, {status.Files} files"), ct);
            if (!parse.GetValue(detach))
            {
                status = await WorkProgress.RunAsync(ctx, "cluster ingest", async p =>
                {
                    var s = status;
                    while (!s.Complete)
                    {
                        p.Report(new WorkReport("cluster", s.Done + s.Failed, s.Files));
                        await Task.Delay(TimeSpan.FromSeconds(1), ctx.Time, ct);
                        s = await client.StatusAsync(runId, ct) ?? s;
                    }

                    p.Report(new WorkReport("cluster", s.Done + s.Failed, s.Files));
                    return s;
                });
                await store.RecordAsync(ctx.Operation().Intent("cluster.ingest", spec.Justification), string.Create(CultureInfo.InvariantCulture,
                    $"exhibit {exhibitId}: run {runId}: {status.Done} done, {status.Failed} failed, {status.Failures.Count} with a reason, {status.Retried} retried on another silo"), ct);
            }

            Print(ctx, status);
            return status.Failed > 0 || status.Failures.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return ingest;
    }

    private static Command Triage(GlobalOptions options, CliHost host)
    {
        var justification = EvidenceCommands.JustificationOption();
        var triage = new Command("triage",
            "Triage the case as 'harrier triage' does, with the hypotheses of the files nothing else matched (each file decoded again: the " +
            "per-file heavy step) computed on the silos, one leased job per file; matching, grouping and the queue run here on the stored " +
            "facts, so the results are the single-process results. Holds the case's writer lock; exit 1 when some file's hypotheses failed.")
        {
            justification,
        };
        triage.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var store = await CaseOpener.OpenAsync(ctx, ct);
            RequirePostgres(store);
            await ClusterSchema.EnsureAsync(store.Database.ConnectionString, ct);
            await using var client = await ConnectAsync(ctx, store, ct);
            var summary = await WorkProgress.RunAsync(ctx, "cluster triage", p =>
                ClusterTriage.RunAsync(client, store, new Operations.Triage.RunTriageRequest(parse.GetValue(justification)), ctx.Operation(p), ct));
            TriageCommands.Print(ctx, summary);
            return summary.Errors.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return triage;
    }

    private static Command Status(GlobalOptions options, CliHost host)
    {
        var run = new Option<string?>("--run") { Description = "The run (default: the newest)." };
        var status = new Command("status",
            "A cluster run's progress as the case's work table holds it (no silo needed): files done, failed and in work, per silo (with its " +
            "membership status), rate, ETA, and every failure with its reason.")
        {
            run,
        };
        status.SetAction(options, host, async (ctx, parse, ct) =>
        {
            // A read: the cluster's tables are not created here (a case that never had a silo or a run has no cluster run).
            var store = await OpenPostgresAsync(ctx, ct, createSchema: false);
            await using var connection = new Npgsql.NpgsqlConnection(store.Database.ConnectionString);
            await connection.OpenAsync(ct);
            var runId = parse.GetValue(run) ?? (await ClusterRuns.RunIdsAsync(connection, 1, ct) is [var newest, ..] ? newest : null) ?? throw new CliException("no cluster run in this case yet");
            var s = await ClusterRuns.StatusAsync(connection, runId, ct) ?? throw new CliException($"no cluster run {runId} in this case");
            Print(ctx, s);
            return s.Failed > 0 || s.Failures.Count > 0 ? ExitCodes.Failures : ExitCodes.Ok;
        });
        return status;
    }

    private static async Task<CaseStore> OpenPostgresAsync(CommandContext ctx, CancellationToken ct, bool createSchema = true)
    {
        var store = await CaseOpener.OpenForReadingAsync(ctx, ct);
        RequirePostgres(store);

        // Every silo and client creates the cluster's tables if they are missing (status only reads).
        if (createSchema)
        {
            await ClusterSchema.EnsureAsync(store.Database.ConnectionString, ct);
        }

        return store;
    }

    /// <summary>A client of the case's cluster for <c>serve --cluster</c> (its lookups answered by the silos).</summary>
    internal static async Task<ClusterClient> ConnectForLookupsAsync(CommandContext ctx, CaseStore store, CancellationToken ct)
    {
        RequirePostgres(store);
        return await ConnectAsync(ctx, store, ct);
    }

    private static void RequirePostgres(CaseStore store)
    {
        if (store.Database.Kind != CaseDatabaseKind.PostgreSql)
        {
            throw new CliException($"case {store.CaseDir} is on SQLite: a cluster needs the case on PostgreSQL (give --db \"Host=…;Database=…\")");
        }
    }

    private static async Task<ClusterClient> ConnectAsync(CommandContext ctx, CaseStore store, CancellationToken ct)
    {
        try
        {
            return await ClusterClient.ConnectAsync(store.Database.ConnectionString, ClusterSilo.ClusterIdOf(store.Manifest.CaseId), ctx.Time, ct);
        }
        catch (Exception e) when (e is OrleansException or SiloUnavailableException or TimeoutException)
        {
            throw new CliException($"cannot reach a silo of cluster {ClusterSilo.ClusterIdOf(store.Manifest.CaseId)}: {e.Message} (start one with 'harrier cluster silo')");
        }
    }

    private static void Print(CommandContext ctx, RunStatus s)
    {
        if (ctx.Json)
        {
            ctx.WriteJson(s);
            return;
        }

        var rate = s.Rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:0.##} files/s") : "no rate yet";
        var eta = s.EtaSeconds is { } e ? string.Create(CultureInfo.InvariantCulture, $"ETA {e:0} s") : "ETA unknown";
        ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"run {s.RunId} ({s.Kind}, exhibit {s.ExhibitId}): {s.Done + s.Failed} of {s.Files} files done ({s.Failed} failed), {s.Leased} in work, {s.Pending} waiting; {s.Retried} retried; {rate}; {(s.Complete ? "complete" : eta)}"));
        foreach (var silo in s.Silos)
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  silo {silo.Silo} ({silo.Status ?? "gone"}{(silo.HostName is { } h ? ", " + h : "")}): {silo.Done} done, {silo.Failed} failed, {silo.Leased} in work"));
        }

        foreach (var f in s.Failures)
        {
            ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  failed: {f.RelPath ?? "item " + f.Item}: {f.Reason}"));
        }
    }

    private sealed record SiloInfo(string ClusterId, string Address, int Port, int GatewayPort, int Jobs);
}
