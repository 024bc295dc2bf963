using System.Data.Common;
using System.Globalization;

namespace Harrier.Cases;

/// <summary>Rows of one table inserted <see cref="Rows"/> at a time with one multi-row INSERT (the same SQL on both databases).</summary>
internal sealed class RowBatch(DbConnection connection, DbTransaction tx, string table, string[] columns) : IAsyncDisposable
{
    private const int Rows = 200;
    private readonly List<object?[]> _pending = [];
    private DbCommand? _full;

    public async Task AddAsync(object?[] row, CancellationToken cancellationToken)
    {
        _pending.Add(row);
        if (_pending.Count == Rows)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // The full-size statement is built once and reused; a last, shorter batch gets its own.
        var partial = _pending.Count < Rows ? Build(_pending.Count) : null;
        var cmd = partial ?? (_full ??= Build(Rows));
        try
        {
            for (var r = 0; r < _pending.Count; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    cmd.Parameters[r * columns.Length + c].Value = _pending[r][c] ?? DBNull.Value;
                }
            }

            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            if (partial is not null)
            {
                await partial.DisposeAsync();
            }
        }

        _pending.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_full is not null)
        {
            await _full.DisposeAsync();
        }
    }

    private DbCommand Build(int rows)
    {
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
            "(" + string.Join(", ", Enumerable.Range(0, columns.Length).Select(c => string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}"))) + ")"));
        var names = Enumerable.Range(0, rows).SelectMany(r => Enumerable.Range(0, columns.Length)
            .Select(c => (string.Create(CultureInfo.InvariantCulture, $"@p{r}_{c}"), (object?)null))).ToArray();
        return CaseDatabase.Command(connection, tx, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {values}", names);
    }
}
