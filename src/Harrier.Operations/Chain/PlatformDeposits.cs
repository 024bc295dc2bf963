using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Harrier.Operations.Chain;

/// <summary>
/// The seized platform's deposit addresses as a deposits file (<c>address,user</c> a line) for <see cref="ClusterChain"/>
/// and <see cref="TraceChain"/>. Reads the scenario's SQLite platform database read-only; a stand-in until the chain
/// stages take the deposit addresses of a platform import (<see cref="Platform.ImportPlatform"/>) from the case.
/// </summary>
public static class PlatformDeposits
{
    /// <summary>Writes every user's deposit address from <paramref name="platformDatabase"/> to <paramref name="depositsFile"/>.</summary>
    public static async Task WriteAsync(string platformDatabase, string depositsFile, CancellationToken cancellationToken)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = platformDatabase, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var db = new SqliteConnection(cs.ToString());
        await db.OpenAsync(cancellationToken);
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT deposit_address, id FROM users ORDER BY id";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await using var w = new StreamWriter(depositsFile);
        while (await reader.ReadAsync(cancellationToken))
        {
            await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)},{reader.GetInt64(1)}"));
        }
    }
}
