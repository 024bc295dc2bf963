using Harrier.Cases;
using Harrier.Operations.Eval;
using Microsoft.Extensions.Time.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// The Evaluate use case's refusals on a real (SQLite) case; the scores themselves are covered against the model in
/// Harrier.Scenario.Tests and end to end (eval --json, the demo's eval.json) in Harrier.Cli.Tests.
/// </summary>
public sealed class EvaluateTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("harrier-op-eval-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
    private CaseStore _store = null!;

    public async Task InitializeAsync() =>
        _store = await CaseStore.CreateAsync(Path.Combine(_root, "case"), "Op Eval", null, "analyst-1", _time, CancellationToken.None);

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_missing_truth_file_is_refused_by_name()
    {
        var missing = Path.Combine(_root, "nope.json");
        var e = await Assert.ThrowsAsync<EvaluationException>(() =>
            new Evaluate(_store).RunAsync(new OperationContext("analyst-1", _time), new EvaluateRequest(missing, null), CancellationToken.None));
        Assert.Equal($"no such file: {missing}", e.Message);
    }

    [Fact]
    public async Task A_case_without_triage_is_refused_before_the_truth_is_read()
    {
        var truth = Path.Combine(_root, "truth.json");
        await File.WriteAllTextAsync(truth, "not json");
        var e = await Assert.ThrowsAsync<EvaluationException>(() =>
            new Evaluate(_store).RunAsync(new OperationContext("analyst-1", _time), new EvaluateRequest(truth, null), CancellationToken.None));
        Assert.Equal("no triage results in this case; run 'harrier triage' first", e.Message);
    }
}
