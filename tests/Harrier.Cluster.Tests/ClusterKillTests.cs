using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harrier.Cli.Tests;
using Xunit.Abstractions;

namespace Harrier.Cluster.Tests;

/// <summary>
/// The cluster as it is run: real <c>harrier cluster silo</c> processes on loopback against the test PostgreSQL, the
/// tiny scenario preset, a third silo that joins late and takes work, and one silo killed with SIGKILL while it holds a
/// file. Every file must be ingested exactly once, and the facts, the derived pictures and the triage report must equal a
/// single-process run's on the same files, bit for bit.
/// <para>
/// The silos and the client are other processes, so the test waits on the state they leave in the database (membership
/// rows, work rows) with a polling wait and a generous deadline (<see cref="Eventually"/>): a deadline that passes fails
/// the test; nothing asserts how long anything took.
/// </para>
/// </summary>
public sealed class ClusterKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);
    private readonly List<(Process Process, StringBuilder Log, int Port)> _silos = [];
    private string _root = null!;
    private TestDatabase _reference = null!;
    private TestDatabase _cluster = null!;
    private Process? _first;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("harrier-cluster-kill-").FullName;
        _reference = await TestDatabase.CreateAsync();
        _cluster = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_first is { HasExited: false })
        {
            _first.Kill();
            await _first.WaitForExitAsync();
        }

        _first?.Dispose();

        foreach (var (process, log, port) in _silos)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            output.WriteLine($"--- silo on port {port} (exit {process.ExitCode}) ---\n{Tail(log.ToString())}");
            process.Dispose();
        }

        await _reference.DisposeAsync();
        await _cluster.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Three_silos_one_killed_ingest_every_file_exactly_once_with_the_single_process_results()
    {
        var scenario = Path.Combine(_root, "scenario");
        await Harrier(["scenario", "generate", "--seed", "7", "--preset", "tiny", "--out", scenario]);
        var media = Path.Combine(scenario, "media");

        // The single-process run: the reference.
        var reference = await PrepareCaseAsync("reference", _reference.ConnectionString, scenario);
        await Harrier(["ingest", "media", "--exhibit", "M", .. reference]);

        // The cluster run: two silos, the client, a third silo once work is under way, one silo killed while it holds a file.
        var cluster = await PrepareCaseAsync("cluster", _cluster.ConnectionString, scenario);
        var files = (int)await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM evidence_files WHERE status = 'ok'");
        Assert.True(files >= 40, $"the tiny preset registered {files} files");
        await ClusterSchema.EnsureAsync(_cluster.ConnectionString, CancellationToken.None); // what the silos create, so the waits below can read it at once
        // The first two lease two files at a time (their facts and audit entry written once per lease); the late one, one file,
        // so that it has a result while files are still waiting on any machine.
        StartSilo(cluster, claimBatch: 2);
        StartSilo(cluster, claimBatch: 2);
        await Eventually.WaitAsync(async () => await ActiveSilosAsync() == 2, Deadline, "two silos active in the membership table");

        // The first client: it disconnects (killed) once a silo has died, and another reconnects (below).
        var first = _first = Process.Start(CliRunner.ChildStartInfo(["cluster", "ingest", "--exhibit", "M", "--json", "--progress", "none", .. cluster]))!;
        first.StandardInput.Close();
        await Eventually.WaitAsync(async () => await DoneAsync() >= 3, Deadline, "three files done by the first two silos");
        var late = StartSilo(cluster, claimBatch: 1);
        await Eventually.WaitAsync(async () => await DoneByPortAsync(late.Port) >= 1, Deadline, "the silo that joined late took work");

        // Kill a silo that holds a file and has finished at least one, while files are still waiting. It is frozen (SIGSTOP)
        // before its leases are read, so that it cannot complete them between the look and the SIGKILL.
        var victim = await Eventually.WaitAsync(async () =>
        {
            var holders = await _cluster.RowsAsync("""
                SELECT split_part(split_part(leased_by, ':', 2), '@', 1) FROM harrier_cluster.work w
                WHERE state = 'leased' AND (SELECT COUNT(*) FROM harrier_cluster.work WHERE state = 'pending') >= 2
                  AND EXISTS (SELECT 1 FROM harrier_cluster.work d WHERE d.state = 'done' AND d.done_by = w.leased_by)
                """);
            if (holders.Count == 0 || _silos.FirstOrDefault(s => s.Port.ToString(CultureInfo.InvariantCulture) == holders[0]).Process is not { } holder)
            {
                return null;
            }

            await SignalAsync(holder, "STOP");
            if ((await LeasedByAsync(holders[0])).Count > 0)
            {
                return holder;
            }

            await SignalAsync(holder, "CONT"); // it finished its lease just before it was frozen: look again
            return null;
        }, Deadline, "a silo holding a file with files still waiting");
        var victimPort = _silos.Single(s => s.Process == victim).Port;
        victim.Kill(); // SIGKILL
        await victim.WaitForExitAsync();
        // What it still held when it died (a statement it had sent before it froze may have landed since).
        var heldByVictim = await LeasedByAsync(victimPort.ToString(CultureInfo.InvariantCulture));
        Assert.NotEmpty(heldByVictim);
        output.WriteLine($"killed the silo on port {victimPort} holding evidence {string.Join(", ", heldByVictim)}");

        // The client disconnects (SIGKILL: gone without a word; the run goes on) and a new one reconnects: `cluster status`
        // and the new `cluster ingest` see the run's true state, what the silos did while no client was connected
        // included, and the new client joins the same run instead of starting another.
        first.Kill();
        await first.WaitForExitAsync();
        var runId = await _cluster.ScalarAsync<string>("SELECT run_id FROM harrier_cluster.runs");
        var doneBefore = await DoneAsync();
        var seen = await CliRunner.RunAsync(["cluster", "status", "--json", .. cluster]);
        using (var status = JsonDocument.Parse(seen.Out))
        {
            Assert.Equal(runId, status.RootElement.GetProperty("runId").GetString());
            Assert.Equal(files, status.RootElement.GetProperty("files").GetInt32());
            Assert.True(status.RootElement.GetProperty("done").GetInt32() >= doneBefore, seen.Out);
        }

        using var client = Process.Start(CliRunner.ChildStartInfo(["cluster", "ingest", "--exhibit", "M", "--json", "--progress", "none", .. cluster]))!;
        client.StandardInput.Close();
        var clientOut = client.StandardOutput.ReadToEndAsync();
        var clientErr = client.StandardError.ReadToEndAsync();

        Assert.True(await WaitForExitAsync(client, Deadline), "the cluster ingest client did not finish");
        var outText = await clientOut;
        Assert.True(client.ExitCode == 0, $"cluster ingest exit {client.ExitCode}:\n{outText}\n{await clientErr}");
        using (var run = JsonDocument.Parse(outText))
        {
            var r = run.RootElement;
            Assert.Equal(runId, r.GetProperty("runId").GetString()); // the reconnected client joined the run, no second one
            Assert.Equal(files, r.GetProperty("files").GetInt32());
            Assert.Equal(files, r.GetProperty("done").GetInt32());
            Assert.Equal(0, r.GetProperty("failed").GetInt32());
            Assert.True(r.GetProperty("retried").GetInt32() >= heldByVictim.Count, outText);
            Assert.True(r.GetProperty("silos").GetArrayLength() == 3, outText);
        }

        Assert.Equal(1, await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.runs"));

        // Exactly once: one work row per file, done by a live silo; one facts row per file; no file ingested twice in the audit log.
        Assert.Equal(files, await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.work WHERE state = 'done'"));
        Assert.Equal(files, await _cluster.ScalarAsync<long>("SELECT COUNT(DISTINCT evidence_id) FROM media_facts"));
        Assert.Equal(files, await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM media_facts"));
        foreach (var item in heldByVictim)
        {
            Assert.DoesNotContain($":{victimPort}@", await _cluster.ScalarAsync<string>($"SELECT done_by FROM harrier_cluster.work WHERE item = {item}"), StringComparison.Ordinal);
        }

        // (An entry covers the files of one lease: "exhibit M: evidence 3 ingested as video, evidence 4 ingested as image".)
        var ingested = await _cluster.RowsAsync("""
            SELECT m[1], COUNT(*) FROM audit_log, regexp_matches(object, 'evidence ([0-9]+) ingested as', 'g') AS m
            WHERE action = 'ingest.file' GROUP BY 1
            """);
        Assert.Equal(files, ingested.Count);
        Assert.All(ingested, row => Assert.EndsWith(" | 1", row, StringComparison.Ordinal));

        // The same results as the single-process run: every facts column but the time of ingest, by file.
        Assert.Equal(await FactsAsync(_reference), await FactsAsync(_cluster));
        var caseDirs = (Reference: reference[1], Cluster: cluster[1]);
        foreach (var row in await _reference.RowsAsync("SELECT e.rel_path, m.derived FROM media_facts m JOIN evidence_files e ON e.id = m.evidence_id WHERE m.derived IS NOT NULL ORDER BY 1"))
        {
            var parts = row.Split(" | ");
            var other = await _cluster.ScalarAsync<string>($"SELECT m.derived FROM media_facts m JOIN evidence_files e ON e.id = m.evidence_id WHERE e.rel_path = '{parts[0].Replace("'", "''", StringComparison.Ordinal)}'");
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(caseDirs.Reference, parts[1])), await File.ReadAllBytesAsync(Path.Combine(caseDirs.Cluster, other)));
        }

        // Triage: single-process on the reference, on the two live silos for the cluster case (the hypotheses of the files
        // nothing else matched are computed by the silos). The same report, and the same stored hypotheses, bit for bit.
        var single = await CliRunner.RunAsync(["triage", "--json", .. reference]);
        Assert.True(single.ExitCode == 0, single.Err);
        var onCluster = await CliRunner.RunAsync(["cluster", "triage", "--json", "--progress", "none", .. cluster]);
        Assert.True(onCluster.ExitCode == 0, $"cluster triage exit {onCluster.ExitCode}:\n{onCluster.Out}\n{onCluster.Err}");
        using (var a = JsonDocument.Parse(single.Out))
        using (var b = JsonDocument.Parse(onCluster.Out))
        {
            var hypothesised = a.RootElement.GetProperty("imagesHypothesised").GetInt32();
            Assert.True(hypothesised > 0, "the tiny preset leaves no image unmatched: the hypotheses step is not exercised\n" + single.Out);
            Assert.Equal(hypothesised, b.RootElement.GetProperty("imagesHypothesised").GetInt32());
            Assert.Equal(a.RootElement.GetProperty("videosHypothesised").GetInt32(), b.RootElement.GetProperty("videosHypothesised").GetInt32());
            Assert.Equal(0, b.RootElement.GetProperty("errors").GetArrayLength());
        }

        var hypothesesRuns = await _cluster.RowsAsync("SELECT r.run_id, COUNT(*) FILTER (WHERE w.state = 'done'), COUNT(*) FROM harrier_cluster.runs r JOIN harrier_cluster.work w USING (run_id) WHERE r.kind = 'hypotheses' GROUP BY 1");
        var run1 = Assert.Single(hypothesesRuns).Split(" | ");
        Assert.Equal(run1[1], run1[2]);
        Assert.Equal(await FactsAsync(_reference), await FactsAsync(_cluster));
        Assert.Equal(await TriageAsync(reference), await TriageAsync(cluster));

        // A second cluster triage has nothing left to compute and starts no run.
        var again = await CliRunner.RunAsync(["cluster", "triage", "--json", "--progress", "none", .. cluster]);
        Assert.True(again.ExitCode == 0, again.Err);
        using (var c = JsonDocument.Parse(again.Out))
        {
            Assert.Equal(0, c.RootElement.GetProperty("imagesHypothesised").GetInt32());
        }

        Assert.Equal(1L, await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.runs WHERE kind = 'hypotheses'"));
        Assert.Equal(await TriageAsync(reference), await TriageAsync(cluster));

        await LookupsThroughTheSilosEqualTheSingleProcessAsync(reference, cluster);
        await Harrier(["audit", "verify", .. cluster]);
    }

    /// <summary>
    /// `harrier serve --cluster` against the live silo processes, beside a single-process `harrier serve` of the reference
    /// case (the same banks): the HMA-compatible lookups of every bank signal, of near copies and of far hashes give the same
    /// answers through both.
    /// </summary>
    private async Task LookupsThroughTheSilosEqualTheSingleProcessAsync(string[] reference, string[] cluster)
    {
        var signals = await _cluster.RowsAsync("SELECT pdq FROM bank_entries WHERE pdq IS NOT NULL ORDER BY id LIMIT 40");
        Assert.NotEmpty(signals);
        var queries = signals.Concat(signals.Select(s => FlipBits(s, 9))).Concat(signals.Select(s => FlipBits(s, 100))).ToList();
        var answers = new List<List<string>>();
        foreach (var caseArgs in new[] { reference, cluster })
        {
            await Harrier(["users", "add", "hma", "--role", "analyst", .. caseArgs]);
            var issued = await CliRunner.RunAsync(["users", "token", "hma", "--json", .. caseArgs]);
            Assert.True(issued.ExitCode == 0, issued.Err);
            var token = JsonDocument.Parse(issued.Out).RootElement.GetProperty("token").GetString()!;
            string[] mode = caseArgs == cluster ? ["--cluster"] : [];
            string[] serve = ["serve", "--port", FreePort().ToString(CultureInfo.InvariantCulture), "--json", .. caseArgs, .. mode];
            using var server = Process.Start(CliRunner.ChildStartInfo(serve))!;
            server.StandardInput.Close();
            var errors = server.StandardError.ReadToEndAsync();
            try
            {
                var line = await server.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException($"serve printed nothing: {await errors}");
                var address = JsonDocument.Parse(line).RootElement.GetProperty("address").GetString()!;
                using var http = new HttpClient { BaseAddress = new Uri(address) };
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var got = new List<string>();
                foreach (var q in queries)
                {
                    using var raw = await http.GetAsync(new Uri($"/m/raw_lookup?signal_type=pdq&signal={q}&include_distance=true", UriKind.Relative));
                    using var named = await http.GetAsync(new Uri($"/m/lookup?signal_type=pdq&signal={q}", UriKind.Relative));
                    Assert.True(raw.IsSuccessStatusCode && named.IsSuccessStatusCode, $"{serve[^1]} lookup {q}: {raw.StatusCode} {named.StatusCode}");
                    got.Add(await raw.Content.ReadAsStringAsync() + " " + await named.Content.ReadAsStringAsync());
                }

                answers.Add(got);
            }
            finally
            {
                server.Kill();
                await server.WaitForExitAsync();
            }
        }

        Assert.Contains(answers[0], a => a.Contains("distance", StringComparison.Ordinal)); // some queries match: the comparison is not of empty answers
        Assert.Equal(answers[0], answers[1]);
    }

    /// <summary><paramref name="hex"/> with its first <paramref name="bits"/> bits flipped.</summary>
    private static string FlipBits(string hex, int bits)
    {
        var bytes = Convert.FromHexString(hex);
        for (var i = 0; i < bits; i++)
        {
            bytes[i / 8] ^= (byte)(1 << (i % 8));
        }

        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>A PostgreSQL case with the scenario's media registered as exhibit M and every hash set as a bank; its --case/--db arguments.</summary>
    private async Task<string[]> PrepareCaseAsync(string name, string db, string scenario)
    {
        var caseDir = Path.Combine(_root, name);
        string[] args = ["--case", caseDir, "--db", db];
        await Harrier(["case", "init", caseDir, "--name", name, "--db", db]);
        await Harrier(["evidence", "add", Path.Combine(scenario, "media"), "--exhibit", "M", .. args]);
        foreach (var file in Directory.GetFiles(Path.Combine(scenario, "hashsets")).Order(StringComparer.Ordinal))
        {
            await Harrier(["banks", "import", file, "--name", Path.GetFileName(file), .. args]);
        }

        return args;
    }

    private (Process Process, StringBuilder Log, int Port) StartSilo(string[] caseArgs, int claimBatch)
    {
        var port = FreePort();
        var gateway = FreePort();
        var process = Process.Start(CliRunner.ChildStartInfo(["cluster", "silo", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture), "--jobs", "1", "--lease", "10", "--idle-poll-ms", "200",
            "--claim-batch", claimBatch.ToString(CultureInfo.InvariantCulture), .. caseArgs]))!;
        process.StandardInput.Close();
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = (process, log, port);
        _silos.Add(silo);
        return silo;
    }

    private Task<List<string>> LeasedByAsync(string port) =>
        _cluster.RowsAsync($"SELECT item FROM harrier_cluster.work WHERE state = 'leased' AND leased_by LIKE '%:{port}@%'");

    /// <summary>Sends SIGSTOP or SIGCONT (<paramref name="signal"/>) to <paramref name="process"/> with kill(1).</summary>
    private static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    private async Task<long?> ActiveSilosAsync() =>
        await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.OrleansMembershipTable WHERE Status = 3");

    private Task<long> DoneAsync() => _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM harrier_cluster.work WHERE state = 'done'");

    private Task<long> DoneByPortAsync(int port) =>
        _cluster.ScalarAsync<long>($"SELECT COUNT(*) FROM harrier_cluster.work WHERE state = 'done' AND done_by LIKE '%:{port}@%'");

    /// <summary>Every facts row as JSON without its evidence id, its time of ingest and its derived file's name (which holds the id), by path.</summary>
    private static Task<List<string>> FactsAsync(TestDatabase db) => db.RowsAsync("""
        SELECT e.rel_path, (to_jsonb(m) - 'evidence_id' - 'ingested_utc' - 'derived')::text, m.derived IS NOT NULL
        FROM media_facts m JOIN evidence_files e ON e.id = m.evidence_id ORDER BY e.rel_path
        """);

    /// <summary>The triage report's per-file rows (JSON), without what names the case.</summary>
    private static async Task<string> TriageAsync(string[] caseArgs)
    {
        var report = await CliRunner.RunAsync(["report", "triage", "--json", .. caseArgs]);
        Assert.True(report.ExitCode == 0, report.Err);
        var files = JsonNode.Parse(report.Out)!["files"]!.AsArray();
        foreach (var file in files)
        {
            file!.AsObject().Remove("evidenceId");
            file.AsObject().Remove("derived");
        }

        return files.ToJsonString();
    }

    private static async Task Harrier(string[] args)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"harrier {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Err}\n{result.Out}");
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
