using Harrier.Cases;
using Harrier.Operations.Cluster;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace Harrier.Web.Pages.Cluster;

/// <summary>
/// The case's cluster runs (issue 18, docs/cluster.md): per run, files done, failed, in work and waiting, per silo (with
/// its membership status), rate, ETA and every failure with its reason. The same read as <c>harrier cluster status</c>
/// (<see cref="ClusterRuns"/>), so both show the run's true state; nothing here writes to the cluster's tables.
/// </summary>
[Authorize(Policy = WorkbenchPolicies.AllCountries)]
public sealed class IndexModel(CaseStore store) : WorkbenchPage
{
    /// <summary>Runs shown, newest first.</summary>
    public const int Shown = 20;

    /// <summary>Whether the case is on PostgreSQL (a cluster needs it).</summary>
    public bool OnPostgres { get; private set; }

    public IReadOnlyList<RunStatus> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await Audit.RecordAsync(User, "web.cluster.view", "cluster runs", cancellationToken);
        OnPostgres = store.Database.Kind == CaseDatabaseKind.PostgreSql;
        Runs = await ClusterRuns.ListAsync(store, Shown, cancellationToken);
    }

    /// <summary>Seconds as a short duration (<c>42 s</c>, <c>3 min 5 s</c>, <c>2 h 4 min</c>).</summary>
    public static string Duration(double seconds) => seconds switch
    {
        < 60 => FormattableString.Invariant($"{seconds:0} s"),
        < 3600 => FormattableString.Invariant($"{Math.Floor(seconds / 60):0} min {seconds % 60:0} s"),
        _ => FormattableString.Invariant($"{Math.Floor(seconds / 3600):0} h {Math.Floor(seconds % 3600 / 60):0} min"),
    };
}
