using System.Text.Json;

namespace Harrier.Scenario.Truth;

/// <summary>Reads and writes <c>truth.json</c> (<see cref="ScenarioTruth"/>): indented, camelCase, one trailing newline.</summary>
public static class TruthJson
{
    /// <summary>The schema this version writes.</summary>
    public const string Schema = "harrier-scenario-truth/1";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Writes <paramref name="truth"/> to <paramref name="stream"/>, streaming its sequences.</summary>
    public static async Task WriteAsync(Stream stream, ScenarioTruth truth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await JsonSerializer.SerializeAsync(stream, truth, Options, cancellationToken);
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Writes <paramref name="truth"/> to a new file at <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, ScenarioTruth truth, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: false);
        await WriteAsync(file, truth, cancellationToken);
    }

    /// <summary>Reads a truth file; <see cref="InvalidDataException"/> when it is not one (no <c>files</c>).</summary>
    public static async Task<ScenarioTruth> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var truth = await JsonSerializer.DeserializeAsync<ScenarioTruth>(stream, Options, cancellationToken);
        return truth?.Files is null
            ? throw new InvalidDataException($"{path} has no files[]: not a scenario truth file")
            : truth;
    }

    /// <summary>Reads a truth file synchronously (see <see cref="ReadAsync"/>).</summary>
    public static ScenarioTruth Read(string path)
    {
        using var stream = File.OpenRead(path);
        var truth = JsonSerializer.Deserialize<ScenarioTruth>(stream, Options);
        return truth?.Files is null
            ? throw new InvalidDataException($"{path} has no files[]: not a scenario truth file")
            : truth;
    }
}
