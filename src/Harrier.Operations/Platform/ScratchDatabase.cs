using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Harrier.Operations.Platform;

/// <summary>
/// A uniquely named database created on a scratch PostgreSQL server to load a platform dump into with <c>psql</c>
/// (a plain-SQL dump is a script; only PostgreSQL itself reads it faithfully). Dropped on dispose, whatever happened.
/// </summary>
internal sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _admin;

    private ScratchDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database's name (<c>harrier_scratch_…</c>).</summary>
    public string Name { get; }

    /// <summary>A connection string to it.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the database on the server of <paramref name="adminConnection"/> and loads <paramref name="dump"/> into it.</summary>
    public static async Task<ScratchDatabase> LoadAsync(string adminConnection, string dump, CancellationToken cancellationToken)
    {
        var admin = PlatformSource.Postgres(adminConnection);
        var name = "harrier_scratch_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var conn = new NpgsqlConnection(admin.ConnectionString);
            await conn.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new OperationException($"cannot create a scratch database on {PlatformSource.Display(adminConnection)}: {e.Message}", e);
        }

        var scratch = new ScratchDatabase(admin.ConnectionString, name, new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString);
        try
        {
            await scratch.RunPsqlAsync(admin, dump, cancellationToken);
        }
        catch
        {
            await scratch.DisposeAsync();
            throw;
        }

        return scratch;
    }

    public async ValueTask DisposeAsync()
    {
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task RunPsqlAsync(NpgsqlConnectionStringBuilder admin, string dump, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", dump])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // The connection travels in libpq's variables, never on the command line (a password would show in ps).
        psi.Environment["PGHOST"] = admin.Host ?? "localhost";
        psi.Environment["PGPORT"] = admin.Port.ToString(CultureInfo.InvariantCulture);
        psi.Environment["PGDATABASE"] = Name;
        if (admin.Username is { } user)
        {
            psi.Environment["PGUSER"] = user;
        }

        if (admin.Password is { } password)
        {
            psi.Environment["PGPASSWORD"] = password;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new OperationException("psql did not start");
        }
        catch (Win32Exception e)
        {
            throw new OperationException($"a dump is loaded with psql, which was not found ({e.Message}); install the PostgreSQL client", e);
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            await output;
            var err = (await errors).Trim();
            if (process.ExitCode != 0)
            {
                throw new OperationException($"psql could not load {dump} into the scratch database (exit {process.ExitCode}): {Tail(err)}");
            }
        }
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : "…" + s[^2000..];
}
