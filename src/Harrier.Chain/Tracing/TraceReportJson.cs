using System.Text.Json;

namespace Harrier.Chain.Tracing;

/// <summary>Reads and writes a case's <c>trace.json</c> (<see cref="TraceReport"/>, indented, camelCase), as <c>chain trace</c> writes it.</summary>
public static class TraceReportJson
{
    /// <summary>The serializer options of <c>trace.json</c>.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Reads a trace report; <see cref="InvalidDataException"/> when the file holds none.</summary>
    public static async Task<TraceReport> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<TraceReport>(stream, Options, cancellationToken)
            ?? throw new InvalidDataException($"{path} is empty");
    }

    /// <summary>The report as <c>trace.json</c> holds it.</summary>
    public static string Serialize(TraceReport report) => JsonSerializer.Serialize(report, Options);
}
